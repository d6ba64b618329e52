"""The fuzzer's op table: every public op behind tapegrad's primitives and composites, once.

An entry is the op's call in TensorFlow syntax, `{0}`, `{1}`, ... standing for its operands and
`{name}` for the static arguments its `params` draws for the operands' shapes (None when the op
does not apply to them). `margin` is the signed distance of the operands to the op's nearest
kink, pole or branch cut (negative: outside its domain); a smooth program keeps every op's
margin above `MARGIN`, so that finite differences see its true derivative (a NaN margin rules
the operands out in every program). `connects` lists the operands a reverse gradient reaches
(TensorFlow's None elsewhere); `literal` the operands that may be a Python number instead of a
tensor; `fd=False` marks an op no finite difference can check, used at kinks only; `rounds` one
that rounds to float32 (looser comparisons of one quantity computed two ways).
"""

import numpy as np

MARGIN = 1e-3  # smooth programs keep every op this far from its kinks and poles


class Op:
    """One entry of the table (see the module's docstring for the fields)."""

    __slots__ = (
        "arity",
        "connects",
        "fd",
        "literal",
        "margin",
        "name",
        "params",
        "rounds",
        "template",
    )

    def __init__(self, name, template, arity=1, params=None, margin=None, connects=None,
                 literal=(), fd=True, rounds=False):
        self.name, self.template, self.arity = name, template, arity
        self.params = params or _elementwise
        self.margin, self.connects, self.literal, self.fd = margin, connects, literal, fd
        self.rounds = rounds

    def __repr__(self):
        return f"Op({self.name!r}, {self.template!r})"


# -- parameter drawers: (rng, *operand shapes) -> dict of template fields, or None -------------

def _elementwise(rng, *shapes):
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        return None
    return {}


def _same_shape(rng, *shapes):
    return {} if all(s == shapes[0] for s in shapes) else None


def _at_least(rank, draw=None):
    def params(rng, *shapes):
        if any(len(s) < rank for s in shapes):
            return None
        return {} if draw is None else draw(rng, *shapes)

    return params


def _axis(rng, rank):
    return int(rng.integers(-rank, rank))


def _reduce(rng, shape, single=False):
    """axis None, one axis (maybe negative) or, unless `single`, a list of axes; keepdims."""
    r = len(shape)
    choice = rng.integers(3 if single else 4) if r else 0
    if choice == 0:
        axis = None
    elif choice < 3:
        axis = _axis(rng, r)
    else:
        axis = tuple(sorted({int(a) for a in rng.integers(0, r, size=2)}))
    keep = bool(rng.integers(2))
    kw = "" if axis is None else f", axis={list(axis) if isinstance(axis, tuple) else axis}"
    return {"kw": kw + (", keepdims=True" if keep else ""), "axis": axis, "keepdims": keep}


def _one_axis(rng, shape):
    return {"axis": _axis(rng, len(shape))}


def _last_axes(rng, shape):
    return {"axis": [-1, len(shape) - 1, 0][rng.integers(3)]}


# -- margins: (*operand values, **params) -> signed distance to the nearest kink or pole ---------

def _min(a):
    a = np.asarray(a, dtype=float)
    return float(np.min(a)) if a.size else np.inf


def _to_integer(x, *_, **__):
    return _min(np.abs(x - np.round(x)))


def _gap(x, axis=None, keepdims=False):
    """The smallest gap between the largest two (or smallest two) values of a reduction group."""
    x = np.asarray(x, dtype=float)
    if x.ndim == 0:
        return np.inf
    axes = tuple(range(x.ndim)) if axis is None else tuple(
        a % x.ndim for a in (axis if isinstance(axis, tuple) else (axis,)))
    rest = [a for a in range(x.ndim) if a not in axes]
    groups = np.transpose(x, rest + list(axes)).reshape(
        int(np.prod([x.shape[a] for a in rest])), -1)
    if groups.shape[1] < 2:
        return np.inf
    s = np.sort(groups, axis=1)
    return _min(np.minimum(s[:, -1] - s[:, -2], s[:, 1] - s[:, 0]))


def _ties(x, axis=-1, **_):
    """The smallest gap between two values along `axis` (sort and top_k: a tie is a kink)."""
    x = np.asarray(x, dtype=float)
    if x.ndim == 0 or x.shape[axis] < 2:
        return np.inf
    return _min(np.diff(np.sort(x, axis=axis), axis=axis))


def _bcast(*xs):
    return np.broadcast_arrays(*[np.asarray(x, dtype=float) for x in xs])


def _apart(x, y, *_, **__):
    x, y = _bcast(x, y)
    return _min(np.abs(x - y))


