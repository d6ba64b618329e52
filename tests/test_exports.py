"""The public namespaces: every name exported today stays where it is, each export list names
only what its module has, and (with TensorFlow installed) the names are TensorFlow's."""

import importlib
import types

import pytest

import tapegrad as tf

# The public names of each namespace when issue 9 moved the code behind them: none may go.
TODAY = {
    "tapegrad": [
        "DType", "GradientTape", "Tensor", "TensorShape", "TensorSpec",
        "UnconnectedGradients", "Variable", "abs", "acos", "add", "add_n", "argmax",
        "argmin", "as_dtype", "asin", "atan", "atan2", "bool", "boolean_mask",
        "broadcast_to", "cast", "check_grads", "clip_by_norm", "clip_by_value",
        "complex128", "complex64", "concat", "constant", "convert_to_tensor", "cos", "cosh",
        "cumsum", "custom_gradient", "divide", "double", "einsum", "equal", "exp",
        "expand_dims", "eye", "fill", "float16", "float32", "float64", "floor", "function",
        "gather", "gather_nd", "greater", "greater_equal", "half", "identity", "int16",
        "int32", "int64", "int8", "is_tensor", "less", "less_equal", "linspace",
        "logical_and", "logical_not", "logical_or", "matmul", "maximum", "minimum",
        "multiply", "negative", "newaxis", "norm", "not_equal", "one_hot", "ones",
        "ones_like", "pad", "pow", "range", "rank", "recompute_grad", "reduce_all",
        "reduce_any", "reduce_logsumexp", "reduce_max", "reduce_mean", "reduce_min",
        "reduce_prod", "reduce_sum", "reshape", "reverse", "round", "shape", "sigmoid",
        "sign", "sin", "sinh", "size", "split", "sqrt", "square", "squeeze", "stack",
        "stop_gradient", "subtract", "tan", "tanh", "tensordot", "tile", "transpose",
        "truediv", "uint16", "uint32", "uint64", "uint8", "unstack", "where", "zeros",
        "zeros_like",
    ],
    "tapegrad.math": [
        "abs", "acos", "add", "add_n", "argmax", "argmin", "asin", "atan", "atan2", "ceil",
        "cos", "cosh", "cumprod", "cumsum", "divide", "equal", "erf", "exp", "expm1",
        "floor", "floordiv", "floormod", "greater", "greater_equal", "is_finite", "is_nan",
        "l2_normalize", "less", "less_equal", "log", "log1p", "log_softmax", "logical_and",
        "logical_not", "logical_or", "logical_xor", "matmul", "maximum", "minimum", "mod",
        "multiply", "negative", "not_equal", "pow", "reciprocal", "reduce_all",
        "reduce_any", "reduce_logsumexp", "reduce_max", "reduce_mean", "reduce_min",
        "reduce_prod", "reduce_std", "reduce_sum", "reduce_variance", "round", "rsqrt",
        "sigmoid", "sign", "sin", "sinh", "softmax", "softplus", "softsign", "sqrt",
        "square", "squared_difference", "subtract", "tan", "tanh", "truediv",
    ],
    "tapegrad.nn": [
        "dropout", "elu", "gelu", "l2_loss", "l2_normalize", "leaky_relu", "log_softmax",
        "moments", "relu", "relu6", "selu", "sigmoid", "sigmoid_cross_entropy_with_logits",
        "softmax", "softmax_cross_entropy_with_logits", "softplus", "softsign",
        "sparse_softmax_cross_entropy_with_logits", "tanh",
    ],
    "tapegrad.linalg": [
        "adjoint", "cholesky", "det", "diag_part", "einsum", "eye", "inv", "logdet",
        "matmul", "matrix_transpose", "matvec", "norm", "slogdet", "solve", "tensordot",
        "trace",
    ],
    "tapegrad.random": [
        "generator", "normal", "set_seed", "shuffle", "truncated_normal", "uniform",
    ],
    "tapegrad.autodiff": ["ForwardAccumulator"],
    "tapegrad.debugging": ["check_numerics", "disable_check_numerics", "enable_check_numerics"],
    "tapegrad.errors": ["InvalidArgumentError", "OpError", "UnimplementedError"],
    "tapegrad.test": ["compute_gradient"],
    "tapegrad.numeric": ["complex_step", "derivative", "gradient", "jacobian", "richardson"],
    "tapegrad.nest": [
        "assert_same_structure", "flatten", "is_nested", "map_structure", "pack_sequence_as",
    ],
    "tapegrad.tracing": ["effect"],
    "tapegrad.summary": [
        "SummaryWriter", "create_file_writer", "create_noop_writer", "flush", "histogram",
        "image", "record_if", "scalar", "should_record_summaries", "text", "write",
    ],
    "tapegrad.summary.experimental": ["get_step", "set_step", "summary_scope", "write_raw_pb"],
}

# tapegrad's own names, which TensorFlow does not have.
OWN = {
    "tapegrad": {"check_grads"},
    "tapegrad.math": {"matmul"},  # tf.matmul and tf.linalg.matmul, kept here too
    "tapegrad.random": {"generator"},
    "tapegrad.numeric": {"complex_step", "derivative", "gradient", "jacobian", "richardson"},
    "tapegrad.tracing": {"effect"},
}


def _exported(module):
    """A namespace's export list: `__all__`, or for the top level its public non-module names."""
    names = getattr(module, "__all__", None)
    if names is None:  # dir: the names that load on first use too
        names = [n for n in dir(module)
                 if not n.startswith("_") and not isinstance(getattr(module, n), types.ModuleType)]
    return set(names)


@pytest.mark.parametrize("namespace", sorted(TODAY))
def test_every_name_exported_today_is_still_exported(namespace):
    missing = set(TODAY[namespace]) - _exported(importlib.import_module(namespace))
    assert not missing, f"{namespace} lost {sorted(missing)}"


@pytest.mark.parametrize("namespace", sorted(TODAY))
def test_export_list_names_only_what_the_module_has(namespace):
    module = importlib.import_module(namespace)
    absent = [n for n in _exported(module) if not hasattr(module, n)]
    assert not absent, f"{namespace}.__all__ names {absent}, which it does not define"


@pytest.mark.parametrize("namespace", sorted(TODAY))
def test_exported_names_are_tensorflows(namespace):
    real = pytest.importorskip("tensorflow")
    theirs = real
    for part in namespace.split(".")[1:]:
        theirs = getattr(theirs, part, None)
    if theirs is None:  # tapegrad.numeric: tapegrad's own module
        return
    mine = _exported(importlib.import_module(namespace)) - OWN.get(namespace, set())
    assert not [n for n in mine if not hasattr(theirs, n)]


@pytest.mark.parametrize("namespace", sorted(set(TODAY) - {"tapegrad"}))
def test_namespaces_export_nothing_but_their_list(namespace):
    module = importlib.import_module(namespace)
    public = {n for n, v in vars(module).items()
              if not n.startswith("_") and not isinstance(v, types.ModuleType)}
    assert public == set(module.__all__), f"{namespace} also has {sorted(public - set(module.__all__))}"


def test_lazy_namespaces_load_on_first_use():
    assert isinstance(tf.test, types.ModuleType) and isinstance(tf.autodiff, types.ModuleType)
