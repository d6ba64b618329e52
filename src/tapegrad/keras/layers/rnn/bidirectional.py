"""`Bidirectional`: a recurrent layer run forwards and a copy run backwards, merged."""

import copy

import tapegrad as tf

from ..layer import Layer
from ..masking_utils import propagates_only
from ..nested import deserialize_layer, serialize_layer

__all__ = ["Bidirectional"]

_MERGE_MODES = ("sum", "mul", "ave", "concat", None)


def _renamed(layer, prefix, go_backwards=None):
    """A fresh layer of `layer`'s config, named `<prefix>_<name>` (Keras's copies)."""
    config = serialize_layer(layer)
    name = layer.name
    if name.startswith(prefix + "_"):
        name = name[len(prefix) + 1 :]
    config["config"]["name"] = f"{prefix}_{name}"
    if go_backwards is not None:
        config["config"]["go_backwards"] = go_backwards
    return deserialize_layer(config)


class Bidirectional(Layer):
    """Runs a recurrent layer over the sequence and a copy of it over the reversed sequence,
    and merges their outputs.

    Args:
        layer: an RNN layer (LSTM, GRU, SimpleRNN, RNN); Bidirectional uses a fresh copy of
            its config as the forward layer ("forward_<name>").
        merge_mode: "concat" (default), "sum", "mul", "ave" or None (a list of both outputs).
        weights: initial weights, the forward layer's then the backward layer's.
        backward_layer: the layer for the reversed sequence (default a copy of `layer` with
            `go_backwards=True`, "backward_<name>").

    The backward outputs of a sequence are flipped back into time order before merging. With
    masks, both layers give zeros for masked steps (Keras sets `zero_output_for_mask` to
    `return_sequences`). With `return_state`, the result is `[output, *forward_states,
    *backward_states]`.
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                "Please initialize `Bidirectional` layer with a `keras.layers.Layer` instance. "
                f"Received: {layer}"
            )
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(
                "`backward_layer` need to be a `keras.layers.Layer` instance. Received: "
                f"{backward_layer}"
            )
        if merge_mode not in _MERGE_MODES:
            raise ValueError(
                f"Invalid merge mode. Received: {merge_mode}. Merge mode should be one of "
                '{"sum", "mul", "ave", "concat", None}'
            )
        super().__init__(**kwargs)
        self.forward_layer = _renamed(layer, "forward")
        if backward_layer is None:
            backward_layer = _renamed(layer, "backward", go_backwards=True)
        self.backward_layer = backward_layer
        if hasattr(layer, "use_cudnn"):
            self.forward_layer.use_cudnn = layer.use_cudnn
            self.backward_layer.use_cudnn = layer.use_cudnn
        self._verify_layer_config()
        for lay in (self.forward_layer, self.backward_layer):
            if getattr(lay, "zero_output_for_mask", None) is not None:
                lay.zero_output_for_mask = lay.return_sequences
        self.merge_mode = merge_mode
        self._initial_weights = weights
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True

    def _verify_layer_config(self):
        fwd, bwd = self.forward_layer, self.backward_layer
        if fwd.go_backwards == bwd.go_backwards:
            raise ValueError(
                "Forward layer and backward layer should have different `go_backwards` value. "
                f"Received: forward_layer.go_backwards {fwd.go_backwards}, "
                f"backward_layer.go_backwards={bwd.go_backwards}"
            )
        for a in ("stateful", "return_sequences", "return_state"):
            if getattr(fwd, a) != getattr(bwd, a):
                raise ValueError(
                    "Forward layer and backward layer are expected to have the same value for "
                    f'attribute "{a}", got "{getattr(fwd, a)}" for forward layer and '
                    f'"{getattr(bwd, a)}" for backward layer'
                )

    def build(self, sequences_shape, initial_state_shape=None):
        if not self.forward_layer.built:
            self.forward_layer.build(sequences_shape)
            self.forward_layer.built = True
        if not self.backward_layer.built:
            self.backward_layer.build(sequences_shape)
            self.backward_layer.built = True
        self.built = True
        weights, self._initial_weights = self._initial_weights, None
        if weights:
            half = len(weights) // 2
            self.forward_layer.set_weights(weights[:half])
            self.backward_layer.set_weights(weights[half:])

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        shape = self.forward_layer.compute_output_shape(sequences_shape)
        states = ()
        if self.return_state:
            shape, states = shape[0], tuple(shape[1:])
        if self.merge_mode == "concat":
            shape = tuple(shape[:-1]) + (shape[-1] * 2,)
        elif self.merge_mode is None:
            shape = [tuple(shape), tuple(shape)]
        if self.return_state:
            if self.merge_mode is None:
                return tuple(shape) + states + states
            return (tuple(shape),) + states + states
        return tuple(shape) if self.merge_mode is not None else shape

    def call(self, sequences, initial_state=None, mask=None, training=None):
        kwargs = {"training": training, "mask": mask}
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = initial_state[:half], initial_state[half:]
        y = self.forward_layer(sequences, initial_state=forward_state, **kwargs)
        y_rev = self.backward_layer(sequences, initial_state=backward_state, **kwargs)
        states = ()
        if self.return_state:
            states = tuple(y[1:]) + tuple(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = tf.reverse(y_rev, [1])
        if self.merge_mode == "concat":
            output = tf.concat([y, y_rev], axis=-1)
        elif self.merge_mode == "sum":
            output = y + y_rev
        elif self.merge_mode == "ave":
            output = (y + y_rev) / 2
        elif self.merge_mode == "mul":
            output = y * y_rev
        else:
            output = (y, y_rev)
        if self.return_state:
            if self.merge_mode is None:
                return output + states
            return (output, *states)
        return output

    def reset_state(self):
        if not self.stateful:
            raise AttributeError("Layer must be stateful.")
        self.forward_layer.reset_state()
        self.backward_layer.reset_state()

    def reset_states(self):
        self.reset_state()

    @property
    def states(self):
        if self.forward_layer.states and self.backward_layer.states:
            return tuple(self.forward_layer.states + self.backward_layer.states)
        return None

    @propagates_only
    def compute_mask(self, inputs, previous_mask):
        mask = previous_mask[0] if isinstance(previous_mask, list) else previous_mask
        if self.return_sequences:
            output_mask = (mask, mask) if not self.merge_mode else mask
        else:
            output_mask = (None, None) if not self.merge_mode else None
        if self.return_state and self.states is not None:
            state_mask = (None,) * len(self.states)
            if isinstance(output_mask, tuple):
                return output_mask + state_mask * 2
            return (output_mask,) + state_mask * 2
        return output_mask

    def get_config(self):
        return {
            **super().get_config(),
            "merge_mode": self.merge_mode,
            "layer": serialize_layer(self.forward_layer),
            "backward_layer": serialize_layer(self.backward_layer),
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = copy.deepcopy(config)
        config["layer"] = deserialize_layer(config["layer"], custom_objects)
        backward = config.pop("backward_layer", None)
        if backward is not None:
            config["backward_layer"] = deserialize_layer(backward, custom_objects)
        return cls(**config)