def _nonzero(x, *_, **__):
    return _min(np.abs(x))


def _positive(x, *_, **__):
    return _min(x)


def _divisor(x, y, *_, **__):
    return _min(np.abs(y))


def _mod(x, y, *_, **__):
    x, y = _bcast(x, y)
    return min(_min(np.abs(y)), _to_integer(x / np.where(y == 0, 1, y)) * max(_min(np.abs(y)), 0))


def _norm_axis(x, axis=None, **_):
    return _min(np.sqrt(np.sum(np.square(x), axis=axis)))


def _sq(x):
    n = x.shape[-1]
    return x.shape[-2:] == (n, n)


# -- the table -------------------------------------------------------------------------------

def _u(name, template, **kw):
    return Op(name, template, 1, **kw)


def _b(name, template, **kw):
    kw.setdefault("literal", (1,))
    return Op(name, template, 2, **kw)


SMOOTH_UNARY = [
    _u("negative", "tf.negative({0})"), _u("negative", "-{0}"), _u("square", "tf.square({0})"),
    _u("exp", "tf.exp({0})"), _u("expm1", "tf.math.expm1({0})"), _u("sin", "tf.sin({0})"),
    _u("cos", "tf.cos({0})"), _u("tanh", "tf.tanh({0})"), _u("sigmoid", "tf.sigmoid({0})"),
    _u("atan", "tf.atan({0})"), _u("sinh", "tf.sinh({0})"), _u("cosh", "tf.cosh({0})"),
    _u("erf", "tf.math.erf({0})"), _u("softplus", "tf.math.softplus({0})"),
    _u("gelu", "tf.nn.gelu({0})"), _u("gelu", "tf.nn.gelu({0}, approximate=True)"),
    _u("identity", "tf.identity({0})"), _u("pow", "{0} ** 2"), _u("pow", "tf.pow({0}, 3.0)"),
    _u("l2_loss", "tf.nn.l2_loss({0})"),
]

POLES = [
    _u("sqrt", "tf.sqrt({0})", margin=_positive),
    _u("rsqrt", "tf.math.rsqrt({0})", margin=_positive),
    _u("log", "tf.math.log({0})", margin=_positive),
    _u("log1p", "tf.math.log1p({0})", margin=lambda x: _min(x + 1.0)),
    _u("reciprocal", "tf.math.reciprocal({0})", margin=_nonzero),
    _u("tan", "tf.tan({0})", margin=lambda x: _min(np.abs(np.cos(x)))),
    _u("asin", "tf.asin({0})", margin=lambda x: _min(1.0 - np.abs(x))),
    _u("acos", "tf.acos({0})", margin=lambda x: _min(1.0 - np.abs(x))),
    _u("pow", "{0} ** 0.5", margin=_positive), _u("pow", "{0} ** -1", margin=_nonzero),
    _b("pow", "tf.pow({0}, {1})", margin=_positive),
    _b("divide", "tf.divide({0}, {1})", margin=_divisor, literal=(0, 1)),
    _b("divide", "{0} / {1}", margin=_divisor, literal=(0, 1)),
    _b("truediv", "tf.math.truediv({0}, {1})", margin=_divisor),
    # the guarded ops: 0 at the guard, where the derivative is TensorFlow's convention (0)
    _b("divide_no_nan", "tf.math.divide_no_nan({0}, {1})", margin=_divisor, literal=(0, 1)),
    _b("multiply_no_nan", "tf.math.multiply_no_nan({0}, {1})"),
    _b("xdivy", "tf.math.xdivy({0}, {1})",
       margin=lambda x, y: min(_nonzero(x), _divisor(x, y))),
    _b("xlogy", "tf.math.xlogy({0}, {1})", margin=lambda x, y: min(_nonzero(x), _positive(y))),
    _b("xlog1py", "tf.math.xlog1py({0}, {1})",
       margin=lambda x, y: min(_nonzero(x), _positive(np.asarray(y) + 1.0))),
    _b("atan2", "tf.atan2({0}, {1})", margin=lambda y, x: _min(np.where(
        _bcast(x, y)[0] > 0, np.hypot(*_bcast(x, y)), np.abs(_bcast(x, y)[1])))),
]

