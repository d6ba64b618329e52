"""`GRUCell` and `GRU` (Cho et al. 2014), with Keras 3's gate order z, r, h."""

import tapegrad as tf

from ... import activations
from ..layer import Layer
from . import rnn_backend
from .cell_utils import cell_config, cell_weight, check_use_cudnn, set_cell_arguments
from .dropout_rnn_cell import DropoutRNNCell
from .fused_rnn import FusedRNN

__all__ = ["GRU", "GRUCell"]


class GRUCell(Layer, DropoutRNNCell):
    """One step of a GRU (see GRU for the arguments).

    Weights (Keras's layout): `kernel` (input_dim, 3 units), `recurrent_kernel` (units,
    3 units), the blocks being the update (z), reset (r) and candidate (h) gates, and `bias`:
    (2, 3 units) with `reset_after=True` (row 0 for the inputs, row 1 for the recurrent
    part), (3 units,) otherwise.

        reset_after=True:  hh = tanh(x_h + r * (h @ U_h + b_rh))
        reset_after=False: hh = tanh(x_h + (r * h) @ U_h)
        h' = z * h + (1 - z) * hh
    """

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
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
        reset_after=True,
        seed=None,
        **kwargs,
    ):
        implementation = kwargs.pop("implementation", 2)
        super().__init__(**kwargs)
        set_cell_arguments(
            self, units, activation, use_bias,
            (kernel_initializer, recurrent_initializer, bias_initializer),
            (kernel_regularizer, recurrent_regularizer, bias_regularizer),
            (kernel_constraint, recurrent_constraint, bias_constraint),
            dropout, recurrent_dropout, seed,
        )
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = bool(reset_after)
        self.implementation = implementation
        if self.recurrent_dropout != 0.0:
            self.implementation = 1
        if self.implementation == 1:
            self.dropout_mask_count = 3
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape):
        u = self.units
        self.kernel = cell_weight(self, (input_shape[-1], 3 * u), "kernel", "kernel")
        self.recurrent_kernel = cell_weight(self, (u, 3 * u), "recurrent_kernel", "recurrent")
        if self.use_bias:
            shape = (2, 3 * u) if self.reset_after else (3 * u,)
            self.bias = cell_weight(self, shape, "bias", "bias")
        else:
            self.bias = None
        self.built = True

    def call(self, inputs, states, training=False):
        h_tm1 = states[0] if isinstance(states, (list, tuple)) else states
        u = self.units
        ra, act = self.recurrent_activation, self.activation
        input_bias = recurrent_bias = None
        if self.use_bias:
            if self.reset_after:
                input_bias, recurrent_bias = self.bias[0], self.bias[1]
            else:
                input_bias = self.bias
        if self.implementation == 1:
            dp = self.get_dropout_mask(inputs) if training and 0.0 < self.dropout < 1.0 else None
            xs = [inputs * m for m in dp] if dp is not None else [inputs] * 3
            x = [tf.matmul(xs[k], self.kernel[:, k * u : (k + 1) * u]) for k in range(3)]
            if input_bias is not None:
                x = [xk + input_bias[k * u : (k + 1) * u] for k, xk in enumerate(x)]
            rdp = None
            if training and 0.0 < self.recurrent_dropout < 1.0:
                rdp = self.get_recurrent_dropout_mask(h_tm1)
            hs = [h_tm1 * m for m in rdp] if rdp is not None else [h_tm1] * 3
            rk = [self.recurrent_kernel[:, k * u : (k + 1) * u] for k in range(3)]
            rec_z, rec_r = tf.matmul(hs[0], rk[0]), tf.matmul(hs[1], rk[1])
            if self.reset_after and self.use_bias:
                rec_z = rec_z + recurrent_bias[:u]
                rec_r = rec_r + recurrent_bias[u : 2 * u]
            z = ra(x[0] + rec_z)
            r = ra(x[1] + rec_r)
            if self.reset_after:
                rec_h = tf.matmul(hs[2], rk[2])
                if self.use_bias:
                    rec_h = rec_h + recurrent_bias[2 * u :]
                rec_h = r * rec_h
            else:
                rec_h = tf.matmul(r * hs[2], rk[2])
            hh = act(x[2] + rec_h)
        else:
            if training and 0.0 < self.dropout < 1.0:
                inputs = inputs * self.get_dropout_mask(inputs)
            matrix_x = tf.matmul(inputs, self.kernel)
            if input_bias is not None:
                matrix_x = matrix_x + input_bias
            x_z, x_r, x_h = tf.split(matrix_x, 3, axis=-1)
            if self.reset_after:
                inner = tf.matmul(h_tm1, self.recurrent_kernel)
                if self.use_bias:
                    inner = inner + recurrent_bias
            else:
                inner = tf.matmul(h_tm1, self.recurrent_kernel[:, : 2 * u])
            z = ra(x_z + inner[:, :u])
            r = ra(x_r + inner[:, u : 2 * u])
            if self.reset_after:
                rec_h = r * inner[:, 2 * u :]
            else:
                rec_h = tf.matmul(r * h_tm1, self.recurrent_kernel[:, 2 * u :])
            hh = act(x_h + rec_h)
        h = z * h_tm1 + (1 - z) * hh
        return h, ([h] if isinstance(states, (list, tuple)) else h)

    def get_initial_state(self, batch_size=None):
        return [tf.zeros((batch_size, self.state_size), self._dtype)]

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            **cell_config(self),
            "reset_after": self.reset_after,
            "seed": self.seed,
        }


class GRU(FusedRNN):
    """Gated Recurrent Unit (Cho et al. 2014), Keras 3's.

    Args:
        units: the size of the output and state.
        activation: default tanh; recurrent_activation: default sigmoid.
        use_bias, kernel_initializer, recurrent_initializer, bias_initializer, the
            regularizers and constraints, dropout, recurrent_dropout, seed: as LSTM's.
        reset_after: apply the reset gate after the recurrent matrix product (default True,
            Keras 3's and cuDNN's convention; its bias is then (2, 3 units)).
        return_sequences, return_state, go_backwards, stateful, unroll: as `RNN`'s.
        use_cudnn: accepted ("auto", True or False); there is no GPU.

    With `reset_after=True`, the default activations and no recurrent dropout in training, the
    whole sequence is one fused primitive (`rnn_backend.gru`); otherwise the cell runs step
    by step.
    """

    cell_class = GRUCell

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
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
        seed=None,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        reset_after=True,
        use_cudnn="auto",
        **kwargs,
    ):
        cell = GRUCell(
            units,
            activation=activation,
            recurrent_activation=recurrent_activation,
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
            reset_after=reset_after,
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name="gru_cell",
            seed=seed,
            implementation=kwargs.pop("implementation", 2),
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
        self.use_cudnn = check_use_cudnn(use_cudnn)

    def fused(self, sequences, initial_state, mask):
        cell = self.cell
        return rnn_backend.gru(
            sequences, initial_state[0], mask, kernel=cell.kernel,
            recurrent_kernel=cell.recurrent_kernel, bias=cell.bias, activation=cell.activation,
            recurrent_activation=cell.recurrent_activation,
            return_sequences=self.return_sequences, go_backwards=self.go_backwards,
            reset_after=cell.reset_after, zero_output_for_mask=self.zero_output_for_mask,
        )


