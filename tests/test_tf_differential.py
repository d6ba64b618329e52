"""Differential test against TensorFlow itself: values, first and second derivatives.

Skipped unless `import tensorflow` works. Each case is one function `f(m, *xs)` written once and
run with `m = tapegrad` and `m = tensorflow`, in float64; the reverse-mode gradient of
<u, f(x)>, the forward-mode JVP along v and the second derivative (the gradient of <gradient, v>)
must agree to rtol 1e-9 (1e-7 where TensorFlow rounds a constant to float32).

    PYTHONPATH=src /path/to/python-with-tensorflow -m pytest tests/test_tf_differential.py
"""

import zlib

import numpy as np
import pytest

import tapegrad

tf = pytest.importorskip("tensorflow")

RTOL, ATOL = 1e-9, 1e-12


def _u(lo, hi):
    return ("u", lo, hi)


ANY, POS, UNIT = _u(-2.0, 2.0), _u(0.5, 2.0), _u(-0.9, 0.9)
M = (2, 3)

# (id, f(m, *xs), [(shape, domain), ...], order[, rtol[, forward]]). Inputs avoid kinks and
# poles.
CASES = [
    ("add", lambda m, x, y: m.add(x, y), [(M, ANY), ((3,), ANY)], 2),
    ("subtract", lambda m, x, y: m.subtract(x, y), [(M, ANY), ((), ANY)], 2),
    ("multiply", lambda m, x, y: m.multiply(x, y), [(M, ANY), ((2, 1), ANY)], 2),
    ("divide", lambda m, x, y: m.divide(x, y), [(M, ANY), (M, POS)], 2),
    ("truediv", lambda m, x, y: m.truediv(x, y), [((3,), ANY), ((3,), POS)], 2),
    ("mod", lambda m, x, y: m.math.floormod(x, y), [((3,), _u(0.1, 0.9)), ((3,), _u(1.1, 1.9))],
     2),
    ("pow", lambda m, x, y: m.pow(x, y), [(M, POS), (M, ANY)], 2),
    ("negative", lambda m, x: m.negative(x), [(M, ANY)], 2),
    ("abs", lambda m, x: m.abs(x), [(M, ANY)], 2),
    ("square", lambda m, x: m.square(x), [(M, ANY)], 2),
    ("sqrt", lambda m, x: m.sqrt(x), [(M, POS)], 2),
    ("rsqrt", lambda m, x: m.math.rsqrt(x), [(M, POS)], 2),
    ("reciprocal", lambda m, x: m.math.reciprocal(x), [(M, POS)], 2),
    ("exp", lambda m, x: m.exp(x), [(M, ANY)], 2),
    ("log", lambda m, x: m.math.log(x), [(M, POS)], 2),
    ("log1p", lambda m, x: m.math.log1p(x), [(M, _u(-0.5, 2.0))], 2),
    ("expm1", lambda m, x: m.math.expm1(x), [(M, ANY)], 2),
    ("sin", lambda m, x: m.sin(x), [(M, ANY)], 2),
    ("cos", lambda m, x: m.cos(x), [(M, ANY)], 2),
    ("tan", lambda m, x: m.tan(x), [(M, _u(-1.2, 1.2))], 2),
    ("asin", lambda m, x: m.asin(x), [(M, UNIT)], 2),
    ("acos", lambda m, x: m.acos(x), [(M, UNIT)], 2),
    ("atan", lambda m, x: m.atan(x), [(M, ANY)], 2),
    ("atan2", lambda m, y, x: m.atan2(y, x), [(M, ANY), (M, POS)], 2),
    ("sinh", lambda m, x: m.sinh(x), [(M, ANY)], 2),
    ("cosh", lambda m, x: m.cosh(x), [(M, ANY)], 2),
    ("tanh", lambda m, x: m.tanh(x), [(M, ANY)], 2),
    ("sigmoid", lambda m, x: m.sigmoid(x), [(M, _u(-6.0, 6.0))], 2),
    ("softplus", lambda m, x: m.math.softplus(x), [(M, _u(-6.0, 6.0))], 2),
    # TensorFlow registers no gradient for SoftsignGrad: no second order, no forward mode.
    ("softsign", lambda m, x: m.math.softsign(x), [(M, ANY)], 1, RTOL, False),
    ("erf", lambda m, x: m.math.erf(x), [(M, ANY)], 2),
    ("floor", lambda m, x: m.floor(x) * x, [(M, ANY)], 2),
    ("ceil", lambda m, x: m.math.ceil(x) * x, [(M, ANY)], 2),
    ("round", lambda m, x: m.round(x) * x, [(M, ANY)], 2),
    ("sign", lambda m, x: m.sign(x) * x, [(M, ANY)], 2),
    ("maximum", lambda m, x, y: m.maximum(x, y), [(M, ANY), ((3,), ANY)], 2),
    ("minimum", lambda m, x, y: m.minimum(x, y), [(M, ANY), ((), ANY)], 2),
    ("squared_difference", lambda m, x, y: m.math.squared_difference(x, y),
     [(M, ANY), (M, ANY)], 2),
    ("add_n", lambda m, x, y, z: m.add_n([x, y, z]), [(M, ANY)] * 3, 2),
    ("reduce_sum", lambda m, x: m.reduce_sum(x, axis=0), [(M, ANY)], 2),
    ("reduce_mean", lambda m, x: m.reduce_mean(x, axis=-1, keepdims=True), [(M, ANY)], 2),
    ("reduce_max", lambda m, x: m.reduce_max(x, axis=1), [(M, ANY)], 2),
    ("reduce_min", lambda m, x: m.reduce_min(x), [(M, ANY)], 2),
    ("reduce_prod", lambda m, x: m.reduce_prod(x, axis=0), [(M, ANY)], 2),
    ("reduce_prod_all", lambda m, x: m.reduce_prod(x), [((2, 2), ANY)], 2),
    ("reduce_logsumexp", lambda m, x: m.reduce_logsumexp(x, axis=-1), [(M, ANY)], 2),
    ("reduce_variance", lambda m, x: m.math.reduce_variance(x, axis=0), [(M, ANY)], 2),
    ("reduce_std", lambda m, x: m.math.reduce_std(x, axis=1, keepdims=True), [(M, ANY)], 2),
    ("cumsum", lambda m, x: m.cumsum(x, axis=1, exclusive=True), [(M, ANY)], 2),
    ("cumsum_reverse", lambda m, x: m.cumsum(x, axis=0, reverse=True), [(M, ANY)], 2),
    ("cumprod", lambda m, x: m.math.cumprod(x, axis=1), [(M, POS)], 2),
    ("cumprod_exclusive_reverse",
     lambda m, x: m.math.cumprod(x, axis=1, exclusive=True, reverse=True), [(M, POS)], 2),
    ("clip_by_value", lambda m, x: m.clip_by_value(x, -1.0, 1.0), [(M, ANY)], 2),
    ("clip_by_norm", lambda m, x: m.clip_by_norm(x, 1.0), [(M, ANY)], 2),
    ("clip_by_norm_axes", lambda m, x: m.clip_by_norm(x, 1.5, axes=[1]), [(M, ANY)], 2),
    ("norm", lambda m, x: m.norm(x), [(M, ANY)], 2),
    ("norm_axis", lambda m, x: m.norm(x, axis=-1), [(M, ANY)], 2),
    ("norm_1", lambda m, x: m.norm(x, ord=1, axis=0), [(M, ANY)], 2),
    ("norm_inf", lambda m, x: m.norm(x, ord=np.inf), [(M, ANY)], 2),
    ("norm_3", lambda m, x: m.norm(x, ord=3, axis=1, keepdims=True), [(M, ANY)], 2),
    ("norm_fro", lambda m, x: m.norm(x, ord="fro", axis=(0, 1)), [(M, ANY)], 2),
    ("norm_matrix_1", lambda m, x: m.norm(x, ord=1, axis=(0, 1)), [(M, ANY)], 2),
    ("linalg_norm", lambda m, x: m.linalg.norm(x, axis=0), [(M, ANY)], 2),
    ("l2_normalize", lambda m, x: m.math.l2_normalize(x, axis=-1), [(M, ANY)], 2),
    ("relu", lambda m, x: m.nn.relu(x), [(M, ANY)], 2),
    ("relu6", lambda m, x: m.nn.relu6(x), [(M, _u(-2.0, 8.0))], 2),
    ("elu", lambda m, x: m.nn.elu(x), [(M, ANY)], 2),
    ("selu", lambda m, x: m.nn.selu(x), [(M, ANY)], 2),
    # TensorFlow rounds alpha, 1 / sqrt(2) and 0.044715 to float32 even in float64.
    ("leaky_relu", lambda m, x: m.nn.leaky_relu(x, alpha=0.3), [(M, ANY)], 2, 1e-7),
    ("gelu", lambda m, x: m.nn.gelu(x), [(M, ANY)], 2, 1e-6),
    ("gelu_approximate", lambda m, x: m.nn.gelu(x, approximate=True), [(M, ANY)], 2, 1e-7),
    ("softmax", lambda m, x: m.nn.softmax(x), [(M, ANY)], 2),
    ("softmax_axis0", lambda m, x: m.nn.softmax(x, axis=0), [(M, ANY)], 2),
    ("log_softmax", lambda m, x: m.nn.log_softmax(x), [(M, ANY)], 2),
    ("sigmoid_cross_entropy",
     lambda m, z, x: m.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x),
     [(M, _u(0.0, 1.0)), (M, _u(-4.0, 4.0))], 2),
    # TensorFlow's gradient assumes each row of labels is a distribution: normalize them. Its
    # second derivative drops the labels-logits cross term: second order for the logits only.
    ("softmax_cross_entropy",
     lambda m, z, x: m.nn.softmax_cross_entropy_with_logits(
         labels=z / m.reduce_sum(z, axis=-1, keepdims=True), logits=x),
     [(M, _u(0.1, 1.0)), (M, ANY)], 1),
    ("softmax_cross_entropy_logits",
     lambda m, x: m.nn.softmax_cross_entropy_with_logits(
         labels=np.array([[0.2, 0.3, 0.5], [0.0, 1.0, 0.0]]), logits=x), [(M, ANY)], 2),
    ("sparse_softmax_cross_entropy",
     lambda m, x: m.nn.sparse_softmax_cross_entropy_with_logits(np.array([2, 0]), x),
     [(M, ANY)], 2),
    ("l2_loss", lambda m, x: m.nn.l2_loss(x), [(M, ANY)], 2),
    # TensorFlow stops the gradient through the mean inside the variance, so only the first
    # derivative is comparable (tapegrad's second derivative is the exact one).
    ("moments", lambda m, x: m.nn.moments(x, axes=[0]), [((4, 3), ANY)], 1),
    ("chain", lambda m, x: m.reduce_sum(m.nn.softmax(m.tanh(x) * 2.0) * m.exp(x)),
     [(M, ANY)], 2),
]