KINKS = [
    _u("abs", "tf.abs({0})", margin=_nonzero),
    _u("relu", "tf.nn.relu({0})", margin=_nonzero),
    _u("relu6", "tf.nn.relu6({0} * 4.0)", margin=lambda x: min(_nonzero(x), _nonzero(x - 1.5))),
    _u("leaky_relu", "tf.nn.leaky_relu({0}, alpha=0.25)", margin=_nonzero),
    _u("elu", "tf.nn.elu({0})", margin=_nonzero),
    _u("selu", "tf.nn.selu({0})", margin=_nonzero),
    _u("softsign", "tf.math.softsign({0})", margin=_nonzero),
    _u("sign", "tf.sign({0})", margin=_nonzero),
    _u("floor", "tf.floor({0})", margin=_to_integer, connects=()),
    _u("ceil", "tf.math.ceil({0})", margin=_to_integer, connects=()),
    _u("round", "tf.round({0})", margin=lambda x: _to_integer(x - 0.5), connects=()),
    _u("cast", "tf.cast(tf.cast({0}, tf.int32), {0}.dtype)", margin=_to_integer, connects=()),
    _u("cast", "tf.cast(tf.cast({0}, tf.float32), {0}.dtype)", fd=False, rounds=True),
    # its value moves with the input but its gradient is None: finite differences cannot check it
    _u("stop_gradient", "tf.stop_gradient({0})", connects=(), fd=False),
    _u("zeros_like", "tf.zeros_like({0})", connects=()),
    _u("ones_like", "tf.ones_like({0})", connects=()),
    _b("maximum", "tf.maximum({0}, {1})", margin=_apart),
    _b("minimum", "tf.minimum({0}, {1})", margin=_apart),
    _b("greater", "tf.cast({0} > {1}, {0}.dtype)", margin=_apart, connects=(), literal=(1,)),
    _b("less_equal", "tf.cast(tf.less_equal({0}, {1}), {0}.dtype)", margin=_apart, connects=()),
    _b("floormod", "tf.math.floormod({0}, {1})", margin=_mod),
    _b("floormod", "{0} % {1}", margin=_mod),
    _b("floordiv", "tf.math.floordiv({0}, {1})", margin=_mod, connects=()),
    _b("floordiv", "{0} // {1}", margin=_mod, connects=()),
    _u("clip_by_value", "tf.clip_by_value({0}, -0.5, 1.25)",
       margin=lambda x: min(_nonzero(x + 0.5), _nonzero(x - 1.25))),
    Op("clip_by_value", "tf.clip_by_value({0}, {1}, {2})", 3,
       params=lambda rng, s, lo, hi: {} if _elementwise(rng, s, lo, hi) is not None and (
           np.broadcast_shapes(s, lo, hi) == s) else None,
       margin=lambda x, lo, hi: min(_apart(x, lo), _apart(x, hi)), literal=(1, 2)),
    Op("where", "tf.where({0} > 0.0, {1}, {2})", 3, margin=_nonzero, connects=(1, 2),
       literal=(2,)),
    Op("where", "tf.where({0} > {1}, {0}, {1})", 2, margin=_apart),
    Op("where", "tf.where(tf.math.is_nan({0}), tf.zeros_like({0}), {0})"),
    _b("equal", "tf.cast(tf.equal({0}, {1}), {0}.dtype)", margin=_apart, connects=()),
    _b("logical_and", "tf.cast(tf.logical_and({0} > 0.0, {1} < 0.5), {0}.dtype)", literal=(),
       margin=lambda x, y: min(_nonzero(x), _nonzero(y - 0.5)), connects=()),
    _b("logical_or", "tf.cast(tf.logical_or(tf.logical_not({0} >= 0.0), tf.math.logical_xor("
       "{0} < 1.0, {1} != 0.0)), {0}.dtype)", literal=(), connects=(), margin=lambda x, y: min(
           _nonzero(x), _nonzero(x - 1.0), _nonzero(y))),
    _b("not_equal", "tf.cast(tf.not_equal({0}, {1}), {0}.dtype)", margin=_apart, connects=()),
    _b("less", "tf.cast(tf.less({0}, {1}), {0}.dtype)", margin=_apart, connects=()),
    _b("greater_equal", "tf.cast(tf.greater_equal({0}, {1}), {0}.dtype) * {0}", margin=_apart,
       connects=(0,)),
    _u("is_finite", "tf.cast(tf.math.is_finite({0}), {0}.dtype) * {0}"),
    Op("reduce_any", "tf.cast(tf.reduce_any({0} > 0.5{kw}), {0}.dtype)", connects=(),
       params=lambda rng, s: _reduce(rng, s), margin=lambda x, **_: _nonzero(x - 0.5)),
    Op("reduce_all", "tf.cast(tf.reduce_all({0} < 0.5{kw}), {0}.dtype)", connects=(),
       params=lambda rng, s: _reduce(rng, s), margin=lambda x, **_: _nonzero(x - 0.5)),
]


