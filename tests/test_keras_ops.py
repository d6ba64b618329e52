"""keras.ops: every function against NumPy (values) and against Keras 3 itself where it is
installed (values, shapes and dtypes); gradients of the differentiable ones against finite
differences; Keras's dtype rules; ops on Keras tensors of the functional API."""

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras
from tapegrad.keras import ops

R = np.random.default_rng(0)
A = R.normal(size=(3, 4)).astype("float32")
B = R.normal(size=(3, 4)).astype("float32")
P = R.uniform(0.1, 2.0, size=(3, 4)).astype("float32")
U = R.uniform(-0.9, 0.9, size=(3, 4)).astype("float32")
I = np.array([[3, 1, 2], [0, 5, 4]], dtype="int32")
V = R.normal(size=(5,)).astype("float32")
M = (R.normal(size=(3, 3)) + 3 * np.eye(3)).astype("float32")
SPD = (M @ M.T).astype("float32")
L = np.array([0.3, 0.1, 0.7, 0.7, 0.2], dtype="float32")

# (name, args, kwargs, NumPy reference or None): the calls compared with NumPy and Keras.
CASES = [
    ("add", (A, B), {}, np.add),
    ("add", (I, 1.5), {}, None),
    ("subtract", (A, 2), {}, None),
    ("multiply", (A, B), {}, np.multiply),
    ("divide", (I, 2), {}, np.divide),
    ("true_divide", (A, P), {}, np.true_divide),
    ("floor_divide", (I, 2), {}, np.floor_divide),
    ("mod", (A, 0.7), {}, np.mod),
    ("fmod", (A, 0.7), {}, np.fmod),
    ("power", (P, 1.5), {}, None),
    ("power", (I, 2), {}, np.power),
    ("negative", (A,), {}, np.negative),
    ("absolute", (A,), {}, np.abs),
    ("abs", (I,), {}, np.abs),
    ("sign", (A,), {}, np.sign),
    ("square", (A,), {}, np.square),
    ("sqrt", (P,), {}, np.sqrt),
    ("sqrt", (I,), {}, None),
    ("rsqrt", (P,), {}, lambda x: 1 / np.sqrt(x)),
    ("cbrt", (A,), {}, np.cbrt),
    ("reciprocal", (P,), {}, np.reciprocal),
    ("exp", (A,), {}, np.exp),
    ("exp2", (A,), {}, np.exp2),
    ("expm1", (A,), {}, np.expm1),
    ("log", (P,), {}, np.log),
    ("log1p", (P,), {}, np.log1p),
    ("log2", (P,), {}, np.log2),
    ("log10", (P,), {}, np.log10),
    ("logaddexp", (A, B), {}, np.logaddexp),
    ("hypot", (A, B), {}, np.hypot),
    ("sin", (A,), {}, np.sin),
    ("cos", (A,), {}, np.cos),
    ("tan", (U,), {}, np.tan),
    ("arcsin", (U,), {}, np.arcsin),
    ("arccos", (U,), {}, np.arccos),
    ("arctan", (A,), {}, np.arctan),
    ("sinh", (A,), {}, np.sinh),
    ("cosh", (A,), {}, np.cosh),
    ("tanh", (A,), {}, np.tanh),
    ("arcsinh", (A,), {}, np.arcsinh),
    ("arccosh", (P + 1,), {}, np.arccosh),
    ("arctanh", (U,), {}, np.arctanh),
    ("arctan2", (A, B), {}, np.arctan2),
    ("deg2rad", (A,), {}, np.deg2rad),
    ("rad2deg", (A,), {}, np.rad2deg),
    ("sinc", (A,), {}, np.sinc),
    ("floor", (A,), {}, np.floor),
    ("ceil", (A,), {}, np.ceil),
    ("trunc", (A,), {}, np.trunc),
    ("round", (A * 10,), {}, np.round),
    ("round", (A,), {"decimals": 2}, lambda x, decimals: np.round(x, decimals)),
    ("clip", (A, -0.5, 0.5), {}, np.clip),
    ("maximum", (A, B), {}, np.maximum),
    ("minimum", (A, 0.0), {}, np.minimum),
    ("heaviside", (A, 0.5), {}, np.heaviside),
    ("equal", (I, 2), {}, np.equal),
    ("not_equal", (A, B), {}, np.not_equal),
    ("greater", (A, B), {}, np.greater),
    ("greater_equal", (A, 0), {}, np.greater_equal),
    ("less", (A, B), {}, np.less),
    ("less_equal", (A, 0.1), {}, np.less_equal),
    ("logical_and", (A > 0, B > 0), {}, np.logical_and),
    ("logical_or", (A > 0, B > 0), {}, np.logical_or),
    ("logical_xor", (A > 0, B > 0), {}, np.logical_xor),
    ("logical_not", (A > 0,), {}, None),
    ("isnan", (np.array([1.0, np.nan], "float32"),), {}, np.isnan),
    ("isinf", (np.array([1.0, -np.inf], "float32"),), {}, np.isinf),
    ("isfinite", (np.array([1.0, np.inf, np.nan], "float32"),), {}, np.isfinite),
    ("nan_to_num", (np.array([1.0, np.nan, np.inf], "float32"),), {}, np.nan_to_num),
    ("isclose", (A, A + 1e-7), {}, np.isclose),
    ("bitwise_and", (I, 3), {}, np.bitwise_and),
    ("bitwise_or", (I, 3), {}, np.bitwise_or),
    ("bitwise_xor", (I, 3), {}, np.bitwise_xor),
    ("left_shift", (I, 1), {}, np.left_shift),
    # reductions
    ("sum", (A,), {}, np.sum),
    ("sum", (A,), {"axis": 1, "keepdims": True}, np.sum),
    ("sum", (I,), {"axis": 0}, np.sum),
    ("prod", (P,), {"axis": 0}, np.prod),
    ("mean", (A,), {"axis": -1}, np.mean),
    ("mean", (I,), {}, np.mean),
    ("var", (A,), {"axis": 0}, np.var),
    ("std", (A,), {}, np.std),
    ("max", (A,), {"axis": 1}, np.max),
    ("min", (A,), {}, np.min),
    ("amax", (I,), {}, np.amax),
    ("max", (A,), {"axis": 0, "initial": 0.5}, np.max),
    ("ptp", (A,), {"axis": 1}, np.ptp),
    ("all", (A > -5,), {}, np.all),
    ("any", (A > 1,), {"axis": 0}, np.any),
    ("count_nonzero", (I,), {"axis": 1}, np.count_nonzero),
    ("argmax", (A,), {}, np.argmax),
    ("argmax", (A,), {"axis": 1}, np.argmax),
    ("argmin", (A,), {"axis": 0, "keepdims": True}, np.argmin),
    ("cumsum", (A,), {"axis": 1}, np.cumsum),
    ("cumsum", (I,), {}, np.cumsum),
    ("cumprod", (P,), {"axis": 0}, np.cumprod),
    ("sort", (A,), {}, np.sort),
    ("sort", (A,), {"axis": 0}, np.sort),
    ("argsort", (V,), {}, np.argsort),
    ("median", (A,), {}, np.median),
    ("median", (A,), {"axis": 1}, np.median),
    ("quantile", (A, [0.1, 0.5]), {"axis": 0}, np.quantile),
    ("quantile", (A, 0.3), {"method": "nearest"}, np.quantile),
    ("percentile", (A, 40.0), {"axis": 1, "keepdims": True}, np.percentile),
    ("average", (A,), {"axis": 1, "weights": np.array([1.0, 2, 3, 4], "float32")}, np.average),
    ("nansum", (np.array([1.0, np.nan, 2], "float32"),), {}, np.nansum),
    ("nanmean", (np.array([1.0, np.nan, 2], "float32"),), {}, np.nanmean),
    ("logsumexp", (A,), {"axis": -1}, None),
    # creation and shapes
    ("arange", (5,), {}, None),
    ("arange", (1.0, 3.0, 0.5), {}, None),
    ("linspace", (0.0, 1.0, 5), {}, np.linspace),
    ("linspace", (0.0, 1.0, 4), {"endpoint": False}, np.linspace),
    ("eye", (3,), {}, None),
    ("eye", (3, 4), {"k": 1}, None),
    ("tri", (3,), {}, None),
    ("full", ((2, 3), 7.0), {}, None),
    ("zeros", ((2,),), {}, None),
    ("ones", (3,), {}, None),
    ("zeros_like", (I,), {}, np.zeros_like),
    ("ones_like", (A,), {}, np.ones_like),
    ("full_like", (A, 2.0), {}, np.full_like),
    ("tril", (A,), {}, np.tril),
    ("triu", (A,), {"k": 1}, np.triu),
    ("diag", (V,), {}, np.diag),
    ("diag", (A,), {}, np.diag),
    ("diagonal", (A,), {"offset": 1}, np.diagonal),
    ("trace", (A,), {}, np.trace),
    ("reshape", (A, (2, 6)), {}, np.reshape),
    ("reshape", (A, (-1,)), {}, np.reshape),
    ("ravel", (A,), {}, np.ravel),
    ("transpose", (A,), {}, np.transpose),
    ("expand_dims", (A, 1), {}, np.expand_dims),
    ("expand_dims", (A, (0, 3)), {}, None),
    ("squeeze", (A[:1],), {}, np.squeeze),
    ("swapaxes", (A, 0, 1), {}, np.swapaxes),
    ("moveaxis", (A[None], 0, -1), {}, np.moveaxis),
    ("broadcast_to", (V, (2, 5)), {}, None),
    ("flip", (A,), {"axis": 1}, np.flip),
    ("fliplr", (A,), {}, np.fliplr),
    ("rot90", (A,), {}, np.rot90),
    ("rot90", (A,), {"k": 3}, np.rot90),
    ("roll", (A, 1), {"axis": 1}, np.roll),
    ("roll", (A, -2), {}, np.roll),
    ("tile", (V, (2, 2)), {}, np.tile),
    ("repeat", (A, 2), {"axis": 0}, np.repeat),
    ("repeat", (I, 2), {}, np.repeat),
    ("concatenate", ([A, B],), {"axis": 1}, np.concatenate),
    ("append", (A, B), {}, np.append),
    ("stack", ([A, B],), {"axis": 1}, np.stack),
    ("hstack", ([A, B],), {}, np.hstack),
    ("vstack", ([V, V],), {}, None),
    ("dstack", ([A, B],), {}, np.dstack),
    ("split", (A, 2), {"axis": 1}, np.split),
    ("split", (V, [1, 3]), {}, np.split),
    ("array_split", (V, 3), {}, np.array_split),
    ("pad", (A, ((1, 0), (0, 2))), {}, np.pad),
    ("pad", (A, ((1, 1), (2, 0))), {"mode": "reflect"}, lambda x, w, mode: np.pad(x, w, mode=mode)),
    ("take", (A, [2, 0]), {"axis": 1}, np.take),
    ("take", (A, [-1, 3]), {}, np.take),
    ("take_along_axis", (A, np.argsort(A, axis=1)), {"axis": 1}, np.take_along_axis),
    ("where", (A > 0, A, 0.0), {}, np.where),
    ("where", (A > 0, np.arange(12).reshape(3, 4), B), {}, None),
    ("select", ([A > 0.5, A < -0.5], [A, B], 0.0), {}, None),
    ("searchsorted", (np.array([1.0, 2, 3], "float32"), [2.5, 0.0]), {}, None),
    ("digitize", (V, np.array([-1.0, 0, 1], "float32")), {}, None),
    ("bincount", (np.array([0, 1, 1, 3]),), {}, None),
    ("isin", (I, [1, 2]), {}, None),
    ("diff", (A,), {"axis": 1}, np.diff),
    ("diff", (V,), {"n": 2}, np.diff),
    ("meshgrid", (V[:2], V[:3]), {}, None),
    ("meshgrid", (V[:2], V[:3]), {"indexing": "ij"}, None),
    # products and linear algebra
    ("matmul", (A, B.T), {}, np.matmul),
    ("matmul", (A, V[:4]), {}, np.matmul),
    ("dot", (A, B.T), {}, np.dot),
    ("dot", (V, V), {}, np.dot),
    ("tensordot", (A, B), {"axes": [[1], [1]]}, np.tensordot),
    ("einsum", ("ij,kj->ik", A, B), {}, np.einsum),
    ("inner", (A, B), {}, np.inner),
    ("outer", (V, V[:3]), {}, np.outer),
    ("vdot", (A, B), {}, np.vdot),
    ("cross", (A[:, :3], B[:, :3]), {}, np.cross),
    ("kron", (A[:2, :2], B[:2, :3]), {}, np.kron),
    # nn
    ("relu", (A,), {}, None),
    ("relu6", (A * 4,), {}, None),
    ("sigmoid", (A,), {}, None),
    ("softplus", (A,), {}, None),
    ("softsign", (A,), {}, None),
    ("silu", (A,), {}, None),
    ("log_sigmoid", (A,), {}, None),
    ("leaky_relu", (A,), {}, None),
    ("hard_sigmoid", (A * 3,), {}, None),
    ("hard_silu", (A * 3,), {}, None),
    ("elu", (A,), {"alpha": 0.5}, None),
    ("selu", (A,), {}, None),
    ("gelu", (A,), {}, None),
    ("gelu", (A,), {"approximate": False}, None),
    ("celu", (A,), {}, None),
    ("glu", (A,), {}, None),
    ("tanh_shrink", (A,), {}, None),
    ("hard_tanh", (A * 2,), {}, None),
    ("hard_shrink", (A,), {}, None),
    ("soft_shrink", (A,), {}, None),
    ("threshold", (A, 0.1, -1.0), {}, None),
    ("sparse_plus", (A,), {}, None),
    ("squareplus", (A,), {}, None),
    ("sparse_sigmoid", (A * 2,), {}, None),
    ("softmax", (A,), {}, None),
    ("softmax", (A,), {"axis": 0}, None),
    ("log_softmax", (A,), {"axis": -1}, None),
    ("sparsemax", (A,), {}, None),
    ("one_hot", ([0, 2, -1], 3), {}, None),
    ("multi_hot", (np.array([[0, 2], [1, 1]]), 3), {}, None),
    ("normalize", (A,), {}, None),
    ("normalize", (A,), {"order": 1, "axis": 0}, None),
    ("moments", (A, [0]), {}, None),
    ("moments", (A, [1]), {"keepdims": True}, None),
    ("batch_normalization", (A, V[:4], P[0], -1), {"scale": B[0], "offset": B[1]}, None),
    ("layer_normalization", (A,), {"gamma": B[0], "beta": B[1]}, None),
    ("rms_normalization", (A,), {"scale": B[0]}, None),
    ("binary_crossentropy", ((A > 0).astype("float32"), P / 2.5), {}, None),
    ("binary_crossentropy", ((A > 0).astype("float32"), B), {"from_logits": True}, None),
    ("categorical_crossentropy", (np.eye(4, dtype="float32")[[0, 2, 3]], P), {}, None),
    ("sparse_categorical_crossentropy", ([0, 2, 3], B), {"from_logits": True}, None),
    ("psnr", (P, P + 0.1, 2.0), {}, None),
    (
        "dot_product_attention",
        (A.reshape(1, 3, 1, 4), B.reshape(1, 3, 1, 4), A.reshape(1, 3, 1, 4)),
        {"is_causal": True},
        None,
    ),
    # math, core, linalg
    ("top_k", (A, 2), {}, None),
    ("in_top_k", ([1, 0, 3], A, 2), {}, None),
    ("segment_sum", (A, np.array([0, 0, 1])), {}, None),
    ("segment_max", (A, np.array([1, 0, 1])), {}, None),
    ("erf", (A,), {}, None),
    ("logdet", (SPD,), {}, None),
    ("cdist", (A, B), {}, None),
    ("cast", (A, "int32"), {}, None),
    ("saturate_cast", (A * 300, "uint8"), {}, None),
    ("slice", (A, (1, 1), (2, 2)), {}, None),
    ("slice_update", (A, (1, 1), np.ones((2, 2), "float32")), {}, None),
    ("scatter", ([[0, 1], [2, 3], [0, 1]], [1.0, 2.0, 3.0], (3, 4)), {}, None),
    ("scatter_update", (A, [[0, 1], [2, 3]], [9.0, 8.0]), {}, None),
    ("unstack", (A,), {}, None),
    ("stop_gradient", (A,), {}, None),
    ("cholesky", (SPD,), {}, np.linalg.cholesky),
    ("det", (M,), {}, np.linalg.det),
    ("inv", (M,), {}, np.linalg.inv),
    ("solve", (M, A[:, :2]), {}, np.linalg.solve),
    ("solve_triangular", (np.tril(M), A[:, :2]), {"lower": True}, None),
    ("norm", (A,), {}, np.linalg.norm),
    ("norm", (A,), {"ord": 1, "axis": 1}, np.linalg.norm),
    ("norm", (A,), {"ord": np.inf, "axis": 0}, np.linalg.norm),
    ("norm", (A,), {"ord": "fro", "axis": (0, 1)}, np.linalg.norm),
    ("norm", (A,), {"ord": 1}, np.linalg.norm),
    ("slogdet", (M,), {}, np.linalg.slogdet),
    ("eigh", (SPD,), {}, None),
    ("svd", (A,), {"compute_uv": False}, None),
    ("lstsq", (A.T, V[:4]), {}, None),
]


