"""`SimpleRNNCell` and `SimpleRNN`: `h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel
+ bias)`."""

import tapegrad as tf

from ... import activations
from ..layer import Layer
from . import rnn_backend
from .cell_utils import cell_config, cell_weight, set_cell_arguments
from .dropout_rnn_cell import DropoutRNNCell
from .fused_rnn import FusedRNN

__all__ = ["SimpleRNN", "SimpleRNNCell"]


class SimpleRNNCell(Layer, DropoutRNNCell):
    """One step of a fully connected RNN (see SimpleRNN for the arguments).

    Weights (Keras's): `kernel` (input_dim, units), `recurrent_kernel` (units, units), `bias`
    (units,).
    """

    def __init__(
        self,
        units,
        activation="tanh",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        set_cell_arguments(
            self, units, activation, use_bias,
            (kernel_initializer, recurrent_initializer, bias_initializer),
            (kernel_regularizer, recurrent_regularizer, bias_regularizer),
            (kernel_constraint, recurrent_constraint, bias_constraint),
            dropout, recurrent_dropout, seed,
        )
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape):
        self.kernel = cell_weight(self, (input_shape[-1], self.units), "kernel", "kernel")
        self.recurrent_kernel = cell_weight(
            self, (self.units, self.units), "recurrent_kernel", "recurrent"
        )
        self.bias = cell_weight(self, (self.units,), "bias", "bias") if self.use_bias else None
        self.built = True

    def call(self, sequence, states, training=False):
        prev_output = states[0] if isinstance(states, (list, tuple)) else states
        dp_mask = self.get_dropout_mask(sequence)
        rec_dp_mask = self.get_recurrent_dropout_mask(prev_output)
        if training and dp_mask is not None:
            sequence = sequence * dp_mask
        h = tf.matmul(sequence, self.kernel)
        if self.bias is not None:
            h = h + self.bias
        if training and rec_dp_mask is not None:
            prev_output = prev_output * rec_dp_mask
        output = h + tf.matmul(prev_output, self.recurrent_kernel)
        if self.activation is not None:
            output = self.activation(output)
        new_state = [output] if isinstance(states, (list, tuple)) else output
        return output, new_state

    def get_initial_state(self, batch_size=None):
        return [tf.zeros((batch_size, self.state_size), self._dtype)]

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            **cell_config(self),
            "seed": self.seed,
        }


class SimpleRNN(FusedRNN):
    """A fully connected RNN whose output is fed back as its state.

    Args:
        units: the size of the output and state.
        activation: default tanh.
        use_bias: whether to add a bias.
        kernel_initializer, recurrent_initializer, bias_initializer: "glorot_uniform",
            "orthogonal" and "zeros" by default.
        kernel_regularizer, recurrent_regularizer, bias_regularizer, activity_regularizer:
            penalties added to `losses`.
        kernel_constraint, recurrent_constraint, bias_constraint: constraints of the weights.
        dropout: the fraction of the inputs dropped in training (one mask for the sequence).
        recurrent_dropout: the fraction of the recurrent state dropped in training.
        seed: an integer for repeatable dropout masks.
        return_sequences, return_state, go_backwards, stateful, unroll: as `RNN`'s.

    With tanh and no recurrent dropout in training, the whole sequence is one fused primitive
    (see `rnn_backend`); otherwise the cell runs step by step.
    """

    cell_class = SimpleRNNCell

    def __init__(
        self,
        units,
        activation="tanh",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        seed=None,
        **kwargs,
    ):
        cell = SimpleRNNCell(
            units,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name="simple_rnn_cell",
        )
        super().__init__(
            cell,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            unroll=unroll,
            activity_regularizer=activity_regularizer,
            **kwargs,
        )

    def fused(self, sequences, initial_state, mask):
        cell = self.cell
        return rnn_backend.simple_rnn(
            sequences, initial_state[0], mask, cell.kernel, cell.recurrent_kernel, cell.bias,
            cell.activation, return_sequences=self.return_sequences,
            go_backwards=self.go_backwards, zero_output_for_mask=self.zero_output_for_mask,
        )

    def get_config(self):
        config = super().get_config()
        del config["seed"]  # Keras 3's SimpleRNN leaves the seed out of its config
        return config