ARITHMETIC = [
    _b("add", "tf.add({0}, {1})"), _b("add", "{0} + {1}", literal=(0, 1)),
    _b("subtract", "tf.subtract({0}, {1})"), _b("subtract", "{0} - {1}", literal=(0, 1)),
    _b("multiply", "tf.multiply({0}, {1})"), _b("multiply", "{0} * {1}", literal=(0, 1)),
    _b("squared_difference", "tf.math.squared_difference({0}, {1})"),
    _b("add_n", "tf.add_n([{0}, {1}, {0}])", params=_same_shape, literal=()),
    _u("add_n", "tf.add_n([{0}])"),
]


def _reduction(name, fn, margin=None):
    template = f"{fn}({{0}}{{kw}})"
    return Op(name, template, params=lambda rng, s: _reduce(rng, s), margin=margin)


def _extreme_margin(x, axis=None, keepdims=False, **_):
    return _gap(x, axis)


REDUCTIONS = [
    _reduction("reduce_sum", "tf.reduce_sum"), _reduction("reduce_mean", "tf.reduce_mean"),
    _reduction("reduce_max", "tf.reduce_max", _extreme_margin),
    _reduction("reduce_min", "tf.reduce_min", _extreme_margin),
    _reduction("reduce_prod", "tf.reduce_prod"),
    _reduction("reduce_logsumexp", "tf.reduce_logsumexp"),
    _reduction("reduce_variance", "tf.math.reduce_variance"),
    _reduction("reduce_std", "tf.math.reduce_std", lambda x, axis=None, **_: _min(np.std(
        x, axis=axis))),
    Op("norm", "tf.norm({0}{kw})", params=lambda rng, s: _reduce(rng, s, single=True),
       margin=lambda x, axis=None, **_: _norm_axis(x, axis)),
    Op("norm", "tf.norm({0}, ord={ord}, axis={axis})", params=_at_least(1, lambda rng, s: {
        "ord": ["1", "np.inf", "3", "2"][rng.integers(4)], "axis": _axis(rng, len(s))}),
       margin=lambda x, ord, axis: min(_nonzero(x), _gap(np.abs(x), axis)) if ord != "2" else
       _norm_axis(x, axis)),
    Op("norm", "tf.norm({0}, ord={ord}, axis=[-2, -1])", params=_at_least(2, lambda rng, s: {
        "ord": ["'fro'", "1", "np.inf", "'euclidean'"][rng.integers(4)]}),
       margin=lambda x, ord: (_norm_axis(x, (-2, -1)) if "'" in ord else min(_nonzero(x), _gap(
           np.sum(np.abs(x), axis=-2 if ord == "1" else -1), -1)))),
    Op("argmax", "tf.cast(tf.argmax({0}, axis={axis}), {0}.dtype)", params=_at_least(
        1, _one_axis), margin=lambda x, axis: _gap(x, axis), connects=()),
    Op("argmin", "tf.cast(tf.math.argmin({0}, axis={axis}), {0}.dtype)", params=_at_least(
        1, _one_axis), margin=lambda x, axis: _gap(x, axis), connects=()),
    Op("one_hot", "tf.one_hot(tf.argmax({0}, axis=-1), {n}, dtype={0}.dtype) * {0}",
       params=_at_least(1, lambda rng, s: {"n": s[-1]}), margin=lambda x, n: _gap(x, -1)),
    Op("cumsum", "tf.cumsum({0}, axis={axis}, exclusive={e}, reverse={r})",
       params=_at_least(1, lambda rng, s: dict(_one_axis(rng, s), e=bool(rng.integers(2)),
                                                  r=bool(rng.integers(2))))),
    Op("cumprod", "tf.math.cumprod({0}, axis={axis}, exclusive={e}, reverse={r})",
       params=_at_least(1, lambda rng, s: dict(_one_axis(rng, s), e=bool(rng.integers(2)),
                                                  r=bool(rng.integers(2)))),
       margin=lambda x, **_: _nonzero(x)),
    Op("softmax", "tf.nn.softmax({0}, axis={axis})", params=_at_least(1, _last_axes)),
    Op("log_softmax", "tf.nn.log_softmax({0}, axis={axis})", params=_at_least(1, _last_axes)),
    Op("l2_normalize", "tf.math.l2_normalize({0}, axis={axis})",
       params=_at_least(1, _one_axis), margin=lambda x, axis: _norm_axis(x, axis)),
    Op("clip_by_norm", "tf.clip_by_norm({0}, 1.5)",
       margin=lambda x: min(_norm_axis(x), abs(_norm_axis(x) - 1.5))),
    Op("global_norm", "tf.linalg.global_norm([{0}, {0} * 0.5])", margin=_norm_axis),
    # the global norm of [x, x / 2] is |x| * sqrt(1.25): the kink is where it equals 1.5
    Op("clip_by_global_norm", "tf.clip_by_global_norm([{0}, {0} * 0.5], 1.5)[0][0]",
       margin=lambda x: min(_norm_axis(x), abs(_norm_axis(x) * 1.25 ** 0.5 - 1.5))),
    Op("moments", "tf.nn.moments({0}, axes={axes}, keepdims={k})[{i}]",
       params=_at_least(1, lambda rng, s: {"axes": [_axis(rng, len(s))], "k": bool(
           rng.integers(2)), "i": int(rng.integers(2))})),
]


