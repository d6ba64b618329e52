"""What Keras's recurrent cells share: their arguments, weights, config keys and input dropout."""

import tapegrad as tf

from ... import activations, constraints, initializers, regularizers
from ..arguments import check_integer

__all__ = [
    "CellAttributes",
    "check_use_cudnn",
    "cell_config",
    "cell_layer_config",
    "cell_weight",
    "input_dropout",
    "set_cell_arguments",
]


def _rate(value):
    return min(1.0, max(0.0, float(value)))


def cell_weight(cell, shape, name, kind, initializer=None):
    """One of a recurrent cell's weights, with its `<kind>_initializer`, `_regularizer` and
    `_constraint` ("kernel", "recurrent", "bias")."""
    return cell.add_weight(
        shape=shape,
        name=name,
        initializer=initializer or getattr(cell, f"{kind}_initializer"),
        regularizer=getattr(cell, f"{kind}_regularizer"),
        constraint=getattr(cell, f"{kind}_constraint"),
    )


def set_cell_arguments(cell, units, activation, use_bias, initializers_, regularizers_,
                       constraints_, dropout, recurrent_dropout, seed):
    """The arguments every Keras cell shares, checked and stored as Keras stores them."""
    units = check_integer(type(cell).__name__, "units", units, minimum=1)
    cell.units = units
    cell.activation = activations.get(activation)
    cell.use_bias = bool(use_bias)
    for kind, init, reg, con in zip(
        ("kernel", "recurrent", "bias"), initializers_, regularizers_, constraints_
    ):
        setattr(cell, f"{kind}_initializer", initializers.get(init))
        setattr(cell, f"{kind}_regularizer", regularizers.get(reg))
        setattr(cell, f"{kind}_constraint", constraints.get(con))
    cell.dropout = _rate(dropout)
    cell.recurrent_dropout = _rate(recurrent_dropout)
    cell.seed = seed


def cell_config(cell):
    """The config keys every Keras cell shares (in Keras's order, after units and activations)."""
    return {
        "use_bias": cell.use_bias,
        "kernel_initializer": initializers.serialize(cell.kernel_initializer),
        "recurrent_initializer": initializers.serialize(cell.recurrent_initializer),
        "bias_initializer": initializers.serialize(cell.bias_initializer),
        "kernel_regularizer": regularizers.serialize(cell.kernel_regularizer),
        "recurrent_regularizer": regularizers.serialize(cell.recurrent_regularizer),
        "bias_regularizer": regularizers.serialize(cell.bias_regularizer),
        "kernel_constraint": constraints.serialize(cell.kernel_constraint),
        "recurrent_constraint": constraints.serialize(cell.recurrent_constraint),
        "bias_constraint": constraints.serialize(cell.bias_constraint),
        "dropout": cell.dropout,
        "recurrent_dropout": cell.recurrent_dropout,
    }


def input_dropout(cell, sequences, training):
    """The sequence with the cell's input dropout mask applied (the same at every step), as the
    cell applies it step by step.

    Raises:
        NotImplementedError: for a cell with one mask per gate (the fused paths' fallback).
    """
    if not (training and 0.0 < cell.dropout < 1.0):
        return sequences
    mask = cell.get_dropout_mask(sequences[:, 0, :])
    if isinstance(mask, list):
        # One mask per gate (implementation 1): only the step-by-step cell applies those; the
        # layer falls back to it, which reads the masks drawn here.
        raise NotImplementedError
    return sequences * tf.expand_dims(mask, 1)


_CELL_ATTRIBUTES = frozenset(
    (
        "units", "activation", "recurrent_activation", "use_bias", "unit_forget_bias",
        "kernel_initializer", "recurrent_initializer", "bias_initializer", "kernel_regularizer",
        "recurrent_regularizer", "bias_regularizer", "kernel_constraint",
        "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout", "reset_after",
    )
)


class CellAttributes:
    """The cell's arguments read through the layer (`lstm.units`, `gru.reset_after`), as the
    properties of Keras's SimpleRNN, LSTM and GRU."""

    def __getattr__(self, name):
        cell = self.__dict__.get("cell")
        if name in _CELL_ATTRIBUTES and cell is not None and hasattr(cell, name):
            return getattr(cell, name)
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")


def check_use_cudnn(value):
    """`use_cudnn` as Keras checks it (accepted; there is no GPU)."""
    if value not in ("auto", True, False):
        raise ValueError(
            "Invalid valid received for argument `use_cudnn`. Expected one of {'auto', True, "
            f"False}}. Received: use_cudnn={value}"
        )
    return value


def cell_layer_config(cell):
    """A cell's config without what the layer's own base config says (name, dtype, ...)."""
    config = cell.get_config()
    for key in ("name", "trainable", "dtype"):
        config.pop(key, None)
    return config
