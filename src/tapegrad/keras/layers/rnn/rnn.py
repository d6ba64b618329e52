"""`RNN`: a recurrent layer around any cell (Keras 3's `keras.layers.RNN`)."""

import tapegrad as tf

from ...tree import flatten
from ...variables import KerasVariable
from .. import layer_config
from ..arguments import check_rank
from ..masking_utils import propagates_only
from ..layer import _CTX, Layer
from ..nested import deserialize_layer, serialize_layer
from . import rnn_backend
from .dropout_rnn_cell import DropoutRNNCell
from .stacked_rnn_cells import StackedRNNCells

__all__ = ["RNN"]


def _is_nested(x):
    return isinstance(x, (list, tuple))


class RNN(Layer):
    """Runs a cell over the time axis of a `(batch, timesteps, features)` input.

    A cell is any object with `call(inputs_t, states) -> (output_t, new_states)` and
    `state_size` (an int, or a list with one entry per state), optionally `output_size` and
    `get_initial_state(batch_size)`; a list of cells is stacked (`StackedRNNCells`).

    Args:
        cell: the cell, or a list of cells.
        return_sequences: return the output of every step (batch, timesteps, units) instead
            of the last one.
        return_state: also return the final states: `[output, *states]`.
        go_backwards: process the sequence from its end, and return the outputs in that
            (reversed) order.
        stateful: the final states of a batch are the initial states of the next
            (`reset_state()` zeroes them); needs a fixed batch size.
        unroll: accepted for Keras's signature (the loop is always a Python loop over the
            steps, which is what unrolling means; a sequence of unknown length is fine).
        zero_output_for_mask: the output of a masked step is zeros instead of the previous
            output.

    Call arguments: `sequences`, `initial_state` (a tensor or list of them), `mask` ((batch,
    timesteps) booleans; a mask carried by the input is used), `training`.
    """

    # The states of a stateful layer are Variables, but not the layer's weights (as Keras).
    _untracked_attributes = frozenset({"states"})

    def __init__(
        self,
        cell,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        zero_output_for_mask=False,
        **kwargs,
    ):
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if "call" not in dir(cell):
            raise ValueError(f"Argument `cell` should have a `call` method. Received: cell={cell}")
        if "state_size" not in dir(cell):
            raise ValueError(
                "The RNN cell should have a `state_size` attribute (single integer or list of "
                f"integers, one integer per RNN state). Received: cell={cell}"
            )
        super().__init__(**kwargs)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.supports_masking = True
        self.states = None
        self._expected_batch_size = None
        state_size = getattr(cell, "state_size", None)
        if state_size is None:
            raise ValueError("state_size must be specified as property on the RNN cell.")
        if not isinstance(state_size, (list, tuple, int)):
            raise ValueError(
                "state_size must be an integer, or a list/tuple of integers (one for each state "
                "tensor)."
            )
        self.single_state = isinstance(state_size, int)
        self.state_size = [state_size] if self.single_state else list(state_size)

    # -- shapes and masks -------------------------------------------------------------------
    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch, length = sequences_shape[0], sequences_shape[1]
        states = []
        for size in self.state_size:
            if isinstance(size, int):
                states.append((batch, size))
            else:
                states.append([(batch, s) for s in size])
        output_size = getattr(self.cell, "output_size", None)
        if output_size is None:
            output_size = self.state_size[0]
        if not isinstance(output_size, int):
            raise ValueError("output_size must be an integer.")
        shape = (batch, length, output_size) if self.return_sequences else (batch, output_size)
        return (shape, *states) if self.return_state else shape

    @propagates_only
    def compute_mask(self, inputs, previous_mask):
        mask = flatten(previous_mask)[0] if _is_nested(previous_mask) else previous_mask
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None for _ in self.state_size]
        return output_mask

    # -- building and state -----------------------------------------------------------------
    def build(self, sequences_shape, initial_state_shape=None):
        if _is_nested(sequences_shape) and sequences_shape and _is_nested(sequences_shape[0]):
            sequences_shape = sequences_shape[0]
        step_shape = (sequences_shape[0],) + tuple(sequences_shape[2:])
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell.build(step_shape)
            self.cell.built = True
        if self.stateful:
            if self.states is not None:
                self.reset_state()
            else:
                if sequences_shape[0] is None:
                    raise ValueError(
                        "When using `stateful=True` in a RNN, the batch size must be static. "
                        f"Found dynamic batch size: sequence.shape={tuple(sequences_shape)}"
                    )
                self._create_state_variables(sequences_shape[0])
        self.built = True

    def _create_state_variables(self, batch_size):
        states = []
        for value in flatten(self.get_initial_state(batch_size)):
            states.append(
                KerasVariable(
                    value,
                    None,
                    "rnn_state",
                    layer_config.variable_path(self, "rnn_state"),
                    trainable=False,
                    autocast=False,
                )
            )
        self.states = states
        self._expected_batch_size = batch_size

    def get_initial_state(self, batch_size):
        """The cell's initial states for a batch: its `get_initial_state`, else zeros."""
        fn = getattr(self.cell, "get_initial_state", None)
        if fn is None:
            return [tf.zeros((batch_size, d), self._dtype) for d in self.state_size]
        init = fn(batch_size=batch_size)
        return list(init) if _is_nested(init) else [init]

    def reset_state(self):
        """Zeroes the states of a stateful layer."""
        if self.states is not None:
            for v in self.states:
                v.assign(tf.zeros_like(v))

    def reset_states(self):
        """Compatibility alias of `reset_state`."""
        self.reset_state()

    # -- the loop ---------------------------------------------------------------------------
    def inner_loop(self, sequences, initial_state, mask, training=False):
        """Runs the cell over the sequence: (last_output, outputs, states)."""
        cell = self.cell
        kwargs = {}
        if _call_takes(cell, "training"):
            kwargs["training"] = training
        call = cell if callable(cell) else cell.call

        def step(inputs, states):
            output, new_states = call(inputs, list(states), **kwargs)
            if not _is_nested(new_states):
                new_states = [new_states]
            return output, new_states

        return rnn_backend.rnn(
            step,
            sequences,
            initial_state,
            go_backwards=self.go_backwards,
            mask=mask,
            unroll=self.unroll,
            zero_output_for_mask=self.zero_output_for_mask,
            return_all_outputs=self.return_sequences,
        )

    def call(self, sequences, initial_state=None, mask=None, training=False):
        first = flatten(sequences)[0]
        batch = first.shape[0]
        if initial_state is None:
            initial_state = self.states if self.stateful else self.get_initial_state(batch)
        if self.stateful and self._expected_batch_size not in (None, batch):
            raise ValueError(
                "If an RNN is stateful, the batch size of the input sequences must be the same "
                f"as the batch size of the initial state. \n- Expected batch size: "
                f"{self._expected_batch_size}\n- Received batch size: {batch}"
            )
        if not _is_nested(initial_state):
            initial_state = [initial_state]
        initial_state = [
            tf.cast(tf.convert_to_tensor(s), self._dtype) if not _is_nested(s) else s
            for s in initial_state
        ]
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        try:
            last_output, outputs, states = self.inner_loop(
                sequences, initial_state, mask, training=bool(training)
            )
        finally:
            _reset_dropout_masks(self.cell)
        if self.stateful and not _CTX.symbolic:
            for variable, state in zip(self.states, flatten(states)):
                variable.assign(state)
        output = outputs if self.return_sequences else last_output
        if self.return_state:
            return (output, *states)
        return output

    def _check_rank(self, sequences):
        check_rank(self, sequences, 3)

    # -- configuration ----------------------------------------------------------------------
    def get_config(self):
        return {
            **super().get_config(),
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
            "cell": serialize_layer(self.cell),
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        cell = deserialize_layer(config.pop("cell"), custom_objects)
        return cls(cell, **config)


def _call_takes(cell, name):
    import inspect

    call = getattr(cell, "call", None)
    try:
        return name in inspect.signature(call).parameters
    except (TypeError, ValueError):
        return False


def _reset_dropout_masks(cell):
    if isinstance(cell, DropoutRNNCell):
        cell.reset_dropout_mask()
        cell.reset_recurrent_dropout_mask()
    if isinstance(cell, StackedRNNCells):
        for c in cell.cells:
            _reset_dropout_masks(c)
