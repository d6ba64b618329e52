"""`tapegrad.test`: gradient checking laid out as `tf.test.compute_gradient`."""

import numpy as np

from ._core.tape import GradientTape, UnconnectedGradients
from ._core.tensor import Tensor, convert_to_tensor

__all__ = ["compute_gradient"]


def compute_gradient(f, x, delta=None):
    """Returns the (theoretical, numerical) Jacobians of `f` at the list of tensors `x`.

    As `tf.test.compute_gradient`: each is a tuple with one 2-D NumPy array per element of `x`,
    of shape (x_size, y_size); element [i, j] is d y_j / d x_i. The numerical Jacobian uses
    central differences with step `delta` (default 1/1024) and only calls `f`.
    """
    delta = 1.0 / 1024 if delta is None else delta
    xs = [convert_to_tensor(v) for v in x]
    values = [np.array(t._value) for t in xs]
    y = np.asarray(f(*[Tensor(v.copy()) for v in values]))
    theoretical, numerical = [], []
    for i, v in enumerate(values):
        t = [Tensor(a.copy()) for a in values]
        with GradientTape() as tape:
            tape.watch(t[i])
            out = f(*t)
        jac = tape.jacobian(out, t[i], unconnected_gradients=UnconnectedGradients.ZERO)
        theo = np.asarray(jac).reshape(y.size, v.size).T
        num = np.zeros((v.size, y.size), dtype=v.dtype)
        for k in range(v.size):
            up, down = [a.copy() for a in values], [a.copy() for a in values]
            up[i].reshape(-1)[k] += delta
            down[i].reshape(-1)[k] -= delta
            diff = (np.asarray(f(*map(Tensor, up)), dtype=np.float64)
                    - np.asarray(f(*map(Tensor, down)), dtype=np.float64))
            num[k, :] = (diff / (2 * delta)).reshape(-1)
        theoretical.append(theo)
        numerical.append(num)
    return tuple(theoretical), tuple(numerical)
