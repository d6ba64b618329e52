"""Neural-network primitives: activations with kinks or overflow, softmax and cross-entropies.

Each is a primitive for a stated reason: numerics (softplus, softsign, log_softmax, the sigmoid
cross-entropy for large |logits|), TensorFlow's convention at a kink (relu6, elu, leaky_relu) or
speed on a hot path (softmax: one call instead of five).
"""

import numpy as np

from .._core.primitive import ELEMENTWISE, ZERO, defprimitive
from ._util import from_end, times_mask
from .elementwise import abs as absolute
from .elementwise import exp, floating_only, less, sigmoid, where
from .reductions import reduce_sum


def _softsign_grad(g, out, x):
    denominator = 1.0 + absolute(x)
    return g / (denominator * denominator)


# TensorFlow's SoftsignGrad, g / (1 + |x|)^2: the composite x / (1 + |x|) gave NaN where it gives
# 0 (x = inf: 0 * NaN through the divide) or inf (an infinite cotangent at x = 0: inf * sign(0)).
softsign = defprimitive(
    "softsign", floating_only(lambda x: x / (1.0 + np.abs(x))), vjp=_softsign_grad,
)

# log(1 + exp(x)) as logaddexp(0, x): no overflow for large x, no cancellation for small.
softplus = defprimitive(
    "softplus", floating_only(lambda x: np.logaddexp(0.0, x)), vjp=lambda g, out, x: g * sigmoid(x),
)

# TensorFlow's Relu6Grad: g where 0 < x < 6 (so 0 at both kinks); zeros for x at second order.
# A multiply, as its kernel: an inf or NaN cotangent outside (0, 6) gives NaN, as in TensorFlow.
relu6_grad = defprimitive(
    "relu6_grad", lambda g, x: times_mask(g, (x > 0) & (x < 6)),
    vjp=(lambda g, out, dy, x: relu6_grad(g, x), ZERO), jvp=ELEMENTWISE,
)

relu6 = defprimitive(
    "relu6", lambda x: np.clip(x, 0, 6), vjp=lambda g, out, x: relu6_grad(g, x),
)


def _elu(x):
    return np.where(x < 0, np.expm1(np.minimum(x, 0.0)), x)


# As TensorFlow's EluGrad, which selects: g * (out + 1) where out < 0, else g (so 1 at 0, and
# g at x = inf, where a 0/1 mask would make inf * 0). Written with out, so that the rule stays
# differentiable; its derivative in out is TensorFlow's EluGradGrad.
elu = defprimitive(
    "elu", floating_only(_elu),
    vjp=lambda g, out, x: where(less(out, 0.0), g * (out + 1.0), g), saves=("out",),
)


# TensorFlow's LeakyReluGrad: g where x > 0, alpha * g elsewhere (so alpha at 0); zeros for x
# at second order.
leaky_relu_grad = defprimitive(
    "leaky_relu_grad",
    lambda g, x, alpha=0.2: np.where(x > 0, g, g * alpha).astype(g.dtype, copy=False),
    vjp=(lambda g, out, dy, x, alpha=0.2: leaky_relu_grad(g, x, alpha=alpha), ZERO),
    jvp=ELEMENTWISE,
)

leaky_relu = defprimitive(
    "leaky_relu", floating_only(lambda x, alpha=0.2: np.where(x > 0, x, x * alpha)),
    vjp=lambda g, out, x, alpha=0.2: leaky_relu_grad(g, x, alpha=alpha),
)


# Array methods and in-place updates: NumPy's function wrappers cost more than the arithmetic
# on the small tensors where per-op overhead matters.
def _softmax(x, axis=-1):
    e = x - x.max(axis=axis, keepdims=True)
    np.exp(e, out=e)
    e /= e.sum(axis=axis, keepdims=True)
    return e


def _softmax_rule(g, out, x, axis=-1):
    # The Jacobian diag(s) - s s^T is symmetric: the same rule serves as VJP and JVP.
    ax = from_end(axis, x._value.ndim)
    return out * (g - reduce_sum(g * out, axis=ax, keepdims=True))



softmax = defprimitive(
    "softmax", floating_only(_softmax), vjp=_softmax_rule, jvp=_softmax_rule,
)


def _log_softmax(x, axis=-1):
    shifted = x - x.max(axis=axis, keepdims=True)
    shifted -= np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
    return shifted


log_softmax = defprimitive(
    "log_softmax", floating_only(_log_softmax),
    vjp=lambda g, out, x, axis=-1: g - exp(out) * reduce_sum(
        g, axis=from_end(axis, x._value.ndim), keepdims=True),
    jvp=lambda t, out, x, axis=-1: t - reduce_sum(
        exp(out) * t, axis=from_end(axis, x._value.ndim), keepdims=True),
)


def _sigmoid_xent(z, x):
    # max(x, 0) - x z + log(1 + exp(-|x|)): never overflows, exact for large |x|.
    return np.maximum(x, 0.0) - x * z + np.log1p(np.exp(-np.abs(x)))


# Smooth at x = 0: TensorFlow's gradient there is sigmoid(0) - z, which this rule gives.
sigmoid_cross_entropy_with_logits = defprimitive(
    "sigmoid_cross_entropy_with_logits", floating_only(_sigmoid_xent),
    vjp=(lambda g, out, z, x: -g * x, lambda g, out, z, x: g * (sigmoid(x) - z)),
    jvp=ELEMENTWISE,
)
