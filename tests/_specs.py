"""How the generated gradient checks sample each op: one spec per differentiable primitive and
per composite, keyed by its name (as JAX keeps its GradTestSpecs in its tests).

A spec gives the sampling `domain` (one Domain per argument, None for a bool argument or for
one given as a fixed array in `cases`; a single Domain for all), and optionally `cases`, a list
of (shapes, params) pairs: a shape per argument (a NumPy array where the argument is fixed) and
the op's static parameters. Without `cases`, elementwise shapes are used: scalars, vectors,
matrices and broadcasting pairs. `fn` replaces the op where it does not take its tensors
positionally; `rtol`, `atol` and `order` loosen the check, with the reason in a comment.
`tests/test_gradients.py` fails when a differentiable primitive or a composite has no spec.
"""

import numpy as np

import tapegrad as tf
import tapegrad.image  # loaded on first use: registers tf.image's composites
import tapegrad.signal  # loaded on first use: registers the FFTs and tf.signal's composites
import tapegrad.sparse  # loads (registers) the lazy sparse composites
from tapegrad.ops.matrix import cholesky
from tapegrad.ops import spectral as _fft
from tapegrad.ops.recurrent import recurrent_scan, recurrent_scan_grad


def _parts(z):
    """A complex result as its real and imaginary parts: the checker works in real numbers."""
    return [_fft.real(z), _fft.imag(z)]


class Domain:
    """Sampling box: values uniform in [low, high]."""

    __slots__ = ("low", "high")

    def __init__(self, low=-2.0, high=2.0):
        self.low, self.high = low, high

    def sample(self, rng, shape):
        return rng.uniform(self.low, self.high, size=shape)

    def __repr__(self):
        return f"{type(self).__name__}({self.low}, {self.high})"


class Invertible(Domain):
    """Square matrices (the last two axes) kept well conditioned: uniform entries plus n I."""

    __slots__ = ()

    def sample(self, rng, shape):
        return super().sample(rng, shape) + shape[-1] * np.eye(shape[-1])


class PositiveDefinite(Domain):
    """Symmetric positive definite matrices: a a^T / n + I with `a` uniform."""

    __slots__ = ()

    def sample(self, rng, shape):
        a = super().sample(rng, shape)
        return a @ np.swapaxes(a, -1, -2) / shape[-1] + np.eye(shape[-1])


class Spec:
    """How one op is sampled and checked (see the module docstring)."""

    __slots__ = ("domain", "cases", "fn", "rtol", "atol", "order")

    def __init__(self, domain=None, cases=None, fn=None, rtol=1e-5, atol=1e-5, order=2):
        self.domain = domain
        self.cases = cases
        self.fn = fn
        self.rtol = rtol
        self.atol = atol
        self.order = order


ANY = Domain(-2.0, 2.0)
POS = Domain(0.5, 2.0)
UNIT = Domain(-0.9, 0.9)  # inside (-1, 1), away from asin's and acos's poles
PROBABILITY = Domain(0.0, 1.0)
INVERTIBLE = Invertible(-1.0, 1.0)

REDUCE_SUM = (
    [(((2, 3),), dict(axis=a, keepdims=k)) for a in (None, 0, -1, (0, 1)) for k in (False, True)]
    + [(((),), dict(axis=None)), (((3,),), dict(axis=0))]
)
REDUCE_2D = [(((2, 3),), dict(axis=a, keepdims=k)) for a in (None, 0, -1) for k in (False, True)]
REDUCE = REDUCE_2D + [(((),), dict(axis=None)), (((3,),), dict(axis=0))]
SCAN = [
    (((4,),), dict(axis=0, exclusive=e, reverse=r)) for e in (False, True) for r in (False, True)
] + [(((2, 3),), dict(axis=1)), (((2, 3),), dict(axis=-2, exclusive=True, reverse=True))]
SQUARE = [(((3, 3),), {}), (((2, 2, 2),), {})]
AXIS = [(((3,),), dict(axis=-1)), (((2, 3),), dict(axis=-1)), (((2, 3),), dict(axis=0))]


def _window(strides, dilations, pads, **more):
    return dict(strides=strides, dilations=dilations, pads=pads, **more)