def _xent_params(rng, a, b):
    return dict(_last_axes(rng, a)) if a == b and len(a) >= 1 else None


NN = [
    Op("sigmoid_cross_entropy_with_logits",
       "tf.nn.sigmoid_cross_entropy_with_logits(labels={1}, logits={0})", 2, params=_same_shape),
    Op("softmax_cross_entropy_with_logits",
       "tf.nn.softmax_cross_entropy_with_logits(labels=tf.nn.softmax({1}, axis={axis}), "
       "logits={0}, axis={axis})", 2, params=_xent_params),
    Op("softmax_cross_entropy_with_logits",
       "tf.nn.softmax_cross_entropy_with_logits(labels={1}, logits={0})", 2,
       params=lambda rng, a, b: {} if a == b and a else None),
    Op("sparse_softmax_cross_entropy_with_logits",
       "tf.nn.sparse_softmax_cross_entropy_with_logits(labels={labels}, logits={0})",
       params=_at_least(1, lambda rng, s: {"labels": rng.integers(0, s[-1], size=s[:-1]).tolist()
                                           if len(s) > 1 else int(rng.integers(0, s[-1]))})),
]


# -- shapes and indexing -------------------------------------------------------------------------

def _reshape(rng, s):
    size = int(np.prod(s))
    options = [[-1], [size], list(s) + [1], [1] + list(s), list(reversed(s))]
    if size % 2 == 0 and size > 2:
        options.append([2, -1])
    return {"shape": options[rng.integers(len(options))]}


def _perm(rng, s):
    return {"perm": [int(p) for p in rng.permutation(len(s))]}


def _concat(rng, a, b):
    if len(a) != len(b) or not a:
        return None
    differ = [i for i in range(len(a)) if a[i] != b[i]]
    if len(differ) > 1:
        return None
    return {"axis": differ[0] if differ else _axis(rng, len(a))}


def _unstack(rng, s):
    axis = _axis(rng, len(s))
    return {"axis": axis, "i": int(rng.integers(s[axis]))}


def _split(rng, s):
    axis = _axis(rng, len(s))
    n = s[axis]
    parts = [k for k in (1, 2, 3) if n % k == 0]
    num = parts[rng.integers(len(parts))]
    return {"axis": axis, "n": num, "i": int(rng.integers(num))}


def _split_sizes(rng, s):
    axis = _axis(rng, len(s))
    n = s[axis]
    if n < 2:
        return None
    first = int(rng.integers(1, n))
    return {"axis": axis, "sizes": [first, -1], "i": int(rng.integers(2))}


def _pad(rng, s):
    mode = ["'CONSTANT'", "'REFLECT'", "'SYMMETRIC'", "'constant'"][rng.integers(4)]
    limit = {"'REFLECT'": lambda n: n - 1, "'SYMMETRIC'": lambda n: n}.get(mode, lambda n: 2)
    pads = [[int(rng.integers(0, limit(n) + 1)), int(rng.integers(0, limit(n) + 1))] for n in s]
    extra = ", constant_values=0.5" if "ONST" in mode.upper() and rng.integers(2) else ""
    return {"pads": pads, "mode": mode, "extra": extra}


def _gather(rng, s):
    axis = _axis(rng, len(s))
    n = s[axis]
    if len(s) >= 2 and axis % len(s) >= 1 and rng.integers(2):
        idx = rng.integers(0, n, size=(s[0], 2)).tolist()
        return {"idx": idx, "axis": axis, "bd": ", batch_dims=1"}
    k = int(rng.integers(1, 4))
    return {"idx": rng.integers(0, n, size=k).tolist(), "axis": axis, "bd": ""}


def _ids(rng, s):
    # tf.nn.embedding_lookup's ids: any shape, rows of params (its first axis), repeats allowed
    shape = tuple(int(d) for d in rng.integers(1, 3, size=int(rng.integers(0, 3))))
    return {"idx": rng.integers(0, s[0], size=shape).tolist()}


def _sort(rng, s):
    return {"axis": _axis(rng, len(s)), "direction": ("'ASCENDING'", "'DESCENDING'")[
        int(rng.integers(2))]}


