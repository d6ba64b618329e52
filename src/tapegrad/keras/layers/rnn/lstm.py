"""`LSTMCell` and `LSTM` (Hochreiter 1997), with Keras 3's gate order i, f, c, o."""

import tapegrad as tf

from ... import activations, initializers
from ..layer import Layer
from . import rnn_backend
from .cell_utils import cell_config, cell_weight, check_use_cudnn, set_cell_arguments
from .dropout_rnn_cell import DropoutRNNCell
from .fused_rnn import FusedRNN

__all__ = ["LSTM", "LSTMCell"]


class LSTMCell(Layer, DropoutRNNCell):
    """One step of an LSTM (see LSTM for the arguments).

    Weights (Keras's layout, so that they interchange with Keras): `kernel` (input_dim,
    4 units), `recurrent_kernel` (units, 4 units) and `bias` (4 units,), the four blocks being
    the input, forget, cell and output gates. With `unit_forget_bias` the forget block of the
    bias starts at 1.

        z = x @ kernel + h @ recurrent_kernel + bias;  i, f, g, o = split(z, 4)
        c' = sigmoid(f) * c + sigmoid(i) * tanh(g);    h' = sigmoid(o) * tanh(c')
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
        unit_forget_bias=True,
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
        self.unit_forget_bias = bool(unit_forget_bias)
        # As Keras: recurrent dropout computes the gates separately, with a mask per gate.
        self.implementation = 1 if self.recurrent_dropout != 0.0 else implementation
        if self.implementation == 1:
            self.dropout_mask_count = 4
        self.state_size = [self.units, self.units]
        self.output_size = self.units

    def build(self, input_shape):
        u = self.units
        self.kernel = cell_weight(self, (input_shape[-1], 4 * u), "kernel", "kernel")
        self.recurrent_kernel = cell_weight(self, (u, 4 * u), "recurrent_kernel", "recurrent")
        if self.use_bias:
            init = self.bias_initializer
            if self.unit_forget_bias:

                def init(shape, dtype=None, base=self.bias_initializer):
                    ones = initializers.get("ones")
                    return tf.concat(
                        [base((u,), dtype=dtype), ones((u,), dtype=dtype),
                         base((2 * u,), dtype=dtype)],
                        axis=0,
                    )

            self.bias = cell_weight(self, (4 * u,), "bias", "bias", initializer=init)
        else:
            self.bias = None
        self.built = True

    def call(self, inputs, states, training=False):
        h_tm1, c_tm1 = states[0], states[1]
        u = self.units
        ra, act = self.recurrent_activation, self.activation
        if self.implementation == 1:
            dp = self.get_dropout_mask(inputs) if training and 0.0 < self.dropout < 1.0 else None
            xs = [inputs * m for m in dp] if dp is not None else [inputs] * 4
            ks = [self.kernel[:, k * u : (k + 1) * u] for k in range(4)]
            x = [tf.matmul(xk, kk) for xk, kk in zip(xs, ks)]
            if self.use_bias:
                x = [xk + self.bias[k * u : (k + 1) * u] for k, xk in enumerate(x)]
            rdp = None
            if training and 0.0 < self.recurrent_dropout < 1.0:
                rdp = self.get_recurrent_dropout_mask(h_tm1)
            hs = [h_tm1 * m for m in rdp] if rdp is not None else [h_tm1] * 4
            rk = [self.recurrent_kernel[:, k * u : (k + 1) * u] for k in range(4)]
            i = ra(x[0] + tf.matmul(hs[0], rk[0]))
            f = ra(x[1] + tf.matmul(hs[1], rk[1]))
            c = f * c_tm1 + i * act(x[2] + tf.matmul(hs[2], rk[2]))
            o = ra(x[3] + tf.matmul(hs[3], rk[3]))
        else:
            if training and 0.0 < self.dropout < 1.0:
                inputs = inputs * self.get_dropout_mask(inputs)
            z = tf.matmul(inputs, self.kernel)
            z = z + tf.matmul(h_tm1, self.recurrent_kernel)
            if self.use_bias:
                z = z + self.bias
            z0, z1, z2, z3 = tf.split(z, 4, axis=1)
            i, f = ra(z0), ra(z1)
            c = f * c_tm1 + i * act(z2)
            o = ra(z3)
        h = o * act(c)
        return h, [h, c]

    def get_initial_state(self, batch_size=None):
        return [tf.zeros((batch_size, d), self._dtype) for d in self.state_size]

    def get_config(self):
        shared = cell_config(self)
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "use_bias": shared.pop("use_bias"),
            "unit_forget_bias": self.unit_forget_bias,
            **shared,
            "seed": self.seed,
        }


class LSTM(FusedRNN):
    """Long Short-Term Memory layer (Hochreiter 1997), Keras 3's.

    Args:
        units: the size of the output and of each state (h and c).
        activation: default tanh; recurrent_activation: default sigmoid.
        use_bias, unit_forget_bias: whether to add a bias, and start its forget block at 1.
        kernel_initializer, recurrent_initializer, bias_initializer: "glorot_uniform",
            "orthogonal", "zeros".
        kernel_regularizer, recurrent_regularizer, bias_regularizer, activity_regularizer,
        kernel_constraint, recurrent_constraint, bias_constraint: as in Keras.
        dropout, recurrent_dropout: fractions of the inputs and of the recurrent state dropped
            in training (one mask per sequence).
        seed: an integer for repeatable dropout masks.
        return_sequences, return_state, go_backwards, stateful, unroll: as `RNN`'s.
        use_cudnn: accepted ("auto", True or False); there is no GPU.

    With the default activations and no recurrent dropout in training, the whole sequence is
    one fused primitive: one matrix product for the inputs of every step, and one per step for
    all four gates (`rnn_backend.lstm`). Otherwise the cell runs step by step.

    Example:
        >>> lstm = keras.layers.LSTM(4, return_sequences=True, return_state=True)
        >>> seq, h, c = lstm(np.random.random((32, 10, 8)))
        >>> seq.shape, h.shape, c.shape
        ((32, 10, 4), (32, 4), (32, 4))
    """

    cell_class = LSTMCell

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        unit_forget_bias=True,
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
        use_cudnn="auto",
        **kwargs,
    ):
        cell = LSTMCell(
            units,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            unit_forget_bias=unit_forget_bias,
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
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name="lstm_cell",
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
        return rnn_backend.lstm(
            sequences, initial_state[0], initial_state[1], mask, kernel=cell.kernel,
            recurrent_kernel=cell.recurrent_kernel, bias=cell.bias, activation=cell.activation,
            recurrent_activation=cell.recurrent_activation,
            return_sequences=self.return_sequences, go_backwards=self.go_backwards,
            zero_output_for_mask=self.zero_output_for_mask,
        )


