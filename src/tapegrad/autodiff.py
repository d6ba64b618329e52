"""`tapegrad.autodiff`: forward-mode differentiation (`ForwardAccumulator`)."""

from ._core.forward import ForwardAccumulator

__all__ = ["ForwardAccumulator"]