def _gather_nd(rng, s):
    depth = int(rng.integers(1, len(s) + 1))
    rows = int(rng.integers(1, 4))
    idx = np.stack([rng.integers(0, s[d], size=rows) for d in range(depth)], axis=-1)
    return {"idx": idx.tolist()}


def _scatter(rng, s):
    # updates {0} of shape s into rows of a new first axis: index tuples of depth 1, repeats
    # allowed (they add up)
    n = int(rng.integers(1, 4))
    return {"idx": rng.integers(0, n, size=(s[0], 1)).tolist(), "shape": [n] + list(s[1:])}


def _rows_of(rng, s):
    # distinct rows of {0} to update with its own first rows (no repeats: an update's last
    # write wins, which finite differences would see as no derivative for the others)
    r = int(rng.integers(1, s[0] + 1))
    return {"idx": rng.permutation(s[0])[:r].reshape(r, 1).tolist(), "r": r}


def _mask(rng, s):
    lead = s[: int(rng.integers(1, min(len(s), 2) + 1))]
    mask = rng.integers(0, 2, size=lead).astype(bool)
    mask.flat[rng.integers(mask.size)] = True
    return {"mask": mask.tolist()}


def _key(rng, s):
    parts = []
    for n in s:
        kind = rng.integers(6)
        parts.append([":", str(int(rng.integers(-n, n))), f"{int(rng.integers(0, n))}:", "::-1",
                      "::2", f"-{n}:{n}"][kind])
    if rng.integers(4) == 0:
        parts.insert(int(rng.integers(len(parts) + 1)), "None")
    if parts and rng.integers(4) == 0:
        parts[0] = "..."
    return {"key": ", ".join(parts) if parts else "..."}


def _slice(rng, s):
    begin = [int(rng.integers(0, n)) for n in s]
    size = [-1 if rng.integers(3) == 0 else int(rng.integers(1, n - b + 1))
            for n, b in zip(s, begin)]
    return {"begin": begin, "size": size}


def _broadcast_shape(rng, s):
    return {"shape": [2] + [3 if d == 1 and rng.integers(2) else d for d in s]}


def _matmul(rng, a, b):
    if len(a) < 2 or len(b) < 2:
        return None
    for ta, tb in [(False, False), (True, False), (False, True), (True, True)]:
        if a[-2 if ta else -1] == b[-1 if tb else -2]:
            try:
                np.broadcast_shapes(a[:-2], b[:-2])
            except ValueError:
                return None
            return {"flags": (", transpose_a=True" if ta else "") +
                    (", transpose_b=True" if tb else "")}
    return None


def _einsum(rng, a, b):
    letters = "abcdefgh"
    if len(a) > 3 or len(b) > 3:
        return None
    la, lb = letters[:len(a)], letters[len(a):len(a) + len(b)]
    # identify the last axis of a with the first of b where sizes allow: a contraction
    if a and b and a[-1] == b[0]:
        lb = la[-1] + lb[1:]
    free = sorted(set(la) ^ set(lb)) if rng.integers(2) else sorted(set(la) | set(lb))
    return {"eq": f"{la},{lb}->{''.join(free)}"}


def _tensordot(rng, a, b):
    pairs = [(i, j) for i in range(len(a)) for j in range(len(b)) if a[i] == b[j]]
    if pairs and rng.integers(3):
        i, j = pairs[rng.integers(len(pairs))]
        return {"axes": [[i], [j]]}
    return {"axes": 0} if len(a) + len(b) <= 3 else None


def _square(extra=None):
    def params(rng, s, *more):
        if len(s) < 2 or not _sq(np.empty(s)):
            return None
        p = {"n": s[-1]}
        if extra is not None:
            q = extra(s, *more)
            if q is None:
                return None
            p.update(q)
        return p

    return params


def _min_singular(x, n=None, **_):
    m = 0.3 * np.asarray(x, dtype=float) + np.eye(x.shape[-1])
    if not np.isfinite(m).all():
        return np.nan  # TensorFlow's inv and solve raise for some, by where the NaN lands
    return _min(np.linalg.svd(m, compute_uv=False))


def _rows(rng, s):
    return {"n": s[-2]}