def _ids(cases):
    return [f"{c[0]}-{i}" for i, c in enumerate(cases)]


def _leaves(x):
    if isinstance(x, (list, tuple)):
        return [leaf for item in x for leaf in _leaves(item)]
    return [x]


def _call(module, name, args, kwargs):
    return getattr(module, name)(*args, **kwargs)


@pytest.mark.parametrize(("name", "args", "kwargs", "ref"), CASES, ids=_ids(CASES))
def test_op_matches_numpy(name, args, kwargs, ref):
    out = _call(ops, name, args, kwargs)
    for leaf in _leaves(out):
        assert isinstance(leaf, tf.Tensor), f"{name} returned {type(leaf).__name__}"
    if ref is None:
        return
    want = ref(*args, **kwargs)
    for got, exp in zip(_leaves(out), _leaves(want)):
        np.testing.assert_allclose(
            np.asarray(got), np.asarray(exp), rtol=2e-5, atol=2e-5, err_msg=name
        )


def test_every_keras_numpy_name_used_by_the_guides_exists():
    names = [
        "abs",
        "add",
        "arange",
        "argmax",
        "cast",
        "clip",
        "concatenate",
        "convert_to_tensor",
        "cos",
        "einsum",
        "equal",
        "exp",
        "expand_dims",
        "gelu",
        "layer_normalization",
        "log",
        "logical_and",
        "matmul",
        "max",
        "maximum",
        "mean",
        "moments",
        "one_hot",
        "ones",
        "power",
        "relu",
        "repeat",
        "reshape",
        "shape",
        "sigmoid",
        "sin",
        "softmax",
        "split",
        "sqrt",
        "square",
        "squeeze",
        "stack",
        "stop_gradient",
        "sum",
        "take",
        "tile",
        "top_k",
        "transpose",
        "tril",
        "var",
        "where",
        "zeros",
        "normalize",
        "dot_product_attention",
        "cond",
        "while_loop",
        "fori_loop",
        "scan",
        "map",
        "vectorized_map",
        "slice",
        "scatter",
        "scatter_update",
        "dtype",
        "is_tensor",
        "convert_to_numpy",
        "unstack",
    ]
    assert [n for n in names if not hasattr(ops, n)] == []
    assert ops.numpy.matmul is ops.matmul and ops.nn.relu is ops.relu
    assert ops.linalg.solve is ops.solve