# Convolutions: (input, filter) shapes and the geometry, with one case per kind of window (2-D
# plain, 1-D strided and padded, 2-D grouped and dilated, 3-D padded); y is each case's output.
CONV = [
    ((1, 4, 4, 2), (2, 2, 2, 3), (1, 3, 3, 3), _window((1, 1), (1, 1), ((0, 0), (0, 0)))),
    ((2, 5, 2), (2, 2, 3), (2, 3, 3), _window((2,), (1,), ((1, 1),))),
    ((1, 3, 4, 4), (2, 2, 2, 2), (1, 2, 2, 2),
     _window((1, 2), (2, 1), ((1, 0), (0, 1)), groups=2)),
    ((1, 2, 3, 2, 1), (2, 1, 2, 1, 2), (1, 2, 3, 2, 2),
     _window((1, 1, 1), (1, 1, 1), ((0, 1), (0, 0), (1, 0)))),
]
# Pooling: (input, output) shapes and the window.
POOL = [
    ((1, 4, 5, 2), (1, 2, 3, 2), dict(ksize=(2, 2), **_window((2, 2), (1, 1), ((0, 0), (0, 1))))),
    ((2, 5, 2), (2, 5, 2), dict(ksize=(3,), **_window((1,), (1,), ((1, 1),)))),
    ((1, 5, 4, 1), (1, 3, 3, 1), dict(ksize=(2, 2), **_window((1, 1), (2, 1), ((0, 0), (0, 0))))),
]