SHAPES = [
    Op("reshape", "tf.reshape({0}, {shape})", params=_reshape),
    # integer results (ops, so that a traced loop reads each call's shape), used as a factor 1
    Op("shape", "{0} * tf.cast(tf.reduce_all(tf.shape({0}) > 0), {0}.dtype)"),
    Op("size", "{0} * tf.cast(tf.size({0}) > 0, {0}.dtype)"),
    Op("transpose", "tf.transpose({0}, perm={perm})", params=_perm),
    Op("transpose", "tf.transpose({0})"),
    Op("matrix_transpose", "tf.linalg.matrix_transpose({0})", params=_at_least(2)),
    Op("expand_dims", "tf.expand_dims({0}, {axis})",
       params=lambda rng, s: {"axis": int(rng.integers(-len(s) - 1, len(s) + 1))}),
    Op("squeeze", "tf.squeeze({0})"),
    Op("concat", "tf.concat([{0}, {1}], axis={axis})", 2, params=_concat),
    Op("concat", "tf.concat([{0}, {0}[..., ::-1], {0}], {axis})",
       params=_at_least(1, lambda rng, s: {"axis": int(rng.choice([-1, len(s) - 1]))})),
    Op("stack", "tf.stack([{0}, {1}], axis={axis})", 2, params=lambda rng, a, b: {
        "axis": int(rng.integers(-len(a) - 1, len(a) + 1))} if a == b else None),
    Op("unstack", "tf.unstack({0}, axis={axis})[{i}]", params=_at_least(1, _unstack)),
    Op("split", "tf.split({0}, {n}, axis={axis})[{i}]", params=_at_least(1, _split)),
    Op("split", "tf.split({0}, {sizes}, axis={axis})[{i}]", params=_at_least(1, _split_sizes)),
    Op("tile", "tf.tile({0}, {m})", params=lambda rng, s: {
        "m": [int(k) for k in rng.integers(1, 3, size=len(s))]}),
    Op("broadcast_to", "tf.broadcast_to({0}, {shape})", params=_broadcast_shape),
    Op("pad", "tf.pad({0}, {pads}, mode={mode}{extra})", params=_at_least(1, _pad)),
    Op("reverse", "tf.reverse({0}, axis={axes})", params=_at_least(1, lambda rng, s: {
        "axes": sorted({_axis(rng, len(s)) % len(s) for _ in range(int(rng.integers(1, 3)))})})),
    Op("gather", "tf.gather({0}, {idx}, axis={axis}{bd})", params=_at_least(1, _gather)),
    Op("gather_nd", "tf.gather_nd({0}, {idx})", params=_at_least(1, _gather_nd)),
    Op("embedding_lookup", "tf.nn.embedding_lookup({0}, {idx})", params=_at_least(1, _ids)),
    Op("scatter_nd", "tf.scatter_nd({idx}, {0}, {shape})", params=_at_least(1, _scatter)),
    Op("tensor_scatter_nd_add", "tf.tensor_scatter_nd_add({0}, {idx}, {0}[:{r}] * 0.5)",
       params=_at_least(1, _rows_of)),
    Op("tensor_scatter_nd_sub", "tf.tensor_scatter_nd_sub({0}, {idx}, {0}[:{r}] * 0.5)",
       params=_at_least(1, _rows_of)),
    Op("tensor_scatter_update", "tf.tensor_scatter_nd_update({0}, {idx}, {0}[:{r}] * 0.5)",
       params=_at_least(1, _rows_of)),
    Op("sort", "tf.sort({0}, axis={axis}, direction={direction})", params=_at_least(1, _sort),
       margin=lambda x, axis, direction: _ties(x, axis)),
    Op("top_k", "tf.math.top_k({0}, k={k}).values", params=_at_least(1, lambda rng, s: {
        "k": int(rng.integers(1, s[-1] + 1))} if s[-1] else None),
       margin=lambda x, k: _ties(x)),
    Op("boolean_mask", "tf.boolean_mask({0}, {mask})", params=_at_least(1, _mask)),
    Op("getitem", "{0}[{key}]", params=_key),
    Op("slice", "tf.slice({0}, {begin}, {size})", params=_slice),
    Op("linspace", "tf.linspace({0}, {1}, {num}, axis={axis})", 2, params=lambda rng, a, b: (
        None if _elementwise(rng, a, b) is None else {"num": int(rng.integers(2, 5)), "axis": int(
            rng.integers(-len(np.broadcast_shapes(a, b)) - 1, len(np.broadcast_shapes(a, b)) + 1
                         ))}), literal=(1,)),
    Op("diag_part", "tf.linalg.diag_part({0})", params=_at_least(2)),
    Op("trace", "tf.linalg.trace({0})", params=_at_least(2)),
]