# -- dtypes, as Keras 3.15 gives them (recorded from Keras with the TensorFlow backend) -------


@pytest.mark.parametrize(
    ("dtypes", "want"),
    [
        (("int32", "float32"), "float32"),
        (("int64", "float32"), "float32"),
        (("int32", "int64"), "int64"),
        (("float32", "float64"), "float64"),
        (("bool", "int32"), "int32"),
        (("uint8", "int8"), "int16"),
        (("uint32", "int32"), "int64"),
        (("int64", "float16"), "float16"),
        (("uint64", "int64"), "float32"),
        (("int32", float), "float32"),
        (("float16", float), "float16"),
        (("int64", int), "int64"),
        (("bool", int), "int32"),
        ((int,), "int32"),
        ((float,), "float32"),
        ((int, float), "float32"),
    ],
)
def test_result_type_is_keras(dtypes, want):
    assert keras.backend.result_type(*dtypes) == want


def test_op_dtypes_are_keras():
    ints = np.array([1, 2])  # int64, as NumPy makes it
    assert ops.add(ints, 1.5).dtype == tf.float32
    assert ops.mean(ints).dtype == tf.float32 and ops.sqrt(ints).dtype == tf.float32
    assert ops.divide(ints, ints).dtype == tf.float32
    assert ops.sum(np.array([True, False])).dtype == tf.int32
    assert ops.sum(np.array([1, 2], "int8")).dtype == tf.int32
    assert ops.power(ints, 2).dtype == tf.int64 and ops.power(ints, 0.5).dtype == tf.float32
    assert ops.argmax(np.ones((2, 2))).dtype == tf.int32
    assert ops.array([1, 2]).dtype == tf.int32 and ops.array([1.0, 2.0]).dtype == tf.float32
    assert ops.convert_to_tensor(np.array([1.0])).dtype == tf.float64
    assert ops.arange(3).dtype == tf.int32 and ops.arange(3.0).dtype == tf.float32
    assert ops.shape(np.ones((2, 3))) == (2, 3) and ops.dtype(A) == "float32"