# -- primitives (tapegrad/ops/) ----------------------------------------------------------------
SPECS = {
    # elementwise
    "add": Spec((ANY, ANY)),
    "subtract": Spec((ANY, ANY)),
    "multiply": Spec((ANY, ANY)),
    "divide": Spec((ANY, POS)),
    "divide_no_nan": Spec((ANY, Domain(-2.0, -0.5))),  # away from the guard y = 0
    "multiply_no_nan": Spec((ANY, ANY)),
    "xdivy": Spec((ANY, POS)),
    "xlogy": Spec((ANY, POS)),
    "xlog1py": Spec((ANY, Domain(-0.5, 2.0))),
    "mod": Spec((Domain(0.1, 0.9), Domain(1.1, 1.9))),  # x / y away from integers: mod jumps
    "negative": Spec(),
    "pow": Spec((POS, ANY)),
    "square": Spec(),
    "sqrt_grad": Spec((ANY, POS)),
    "sqrt": Spec(POS),
    "reciprocal_grad": Spec((ANY, POS)),
    "reciprocal": Spec(POS),
    "rsqrt_grad": Spec((ANY, POS)),
    "rsqrt": Spec(POS),
    "exp": Spec(),
    "log": Spec(POS),
    "sin": Spec(),
    "cos": Spec(),
    "tanh_grad": Spec((ANY, UNIT)),
    "tanh": Spec(),
    "log1p": Spec(Domain(-0.5, 2.0)),
    "expm1": Spec(),
    "tan": Spec(Domain(-1.2, 1.2)),  # away from the poles at +-pi/2
    "asin": Spec(UNIT),
    "acos": Spec(UNIT),
    "atan": Spec(),
    "atan2": Spec((ANY, POS)),  # x > 0 keeps away from the origin and the branch cut
    "sinh": Spec(),
    "cosh": Spec(),
    "erf": Spec(),
    "sigmoid": Spec(),
    "relu_grad": Spec((ANY, ANY)),
    "relu": Spec(ANY),
    "abs": Spec(),
    "sign": Spec(),
    "maximum": Spec((ANY, ANY)),
    "minimum": Spec((ANY, ANY)),
    "where": Spec((None, ANY, ANY)),
    "cast": Spec(cases=[(((2, 3),), dict(dtype=np.float64))]),
    "identity": Spec(),
    # shapes
    "reshape": Spec(cases=[(((2, 3),), dict(shape=(3, 2))), (((6,),), dict(shape=(2, -1))),
                           (((),), dict(shape=(1, 1)))]),
    "transpose": Spec(cases=[(((2, 3),), dict(perm=None)), (((2, 3, 4),), dict(perm=(2, 0, 1)))]),
    "getitem": Spec(cases=[
        (((4, 3),), dict(key=(slice(1, 3),))), (((5,),), dict(key=(slice(None, None, -2),))),
        (((4, 3),), dict(key=(np.array([0, 2, 0]),))), (((2, 3, 4),), dict(key=(Ellipsis, 1))),
        (((3,),), dict(key=(None, slice(None)))),
    ]),
    "getitem_grad": Spec(cases=[(((2,),), dict(shape=(4,), key=(slice(1, 3),))),
                                (((3, 2),), dict(shape=(4, 2), key=(np.array([0, 2, 0]),)))]),
    # TensorArray's buffer ops (indices fixed; a repeated index adds in scatter_add)
    "tensor_array_gather": Spec((Domain(), None), cases=[
        (((4, 3), np.array([0, 2, 0])), {}), (((3,), np.array(1)), {})]),
    "tensor_array_scatter": Spec((Domain(), None, Domain()), cases=[
        (((4, 2), np.array([3, 0]), (2, 2)), {}), (((2,), np.array(3), ()), dict(dynamic_size=True)),
        (((0,), np.array([1]), (1, 2)), dict(dynamic_size=True))]),
    "tensor_array_scatter_add": Spec((Domain(), None, Domain()), cases=[
        (((4, 2), np.array([1, 1, 3]), (3, 2)), {})]),
    "take_row": Spec((Domain(), None), cases=[
        (((4, 3), np.array(2)), {}), (((3,), np.array(-1)), {})]),
    "put_row": Spec((Domain(), None), cases=[
        (((3,), np.array(1)), dict(rows=4)), (((), np.array(-2)), dict(rows=3))]),
    "take_labels": Spec((Domain(), None), cases=[
        (((4, 3), np.array([0, 2, 0, 1])), {}), (((2, 2, 5), np.array([[4, 0], [1, 1]])), {})]),
    "put_labels": Spec((Domain(), None), cases=[
        (((4,), np.array([0, 2, 0, 1])), dict(classes=3)), (((), np.array(1)), dict(classes=2))]),
    "gather_rows": Spec((Domain(), None), cases=[
        (((4, 3), np.array([0, 2, 0])), {}), (((3,), np.array([[1, 1], [0, 2]])), {})]),
    # no repeated index: the last update wins, so the others' TensorFlow gradient is not the
    # derivative (tests/test_scatter.py checks it against TensorFlow's values)
    "tensor_scatter_update": Spec(cases=[
        (((4, 3), (2, 3)), dict(key=(np.array([0, 2]),))),
        (((2, 3), (2,)), dict(key=(slice(None), 1))), (((2, 3), ()), dict(key=(1, slice(0, 2)))),
        (((3, 2), (2,)), dict(key=(np.array([2, 0]), np.array([1, 1])))),
    ]),
    "tensor_scatter_max": Spec(cases=[(((4,), (3,)), dict(key=(np.array([0, 2, 2]),))),
                                      (((3, 2), (2, 2)), dict(key=(np.array([1, 2]),)))]),
    "tensor_scatter_min": Spec(cases=[(((4,), (3,)), dict(key=(np.array([3, 1, 3]),))),
                                      (((3, 2), (1, 2)), dict(key=(np.array([0]),)))]),
    "concat": Spec(cases=[(((2, 3), (1, 3)), dict(axis=0)), (((2, 1), (2, 3)), dict(axis=-1)),
                          (((3,), (2,)), dict(axis=0))]),
    "stack": Spec(cases=[(((2, 3), (2, 3)), dict(axis=0)), (((3,), (3,)), dict(axis=-1)),
                         (((), ()), dict(axis=0))]),
    "pad": Spec(cases=[(((2, 3),), dict(paddings=((1, 0), (2, 1)), constant_values=0.5)),
                       (((3,),), dict(paddings=((0, 2),)))]),
    # reductions
    "reduce_sum": Spec(cases=REDUCE_SUM),
    "reduce_mean": Spec(cases=REDUCE_SUM),
    "broadcast_to": Spec(cases=[(((3,),), dict(shape=(2, 3))), (((2, 1),), dict(shape=(2, 3))),
                                (((),), dict(shape=(2,)))]),
    "sum_to_shape": Spec(cases=[
        (((2, 3),), dict(shape=(3,))), (((2, 3),), dict(shape=(2, 1))),
        (((4, 2, 3),), dict(shape=(4, 1, 3), nbatch=1)), (((2, 3),), dict(shape=())),
    ]),
    "reduce_max": Spec(cases=REDUCE),
    "reduce_min": Spec(cases=REDUCE),
    "reduce_prod": Spec(cases=REDUCE + [(((2, 3, 2),), dict(axis=(0, 2)))]),
    "reduce_logsumexp": Spec(cases=REDUCE),
    "cumsum": Spec(cases=SCAN),
    "cumprod": Spec(POS, cases=SCAN),  # x away from 0, where TensorFlow's rule gives 0
    # segment reductions (ids fixed; a negative id drops its row in the unsorted forms); the
    # sampled values are distinct almost surely, so each segment's maximum is unique
    "segment_sum": Spec((Domain(), None), cases=[
        (((4, 2), np.array([0, 0, 2, 2])), {}), (((3,), np.array([1, 1, 1])), {})]),
    "unsorted_segment_sum": Spec((Domain(), None), cases=[
        (((4, 2), np.array([2, 0, -1, 0])), dict(num_segments=3)),
        (((2, 2, 3), np.array([[1, 0], [1, 1]])), dict(num_segments=2))]),
    "segment_gather": Spec((Domain(), None), cases=[
        (((3, 2), np.array([0, 2, -1, 2])), {}), (((2,), np.array([[1, 0], [1, 1]])), {})]),
    "segment_max": Spec((Domain(), None), cases=[
        (((4, 2), np.array([0, 0, 2, 2])), {}), (((3,), np.array([0, 1, 1])), {})]),
    "segment_min": Spec((Domain(), None), cases=[
        (((4, 2), np.array([0, 0, 2, 2])), {}), (((3,), np.array([0, 1, 1])), {})]),
    # no empty segment: its value, the dtype's highest, would swamp the finite differences
    "unsorted_segment_min": Spec((Domain(), None), cases=[
        (((4, 2), np.array([1, 0, -1, 0])), dict(num_segments=2)),
        (((2, 2, 3), np.array([[1, 0], [1, 1]])), dict(num_segments=2))]),
    "segment_prod": Spec((Domain(), None), cases=[
        (((4, 2), np.array([0, 0, 2, 2])), {}), (((3,), np.array([0, 1, 1])), {})]),
    "unsorted_segment_prod": Spec((Domain(), None), cases=[
        (((4, 2), np.array([2, 0, -1, 0])), dict(num_segments=3)),
        (((2, 2, 3), np.array([[1, 0], [1, 1]])), dict(num_segments=2))]),
    # no empty segment: its value, the dtype's lowest, would swamp the finite differences
    "unsorted_segment_max": Spec((Domain(), None), cases=[
        (((4, 2), np.array([1, 0, -1, 0])), dict(num_segments=2)),
        (((2, 2, 3), np.array([[1, 0], [1, 1]])), dict(num_segments=2))]),
    # linear algebra
    "matmul": Spec(cases=[
        (((2, 3), (3, 4)), {}), (((2, 2, 3), (3, 4)), {}), (((3, 2, 3), (1, 3, 2)), {}),
        (((3, 2), (3, 4)), dict(transpose_a=True)), (((2, 3), (4, 3)), dict(transpose_b=True)),
        (((2, 3, 2), (4, 3)), dict(transpose_a=True, transpose_b=True)),
    ]),
    "inv": Spec(INVERTIBLE, cases=SQUARE),
    "det": Spec(INVERTIBLE, cases=SQUARE),
    "slogdet_sign": Spec(INVERTIBLE, cases=SQUARE),
    "log_abs_determinant": Spec(INVERTIBLE, cases=SQUARE),
    "solve": Spec((INVERTIBLE, ANY), cases=[(((3, 3), (3, 2)), {}), (((2, 2, 2), (2, 2, 1)), {}),
                                            (((2, 2), (3, 2, 2)), {})]),
    # cholesky reads one triangle and has TensorFlow's symmetric gradient: the derivative of
    # the function of a symmetric matrix, checked on one
    "cholesky": Spec(PositiveDefinite(-1.0, 1.0), cases=SQUARE,
                     fn=lambda a: cholesky(0.5 * a + 0.5 * tf.linalg.matrix_transpose(a))),
    "einsum": Spec(cases=[
        (((2, 3), (3, 4)), dict(equation="ij,jk->ik")), (((2, 3), (1,)), dict(equation="ij,k->j")),
        (((3, 3), (3,)), dict(equation="ii,i->i")), (((3,), (3,)), dict(equation="i,i->")),
        (((2, 2, 3), (2, 3, 2)), dict(equation="bij,bjk->bik")),
    ]),
    # convolution and pooling
    "convolution": Spec(cases=[((x, w), {"groups": 1, **p}) for x, w, _, p in CONV]),
    "conv_transpose": Spec(cases=[((y, w), {"groups": 1, "input_shape": x, **p})
                                  for x, w, y, p in CONV]),
    "conv_backprop_filter": Spec(cases=[((x, y), {"groups": 1, "filter_shape": w, **p})
                                        for x, w, y, p in CONV]),
    "max_pool": Spec(cases=[((x,), p) for x, _, p in POOL]),
    "max_pool_grad": Spec(cases=[((y, x), p) for x, y, p in POOL]),
    "max_pool_grad_grad": Spec(cases=[((x, x), p) for x, _, p in POOL]),
    "avg_pool": Spec(cases=[((x,), p) for x, _, p in POOL]),
    "avg_pool_grad": Spec(cases=[((y,), {"input_shape": x, **p}) for x, y, p in POOL]),
    # activations
    "softplus": Spec(),
    "softsign": Spec(ANY),
    "relu6_grad": Spec((ANY, Domain(-2.0, 8.0))),
    "relu6": Spec(Domain(-2.0, 8.0)),
    "elu": Spec(),
    "leaky_relu_grad": Spec((ANY, ANY), cases=[(((2, 3), (2, 3)), dict(alpha=0.2)),
                                               (((3,), ()), dict(alpha=1.5))]),
    "leaky_relu": Spec(cases=[(((2, 3),), dict(alpha=0.2)), (((3,),), dict(alpha=1.5)),
                              (((),), dict(alpha=0.01))]),
    "softmax": Spec(cases=AXIS),
    "log_softmax": Spec(cases=AXIS),
    "sigmoid_cross_entropy_with_logits": Spec((PROBABILITY, ANY)),
    # recurrences: (mask, z, state0, recurrent kernel[, recurrent bias]); a scalar mask is "none"
    "recurrent_scan": Spec(
        (None, Domain(-1.5, 1.5), Domain(-1.0, 1.0), Domain(-1.0, 1.0), Domain(-0.5, 0.5)),
        cases=[
            (((2, 2), (2, 2, 8), (2, 4), (2, 8)), dict(cell="lstm")),
            (((), (2, 1, 4), (1, 2), (1, 4)), dict(cell="lstm")),
            (((2, 2), (2, 2, 6), (2, 2), (2, 6), (6,)), dict(cell="gru")),
            (((3, 2), (3, 2, 2), (2, 2), (2, 2)), dict(cell="simple")),
        ],
    ),
    # the gradient as a function of the forward's inputs (its `out` argument is their function)
    "recurrent_scan_grad": Spec(
        (None, Domain(-1.0, 1.0), Domain(-1.5, 1.5), Domain(-1.0, 1.0), Domain(-1.0, 1.0),
         Domain(-0.5, 0.5)),
        fn=lambda mask, gout, z, state0, rk, *rb, cell: recurrent_scan_grad(
            mask, gout, recurrent_scan(mask, z, state0, rk, *rb, cell=cell), z, state0, rk, *rb,
            cell=cell),
        cases=[
            (((2, 1), (2, 1, 6), (2, 1, 4), (1, 2), (1, 4)), dict(cell="lstm")),
            (((2, 1), (2, 1, 5), (2, 1, 3), (1, 1), (1, 3), (3,)), dict(cell="gru")),
            (((2, 2), (2, 2, 1), (2, 2, 1), (2, 1), (1, 1)), dict(cell="simple")),
        ],
    ),
    # the FFTs (ops/spectral.py) and the parts of complex numbers that carry them, through
    # real and imaginary parts: even and odd lengths, a batch axis
    "real": Spec(fn=lambda a, b: _fft.real(_fft.complex_(a, b)), cases=[(((2, 3), (2, 3)), {})]),
    "imag": Spec(fn=lambda a, b: _fft.imag(_fft.complex_(a, b)), cases=[(((2, 3), (2, 3)), {})]),
    "complex": Spec(fn=lambda a, b: _parts(_fft.complex_(a, b)), cases=[(((3,), (2, 3)), {})]),
    "rfft": Spec(fn=lambda x: _parts(_fft.rfft(x)), cases=[(((2, 6),), {}), (((5,),), {})]),
    "irfft": Spec(fn=lambda a, b, n: _fft.irfft(_fft.complex_(a, b), fft_length=n),
                   cases=[(((2, 4), (2, 4)), dict(n=6)), (((3,), (3,)), dict(n=5))]),
    "fft": Spec(fn=lambda a, b: _parts(_fft.fft(_fft.complex_(a, b))),
                 cases=[(((2, 4), (2, 4)), {}), (((5,), (5,)), {})]),
    "ifft": Spec(fn=lambda a, b: _parts(_fft.ifft(_fft.complex_(a, b))),
                  cases=[(((2, 4), (2, 4)), {}), (((5,), (5,)), {})]),
}