def _inputs(case):
    rng = np.random.default_rng(zlib.crc32(case[0].encode()))
    return [rng.uniform(dom[1], dom[2], size=shape) for shape, dom in case[2]]


def _flat(ys):
    return list(ys) if isinstance(ys, (list, tuple)) else [ys]


def _dense(m, grads):
    """TensorFlow's gather gradients are IndexedSlices; tapegrad's are dense tensors."""
    return [m.convert_to_tensor(g) if type(g).__name__ == "IndexedSlices" else g for g in grads]


def _derivatives(m, fn, xs, us, v, order, forward):
    """Value, reverse gradient of <us, f>, forward JVP along v, and the gradient of <grad, v>."""
    xs = [m.constant(x, dtype=m.float64) for x in xs]
    with m.GradientTape(persistent=True) as outer:
        outer.watch(xs)
        with m.GradientTape() as inner:
            inner.watch(xs)
            ys = _flat(fn(m, *xs))
        seeds = [m.constant(u) for u in us]
        grads = _dense(m, inner.gradient(ys, xs, output_gradients=seeds))
        connected = [(g, t) for g, t in zip(grads, v) if g is not None]
        inner_product = sum(m.reduce_sum(g * t) for g, t in connected) if connected else None
    second = _dense(m, outer.gradient(inner_product, xs)) if order > 1 and connected else None
    jvps = None
    if forward:
        with m.autodiff.ForwardAccumulator(xs, [m.constant(t) for t in v]) as acc:
            jvps = acc.jvp(_flat(fn(m, *xs)))
    return ys, grads, jvps, second