LINALG = [
    Op("matmul", "tf.matmul({0}, {1}{flags})", 2, params=_matmul),
    Op("matmul", "{0} @ tf.linalg.matrix_transpose({1})", 2, params=lambda rng, a, b: (
        {} if len(a) >= 2 and len(b) >= 2 and a[-1] == b[-1] and a[:-2] == b[:-2] else None)),
    Op("matvec", "tf.linalg.matvec({0}, {1})", 2, params=lambda rng, a, b: (
        {} if len(a) >= 2 and len(b) >= 1 and a[-1] == b[-1] and _elementwise(
            rng, a[:-2], b[:-1]) is not None else None)),
    Op("einsum", "tf.einsum('{eq}', {0}, {1})", 2, params=_einsum),
    Op("einsum", "tf.einsum('...ij->...ji', {0})", params=_at_least(2)),
    Op("tensordot", "tf.tensordot({0}, {1}, axes={axes})", 2, params=_tensordot),
    Op("inv", "tf.linalg.inv({0} * 0.3 + tf.eye({n}, dtype={0}.dtype))", params=_square(),
       margin=_min_singular),
    Op("det", "tf.linalg.det({0} * 0.3 + tf.eye({n}, dtype={0}.dtype))", params=_square(),
       margin=_min_singular),
    Op("slogdet", "tf.linalg.slogdet({0} * 0.3 + tf.eye({n}, dtype={0}.dtype))[1]",
       params=_square(), margin=_min_singular),
    Op("solve", "tf.linalg.solve({0} * 0.3 + tf.eye({n}, dtype={0}.dtype), {1})", 2,
       params=_square(lambda a, b: {} if len(b) == len(a) and b[:-1] == a[:-1] else None),
       margin=lambda x, b, n: _min_singular(x)),
    Op("logdet", "tf.linalg.logdet(tf.matmul({0}, {0}, transpose_b=True) + tf.eye({n}, "
       "dtype={0}.dtype))", params=_at_least(2, _rows)),
    Op("cholesky", "tf.linalg.cholesky(tf.matmul({0}, {0}, transpose_b=True) + tf.eye({n}, "
       "dtype={0}.dtype))", params=_at_least(2, _rows)),
]

# -- windows: convolutions and pools over the operand flattened to a 1-D signal -----------------

def _signal(rng, *shapes):
    return {} if all(int(np.prod(s)) > 0 for s in shapes) else None


def _window(rng, s):
    return None if not int(np.prod(s)) else {"k": int(rng.integers(1, 4)),
                                              "s": int(rng.integers(1, 3))}


def _upsampling(rng, a, b):
    if _signal(rng, a, b) is None:
        return None
    stride = int(rng.integers(1, 3))
    return {"s": stride, "n": int(np.prod(a)) * stride}  # "SAME": the input's size times s


def _pool_ties(x, k, s):
    """The smallest gap between the two largest values of a "SAME" window (a tie is a kink)."""
    x = np.asarray(x, dtype=float).ravel()
    n = x.size
    out = -(-n // s)
    start = max((out - 1) * s + k - n, 0) // 2
    gaps = []
    for i in range(out):
        w = np.sort(x[max(i * s - start, 0):min(i * s - start + k, n)])
        if w.size > 1:
            gaps.append(w[-1] - w[-2])
    return _min(gaps)


WINDOWS = [
    Op("convolution", "tf.nn.convolution(tf.reshape({0}, [1, -1, 1]), tf.reshape({1}, [-1, 1, 1]), "
       "padding='SAME')", 2, params=_signal),
    Op("conv_transpose", "tf.nn.conv1d_transpose(tf.reshape({0}, [1, -1, 1]), "
       "tf.reshape({1}, [-1, 1, 1]), [1, {n}, 1], {s}, 'SAME')", 2, params=_upsampling),
    Op("separable_conv2d", "tf.nn.separable_conv2d(tf.reshape({0}, [1, 1, -1, 1]), "
       "tf.reshape({1}, [1, -1, 1, 1]), tf.ones([1, 1, 1, 2], {0}.dtype), [1, 1, 1, 1], 'SAME')",
       2, params=_signal),
    Op("max_pool", "tf.nn.max_pool1d(tf.reshape({0}, [1, -1, 1]), {k}, {s}, 'SAME')",
       params=_window, margin=_pool_ties),
    Op("avg_pool", "tf.nn.avg_pool1d(tf.reshape({0}, [1, -1, 1]), {k}, {s}, 'SAME')",
       params=_window),
    # TensorFlow's LRN kernel refuses float64: computed in float32 in every program (its
    # derivatives in float64 are the generated checks')
    Op("local_response_normalization",
       "tf.cast(tf.nn.local_response_normalization(tf.cast(tf.reshape({0}, [1, 1, 1, -1]), "
       "tf.float32), depth_radius={k}), {0}.dtype)", params=_window, fd=False, rounds=True),
]

from .ops_more import MORE  # noqa: E402 - it uses the helpers above

OPS = (SMOOTH_UNARY + POLES + KINKS + ARITHMETIC + REDUCTIONS + NN + SHAPES + LINALG + WINDOWS
       + MORE)
