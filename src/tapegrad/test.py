"""`tapegrad.test`: gradient checking laid out as `tf.test.compute_gradient`."""

import numpy as np

from ._core.tape import GradientTape
from ._core.tensor import Tensor, convert_to_tensor

# tf.test's questions about the build (no GPU, CUDA or XLA here), kept with the device list.
from .config._devices import (
    gpu_device_name,
    is_built_with_cuda,
    is_built_with_gpu_support,
    is_built_with_rocm,
    is_built_with_xla,
    is_gpu_available,
)

__all__ = [
    "compute_gradient",
    "gpu_device_name",
    "is_built_with_cuda",
    "is_built_with_gpu_support",
    "is_built_with_rocm",
    "is_built_with_xla",
    "is_gpu_available",
]

_DIFFERENTIABLE = ("float16", "bfloat16", "float32", "float64", "complex64", "complex128")


def compute_gradient(f, x, delta=None):
    """Computes the theoretical and numerical Jacobians of `f` at the arguments `x`.

    As `tf.test.compute_gradient`: with y = f(*x), each is a tuple with one 2-D NumPy array per
    element of `x`, of shape (y_size, x_size): row j is the gradient of y_j (flattened) with
    respect to that argument, so element [j, i] is d y_j / d x_i. A complex value counts as
    two reals (real part, then imaginary part). The theoretical Jacobian comes from one
    `tape.gradient` per row, the numerical one from central differences with step `delta`
    (default 1/1024, exact in binary), which only call `f`.

    Args:
        f: a function of tensors returning one float or complex tensor.
        x: a list or tuple of the arguments (anything convertible to a tensor).
        delta: the finite-difference step.

    Returns:
        (theoretical, numerical): two tuples of 2-D arrays, in the real dtype of each argument.

    Raises:
        ValueError: if `x` is not a list or tuple, or `f`'s result is empty but its gradient
            is not zero.
        AssertionError: as TensorFlow, if an argument or the result is not float or complex.

    Example:
        >>> theoretical, numerical = tapegrad.test.compute_gradient(
        ...     lambda x: x * x, [tapegrad.constant([1.0, 2.0], tapegrad.float64)])
        >>> theoretical[0]
        array([[2., 0.],
               [0., 4.]])
    """
    if not isinstance(x, (list, tuple)):
        raise ValueError(  # noqa: TRY004 - TensorFlow raises ValueError
            f"compute_gradient: `x` must be a list or tuple of values convertible to a Tensor "
            f"(the arguments of f), not a {type(x).__name__}; wrap a single argument as [x]."
        )
    delta = 1.0 / 1024 if delta is None else delta
    values = [np.array(convert_to_tensor(v)._value) for v in x]
    y = convert_to_tensor(f(*[Tensor(v.copy()) for v in values]))
    theoretical, numerical = [], []
    for i, v in enumerate(values):
        _check_dtype(v.dtype, f"argument {i} (shape {list(v.shape)})")
        _check_dtype(y._value.dtype, f"the result of f (shape {list(y.shape)})")
        theoretical.append(_theoretical(f, values, i, y._value))
        numerical.append(_numerical(f, values, i, y._value, delta))
    return tuple(theoretical), tuple(numerical)


def _check_dtype(dtype, what):
    if dtype.name not in _DIFFERENTIABLE:
        raise AssertionError(
            f"compute_gradient: cannot compute the gradient of unsupported dtype {dtype.name} "
            f"of {what}; use a float or complex dtype (e.g. tf.cast(x, tf.float64))."
        )


def _real(dtype):
    return np.finfo(dtype).dtype  # float32 for float32 and complex64


def _theoretical(f, values, i, y):
    xs = [Tensor(v.copy()) for v in values]
    with GradientTape(persistent=True) as tape:
        tape.watch(xs[i])
        out = convert_to_tensor(f(*xs))
    x_real = _real(values[i].dtype)
    jac = np.zeros((y.size * (2 if y.dtype.kind == "c" else 1),
                    values[i].size * (2 if values[i].dtype.kind == "c" else 1)), x_real)
    dy = np.zeros(y.shape, y.dtype)
    dy_flat = dy.reshape(-1).view(_real(y.dtype))  # a view: setting it sets dy
    for row in range(jac.shape[0]):
        dy_flat[row] = 1
        grad = tape.gradient(out, xs[i], output_gradients=Tensor(dy.copy()))
        if grad is not None:
            jac[row] = np.asarray(grad).reshape(-1).view(x_real)
        dy_flat[row] = 0
    if y.size == 0:  # as TensorFlow: an empty result must have zero gradients
        grad = tape.gradient(out, xs[i], output_gradients=Tensor(dy),
                             unconnected_gradients="zero")
        if np.any(np.asarray(grad)):
            raise ValueError(
                f"compute_gradient: f's result is empty (shape {list(y.shape)}) but its "
                f"gradient with respect to argument {i} is not zero."
            )
    return jac


def _numerical(f, values, i, y, delta):
    xs = [v.copy() for v in values]
    x_real, y_real = _real(xs[i].dtype), _real(y.dtype)
    x_flat = xs[i].reshape(-1).view(x_real)  # a view: perturbing it perturbs the argument
    scale = np.asarray(2 * delta, dtype=y_real)[()]
    jac = np.zeros((y.size * (2 if y.dtype.kind == "c" else 1), x_flat.size), x_real)
    for col in range(x_flat.size):
        original = x_flat[col]
        x_flat[col] += delta
        y_pos = np.asarray(f(*[Tensor(v.copy()) for v in xs]))
        x_flat[col] = original - delta
        y_neg = np.asarray(f(*[Tensor(v.copy()) for v in xs]))
        x_flat[col] = original
        jac[:, col] = ((y_pos - y_neg) / scale).reshape(-1).view(y_real)
    return jac
