"""Differentiation control at `tapegrad.*`: stop_gradient, custom_gradient, recompute_grad."""

from ._core.custom import custom_gradient, recompute_grad
from ._core.registry import bind as _bind
from .ops import control as _c

__all__ = ["stop_gradient", "custom_gradient", "recompute_grad"]


def stop_gradient(input, name=None):  # noqa: A002 - TensorFlow's name
    """Returns `input` unchanged, as a constant: no gradient (and no tangent) flows through."""
    return _bind(_c.stop_gradient, input)