def _same(label, got, want, rtol):
    if want is None or got is None:
        assert got is None and want is None, f"{label}: tapegrad {got!r}, TensorFlow {want!r}"
        return
    np.testing.assert_allclose(np.asarray(got), want.numpy(), rtol=rtol, atol=ATOL,
                               err_msg=label)


def check_against_tensorflow(case):
    """Values, gradients, forward JVPs and second derivatives of one case, in both libraries."""
    name, fn, _, order = case[:4]
    rtol = case[4] if len(case) > 4 else RTOL
    forward = case[5] if len(case) > 5 else True
    xs = _inputs(case)
    rng = np.random.default_rng(1)
    ys = _flat(fn(tf, *[tf.constant(x) for x in xs]))
    us = [rng.standard_normal(y.shape) for y in ys]
    v = [rng.standard_normal(x.shape) for x in xs]
    got = _derivatives(tapegrad, fn, xs, us, v, order, forward)
    want = _derivatives(tf, fn, xs, us, v, order, forward)
    for what, g, w in zip(("value", "gradient", "forward JVP", "second derivative"), got, want):
        if g is None and w is None:
            continue
        assert len(_flat(g)) == len(_flat(w)), f"{name}: {what}: {g!r} vs {w!r}"
        for i, (gi, wi) in enumerate(zip(_flat(g), _flat(w))):
            if wi is not None and gi is not None:
                assert tuple(np.shape(gi)) == tuple(wi.shape), f"{name}: {what} #{i} shape"
            _same(f"{name}: {what} #{i}", gi, wi, rtol)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_matches_tensorflow(case):
    check_against_tensorflow(case)


@pytest.mark.parametrize("op", ["floor", "round", "argmax"])
def test_no_gradient_like_tensorflow(op):
    x = np.array([0.3, 1.7])
    results = []
    for m in (tapegrad, tf):
        t = m.constant(x)
        with m.GradientTape() as tape:
            tape.watch(t)
            y = m.cast(getattr(m, op)(t), m.float64)
        results.append(tape.gradient(y, t))
    assert results == [None, None]