# -- gradients: compositions of tapegrad ops, checked against finite differences -------------

GRAD_CASES = [
    ("sort", lambda x: ops.sort(x, axis=1)),
    ("median", lambda x: ops.median(x, axis=0)),
    ("quantile", lambda x: ops.quantile(x, [0.2, 0.7])),
    ("top_k", lambda x: ops.top_k(x, 2)[0]),
    ("take_along_axis", lambda x: ops.take_along_axis(x, np.array([[1], [0], [2]]), 1)),
    ("roll", lambda x: ops.roll(x, 1, axis=1)),
    ("repeat", lambda x: ops.repeat(x, 2, axis=1)),
    ("diag", lambda x: ops.diag(ops.diagonal(x))),
    ("kron", lambda x: ops.kron(x, x[:2])),
    ("cross", lambda x: ops.cross(x[:, :3], x[:, 1:])),
    ("cbrt", lambda x: ops.cbrt(x + 3.0)),
    ("logaddexp", lambda x: ops.logaddexp(x, ops.flip(x, 0))),
    ("arcsinh", ops.arcsinh),
    ("arctanh", lambda x: ops.arctanh(ops.tanh(x) * 0.9)),
    ("sparsemax", ops.sparsemax),
    ("gelu", ops.gelu),
    ("silu", ops.silu),
    ("celu", ops.celu),
    ("glu", ops.glu),
    ("layer_normalization", ops.layer_normalization),
    ("rms_normalization", ops.rms_normalization),
    ("normalize", ops.normalize),
    (
        "dot_product_attention",
        lambda x: ops.dot_product_attention(
            ops.reshape(x, (1, 3, 1, 4)),
            ops.reshape(x, (1, 3, 1, 4)),
            ops.reshape(x, (1, 3, 1, 4)),
            is_causal=True,
        ),
    ),
    ("scatter", lambda x: ops.scatter([[0], [2], [0]], x[:, :2], (3, 2))),
    ("scatter_update", lambda x: ops.scatter_update(x, [[0, 1]], ops.reshape(x[1, 1], (1,)))),
    ("slice_update", lambda x: ops.slice_update(x, (1, 1), x[:2, :2])),
    ("segment_max", lambda x: ops.segment_max(x, [0, 1, 0])),
    ("norm", lambda x: ops.norm(x, ord=1, axis=(0, 1))),
    ("cdist", lambda x: ops.cdist(x, x * 2)),
    ("var", lambda x: ops.var(x, axis=0)),
    ("average", lambda x: ops.average(x, 1, x[0] ** 2)),
]