# -- composites (public ops written in primitives) ----------------------------------------------
_SPARSE_IDX = np.array([[0, 1], [1, 0], [1, 2], [2, 2]])  # row-major, no repeats


def _sparse(values, idx=_SPARSE_IDX, shape=(3, 3)):
    return tf.SparseTensor(idx, values, shape)


_RAGGED_SPLITS = np.array([0, 2, 2, 5])  # rows of 2, 0 and 3 values


def _ragged(values):
    return tf.RaggedTensor.from_row_splits(values, _RAGGED_SPLITS)


COMPOSITE_SPECS = {
    "squeeze": Spec(cases=[(((1, 3, 1),), dict(axis=None)), (((1, 3, 1),), dict(axis=-1)),
                           (((2, 1),), dict(axis=[1]))]),
    "expand_dims": Spec(cases=[(((2, 3),), dict(axis=0)), (((2, 3),), dict(axis=-1)),
                               (((),), dict(axis=0))]),
    "tile": Spec(cases=[(((2, 3),), dict(multiples=[2, 1])), (((3,),), dict(multiples=[3])),
                        (((2, 1),), dict(multiples=(1, 3)))]),
    "pad": Spec(cases=[(((2, 3),), dict(paddings=[[1, 1], [2, 0]], mode="REFLECT")),
                       (((3, 2),), dict(paddings=[[3, 0], [0, 2]], mode="SYMMETRIC"))]),
    "reverse": Spec(cases=[(((2, 3),), dict(axis=[1])), (((2, 3),), dict(axis=[0, -1]))]),
    "gather": Spec(cases=[
        (((4, 3), np.array([0, 2, 0])), dict(axis=0)),
        (((2, 3), np.array([[2, 1], [0, 0]])), dict(axis=1)),
        (((2, 3, 2), np.array([[1, 0], [2, 2]])), dict(axis=1, batch_dims=1)),
        (((2, 2, 3), np.array([[2], [0]])), dict(axis=2, batch_dims=1)),
    ]),
    # sampled values are distinct almost surely, so the order holds under the finite steps
    "sort": Spec(cases=[(((5,),), {}), (((2, 4),), dict(direction="DESCENDING")),
                        (((3, 2, 2),), dict(axis=0)), (((2, 3),), dict(axis=-2))]),
    "top_k": Spec(fn=lambda x, **k: tf.math.top_k(x, **k).values,
                  cases=[(((5,),), dict(k=2)), (((2, 4),), dict(k=4)), (((3,),), dict(k=0))]),
    "repeat": Spec(cases=[(((3,),), dict(repeats=2)), (((2, 3),), dict(repeats=[1, 0, 3], axis=1)),
                          (((2, 2),), dict(repeats=[2], axis=0)), (((),), dict(repeats=3)),
                          (((2, 3),), dict(repeats=2, axis=None))]),
    # a list of grids: stacked into one tensor for the check
    "meshgrid": Spec(fn=lambda *xs, **k: tf.stack(tf.meshgrid(*xs, **k)),
                     cases=[(((3,), (2,)), {}), (((3,), (2,)), dict(indexing="ij")),
                            (((2,), (3,), (2,)), {}), (((2, 2), (3,)), {})]),
    "roll": Spec(cases=[(((5,),), dict(shift=2, axis=0)),
                        (((2, 3),), dict(shift=[1, -4], axis=[0, 1])),
                        (((2, 3),), dict(shift=[1, 1], axis=[-1, 1]))]),
    "segment_mean": Spec((Domain(), None), cases=[
        (((4, 2), np.array([0, 0, 2, 2])), {}), (((3,), np.array([0, 1, 1])), {})]),
    "unsorted_segment_mean": Spec((Domain(), None), cases=[
        (((4, 2), np.array([2, 0, -1, 0])), dict(num_segments=3)),
        (((2, 3), np.array([[1, 0, 1], [1, 1, 1]])), dict(num_segments=2))]),
    "gather_nd": Spec(cases=[(((3, 4), np.array([[0, 1], [2, 3], [0, 1]])), {}),
                             (((3, 2), np.array([[2], [0]])), {}),
                             (((2, 3, 2), np.array([[[1]], [[2]]])), dict(batch_dims=1))]),
    "scatter_nd": Spec(cases=[((np.array([[1], [3], [1]]), (3, 2)), dict(shape=[4, 2])),
                              ((np.array([[0, 1], [1, 0]]), (2,)), dict(shape=(2, 2)))]),
    "tensor_scatter_nd_add": Spec(cases=[(((4, 2), np.array([[1], [1]]), (2, 2)), {}),
                                         (((2, 2), np.array([[0, 1]]), (1,)), {})]),
    "tensor_scatter_nd_sub": Spec(cases=[(((4, 2), np.array([[3], [1]]), (2, 2)), {})]),
    "boolean_mask": Spec(cases=[(((3, 2), np.array([True, False, True])), {}),
                                (((2, 3), np.array([False, True, True])), dict(axis=1))]),
    "slice": Spec(cases=[
        (((2, 3),), {"begin": [0, 1], "size": [2, 2]}),
        (((4,),), {"begin": [1], "size": [-1]}),
        (((2, 3, 2),), {"begin": [1, 0, 1], "size": [1, -1, 1]}),
    ]),
    "linspace": Spec(cases=[(((), ()), dict(num=4)), (((2,), (2,)), dict(num=3, axis=-1))]),
    "clip_by_value": Spec((ANY, Domain(-1.5, -0.5), Domain(0.5, 1.5)),
                          cases=[(((3,), (), ()), {}), (((2, 3), (3,), ()), {})]),
    "clip_by_norm": Spec((ANY, Domain(0.5, 1.5)),
                         cases=[(((3,), ()), {}), (((2, 3), ()), dict(axes=[1]))]),
    "norm": Spec(cases=[
        (((3,),), {}), (((2, 3),), dict(axis=-1)), (((2, 3),), dict(ord=1, axis=0, keepdims=True)),
        (((2, 3),), dict(ord=np.inf, axis=1)), (((3,),), dict(ord=3)),
        (((2, 3),), dict(ord="fro", axis=(0, 1))), (((2, 3),), dict(ord=1, axis=(0, 1))),
        (((2, 3),), dict(ord=np.inf, axis=(-1, -2))),
    ]),
    # take a list: the check passes its tensors one by one
    "global_norm": Spec(fn=lambda *xs: tf.linalg.global_norm(list(xs)),
                        cases=[(((2, 3), (3,)), {}), (((),), {})]),
    "clip_by_global_norm": Spec(
        fn=lambda *xs, c: tf.clip_by_global_norm(list(xs), c)[0],
        cases=[(((2, 3), (3,)), dict(c=1.0)), (((2,), ()), dict(c=10.0))]),
    "l2_normalize": Spec(cases=[(((3,),), {}), (((2, 3),), dict(axis=-1)),
                                (((2, 3),), dict(axis=(0, 1)))]),
    "squared_difference": Spec((ANY, ANY)),
    # add_n takes a list: the check passes its tensors one by one
    "add_n": Spec(fn=lambda *xs: tf.add_n(list(xs)),
                  cases=[(((2, 3),) * 3, {}), (((),) * 2, {}), (((3,),), {})]),
    # the higher-order functions: fn is fixed here, the check differentiates through the slices,
    # the accumulator threaded through them and the stacking (nested elems and results too)
    "map_fn": Spec(fn=lambda x, y: tf.map_fn(
        lambda e: {"p": tf.sin(e[0]) * e[1], "s": tf.reduce_sum(e[0] * e[0])}, (x, y),
        fn_output_signature={"p": tf.float64, "s": tf.float64})["p"],
        cases=[(((3, 2), (3, 2)), {}), (((1, 2, 2), (1, 2, 2)), {})]),
    "scan": Spec(fn=lambda x, y, **k: tf.scan(
        lambda a, e: (a[0] * e[0] + tf.sin(e[1]), a[1] + a[0] * e[1]), (x, y), **k)[1],
        cases=[(((4,), (4,)), dict(reverse=r)) for r in (False, True)]
        + [(((3, 2), (3, 2)), {})]),
    "foldl": Spec(fn=lambda x, a0: tf.foldl(lambda a, e: a * e + tf.sin(a), x, initializer=a0),
                  cases=[(((4,), ()), {}), (((3, 2), (2,)), {})]),
    "foldr": Spec(fn=lambda x: tf.foldr(lambda a, e: a * tf.cos(e) + e * e, x),
                  cases=[(((4,),), {}), (((3, 2),), {})]),
    "vectorized_map": Spec(fn=lambda x, w: tf.vectorized_map(
        lambda e: tf.tanh(tf.linalg.matvec(w, e)), x), cases=[(((3, 2), (2, 2)), {})]),
    "reduce_variance": Spec(cases=REDUCE_2D),
    "reduce_std": Spec(cases=REDUCE_2D),
    "diag_part": Spec(cases=[(((3, 3),), {}), (((2, 3),), {}), (((2, 3, 2),), {})]),
    "trace": Spec(cases=[(((3, 3),), {}), (((2, 2, 3),), {})]),
    "tensordot": Spec(cases=[(((2, 3), (3, 4)), dict(axes=1)),
                             (((2, 3), (3, 2)), dict(axes=[[0, 1], [1, 0]])),
                             (((2,), (3,)), dict(axes=0))]),
    "selu": Spec(ANY),
    "gelu": Spec(ANY, cases=[(((2, 3),), {}), (((3,),), dict(approximate=True))]),
    "softmax_cross_entropy_with_logits": Spec(
        (PROBABILITY, ANY),
        cases=[(((2, 3), (2, 3)), {}), (((3,), (3,)), {}), (((2, 3), (2, 3)), dict(axis=0))],
    ),
    "sparse_softmax_cross_entropy_with_logits": Spec((None, ANY), cases=[
        ((np.array([0, 2]), (2, 3)), {}), ((np.array(1), (3,)), {}),
        ((np.array([[1, 0], [2, 2]]), (2, 2, 3)), {}),
    ]),
    "l2_loss": Spec(ANY),
    "embedding_lookup": Spec(cases=[(((5, 3), np.array([[0, 4], [2, 2]])), {}),
                                    (((4, 2), np.array([3, 1, 3])), dict(max_norm=0.5))]),
    # SparseTensor ops: the check passes the values (and a dense operand) as tensors
    "sparse_to_dense": Spec(fn=lambda v, **k: tf.sparse.to_dense(_sparse(v), **k),
                            cases=[(((4,),), {}), (((4,),), dict(default_value=0.5))]),
    "sparse_add": Spec(
        fn=lambda v, w, dense=False: tf.sparse.add(_sparse(v), w) if dense else tf.sparse.add(
            _sparse(v), _sparse(w, _SPARSE_IDX[[3, 0]])).values,
        cases=[(((4,), (2,)), {}), (((4,), (3, 3)), dict(dense=True))]),
    "sparse_dense_matmul": Spec(
        fn=lambda v, b, swap=False, **k: tf.sparse.sparse_dense_matmul(b, _sparse(v), **k)
        if swap else tf.sparse.sparse_dense_matmul(_sparse(v), b, **k),
        cases=[(((4,), (3, 2)), {}), (((4,), (2, 3)), dict(adjoint_b=True)),
               (((4,), (3, 2)), dict(adjoint_a=True)), (((4,), (2, 3)), dict(swap=True))]),
    "sparse_reduce_sum": Spec(
        fn=lambda v, **k: tf.sparse.reduce_sum(_sparse(v), **k),
        cases=[(((4,),), {}), (((4,),), dict(axis=1)), (((4,),), dict(axis=0, keepdims=True))]),
    # RaggedTensor ops: the check passes the flat values
    "ragged_to_tensor": Spec(fn=lambda v, **k: _ragged(v).to_tensor(**k),
                             cases=[(((5,),), {}), (((5, 2),), dict(default_value=0.5)),
                                    (((5,),), dict(shape=[2, 2]))]),
    "ragged_reduce": Spec(
        fn=lambda v, **k: tf.reduce_sum(_ragged(v), **k) if k.pop("op") == "sum" else (
            getattr(tf, "reduce_" + k.pop("name"))(_ragged(v), **k)),
        cases=[(((5,),), dict(op="sum", axis=1)), (((5,),), dict(op="sum", axis=0)),
               (((5,),), dict(op="x", name="mean", axis=None)),
               (((5, 2),), dict(op="x", name="mean", axis=0, keepdims=True)),
               (((5,),), dict(op="x", name="max", axis=0)),
               (((5, 3),), dict(op="x", name="min", axis=0))]),  # no empty column
    "separable_conv2d": Spec(cases=[
        (((1, 3, 4, 2), (2, 2, 2, 2), (1, 1, 4, 3)), dict(strides=[1, 1, 1, 1], padding="SAME")),
        (((1, 5, 4, 2), (2, 2, 2, 1), (1, 1, 2, 2)),
         dict(strides=[1, 2, 2, 1], padding="VALID", data_format="NHWC")),
    ]),
    "resize_bilinear": Spec(cases=[(((1, 3, 4, 2),), dict(size=(5, 7))),
                                   (((2, 4, 4, 1),), dict(size=(2, 3)))]),
    # float to float is a cast: float64 to float64 is the one path a float64 check can follow
    "convert_image_dtype": Spec(cases=[(((2, 3, 1),), dict(dtype="float64"))]),
    # the dtype-keeping core; the public op casts to float32 first
    "per_image_standardization": Spec(cases=[(((2, 3, 2),), {}), (((2, 2, 2, 1),), {})]),
    "flip_left_right": Spec(cases=[(((2, 3, 4, 1),), {})]),
    "flip_up_down": Spec(cases=[(((3, 4, 2),), {})]),
    "image_transpose": Spec(cases=[(((3, 4, 2),), {}), (((1, 2, 3, 2),), {})]),
    "rot90": Spec(cases=[(((1, 3, 4, 2),), dict(k=1)), (((3, 4, 1),), dict(k=2)),
                         (((3, 2, 1),), dict(k=3))]),
    "extract_patches": Spec(cases=[
        (((1, 4, 5, 2),), dict(sizes=[1, 2, 2, 1], strides=[1, 2, 1, 1], rates=[1, 1, 1, 1],
                               padding="SAME")),
        (((1, 5, 5, 1),), dict(sizes=[1, 2, 3, 1], strides=[1, 1, 2, 1], rates=[1, 2, 1, 1],
                               padding="VALID")),
    ]),
    "local_response_normalization": Spec(cases=[
        (((1, 2, 2, 5),), dict(depth_radius=1, bias=1.0, alpha=0.5, beta=0.75)),
        (((1, 1, 2, 3),), dict(depth_radius=5)),
    ]),
    "moments": Spec(cases=[(((4, 3),), dict(axes=[0])),
                           (((2, 3),), dict(axes=[0, 1], keepdims=True)),
                           (((2, 3, 2),), dict(axes=[0, 2]))]),
    "frame": Spec(cases=[(((2, 7),), dict(frame_length=3, frame_step=2)),
                         (((5, 2),), dict(frame_length=2, frame_step=2, pad_end=True,
                                          pad_value=1.0, axis=0))]),
    "overlap_and_add": Spec(cases=[(((2, 4, 5),), dict(frame_step=2)),
                                   (((3, 4),), dict(frame_step=4))]),
    "inverse_stft": Spec(fn=lambda a, b, **k: tf.signal.inverse_stft(_fft.complex_(a, b), **k),
                         cases=[(((3, 5), (3, 5)), dict(frame_length=6, frame_step=3)),
                                (((2, 3), (2, 3)), dict(frame_length=5, frame_step=2,
                                                        fft_length=4))]),
    "stft": Spec(fn=lambda x, **k: _parts(tf.signal.stft(x, **k)),
                  cases=[(((2, 9),), dict(frame_length=4, frame_step=3)),
                         (((7,),), dict(frame_length=3, frame_step=2, fft_length=5,
                                        pad_end=True))]),
}