@pytest.mark.parametrize(("name", "fn"), GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_gradients_match_finite_differences(name, fn):
    x = np.random.default_rng(3).normal(size=(3, 4)) + np.arange(12).reshape(3, 4) * 0.05
    tf.check_grads(lambda t: ops.sum(ops.multiply(fn(t), 0.7)), [x], order=2)


def test_numpy_decompositions_refuse_a_gradient_instead_of_returning_none():
    x = tf.Variable(SPD.astype("float64"))
    with tf.GradientTape() as tape:
        values, _ = ops.eigh(x)
        total = ops.sum(values)
    with pytest.raises(NotImplementedError, match=r"keras.ops.eigh: .* no gradient"):
        tape.gradient(total, x)


# -- control flow and symbolic use -----------------------------------------------------------


def test_control_flow():
    assert int(ops.cond(ops.array(True), lambda: 1, lambda: 2)) == 1
    out = ops.while_loop(lambda i, s: i < 5, lambda i, s: (i + 1, s + i), (0, 0))
    assert [int(v) for v in out] == [5, 10]
    assert int(ops.fori_loop(0, 4, lambda i, v: v + i, 0)) == 6
    carry, ys = ops.scan(lambda c, x: (c + x, c * x), 0.0, ops.array([1.0, 2.0, 3.0]))
    assert float(carry) == 6.0 and ys.numpy().tolist() == [0.0, 2.0, 9.0]
    mapped = ops.map(lambda row: ops.sum(row), ops.array(A))
    np.testing.assert_allclose(mapped, A.sum(1), rtol=1e-6)
    assert int(ops.switch(5, [lambda: 0, lambda: 1])) == 1


def test_ops_on_keras_tensors_build_a_functional_model():
    inputs = keras.Input(shape=(4,))
    x = keras.layers.Dense(8)(inputs)
    x = ops.relu(ops.add(x, 1.0))
    scale = ops.sqrt(ops.mean(ops.square(x), axis=-1, keepdims=True))
    outputs = ops.concatenate([ops.divide(x, scale), inputs], axis=-1)
    assert tuple(outputs.shape) == (None, 12)
    assert ops.shape(outputs) == (None, 12)
    model = keras.Model(inputs, outputs)
    data = R.normal(size=(5, 4)).astype("float32")
    h = np.maximum(data @ model.layers[1].kernel.numpy() + model.layers[1].bias.numpy() + 1, 0)
    want = np.concatenate([h / np.sqrt((h**2).mean(-1, keepdims=True)), data], axis=-1)
    np.testing.assert_allclose(model(data), want, rtol=1e-5, atol=1e-6)
    model.compile("sgd", "mse")
    model.fit(data, np.zeros((5, 12), "float32"), verbose=0)


def test_transformer_block_of_the_keras_examples_trains():
    class TokenAndPositionEmbedding(keras.layers.Layer):
        def __init__(self, maxlen, dim):
            super().__init__()
            self.pos = self.add_weight(shape=(maxlen, dim), initializer="random_normal")

        def call(self, x):
            positions = ops.arange(0, ops.shape(x)[-1], 1)
            return ops.expand_dims(ops.take(self.pos, positions, axis=0), 0) + x[..., None]

    class SelfAttention(keras.layers.Layer):
        def build(self, input_shape):
            d = input_shape[-1]
            self.wq = self.add_weight(shape=(d, d))
            self.wk = self.add_weight(shape=(d, d))

        def call(self, x):
            q, k = ops.matmul(x, self.wq), ops.matmul(x, self.wk)
            scores = ops.matmul(q, ops.transpose(k, (0, 2, 1))) / ops.sqrt(
                ops.cast(ops.shape(x)[-1], "float32")
            )
            mask = ops.tril(ops.ones((ops.shape(x)[1], ops.shape(x)[1])))
            scores = ops.where(ops.equal(mask, 0), -1e9, scores)
            out = ops.matmul(ops.softmax(scores, axis=-1), x)
            return ops.layer_normalization(out + x, axis=-1)

    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(6,))
    x = SelfAttention()(TokenAndPositionEmbedding(6, 8)(inputs))
    outputs = keras.layers.Dense(1)(ops.mean(x, axis=1))
    model = keras.Model(inputs, outputs)
    model.compile("adam", "mse")
    data = R.normal(size=(16, 6)).astype("float32")
    history = model.fit(data, data.sum(1, keepdims=True), epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


# -- Keras 3 itself --------------------------------------------------------------------------


def test_against_keras():
    pytest.importorskip("tensorflow")
    import keras as real

    mismatches = []
    for name, args, kwargs, _ in CASES:
        try:
            theirs = _call(real.ops, name, args, kwargs)
        except Exception as err:  # noqa: BLE001 - report every case at once
            mismatches.append((name, "keras raised", repr(err)[:200]))
            continue
        ours = _call(ops, name, args, kwargs)
        for got, want in zip(_leaves(ours), _leaves(theirs), strict=True):
            want = np.asarray(want)
            got = np.asarray(got)
            if got.shape != want.shape or got.dtype != want.dtype:
                mismatches.append((name, got.shape, want.shape, got.dtype, want.dtype))
                continue
            if name == "eigh":  # eigenvectors are defined up to their sign
                got, want = np.abs(got), np.abs(want)
            if not np.allclose(got, want, rtol=2e-5, atol=2e-5, equal_nan=True):
                mismatches.append((name, "values", np.max(np.abs(got - want))))
    assert mismatches == []
