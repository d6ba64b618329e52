"""The loops behind the recurrent layers, as Keras 3's TensorFlow backend has them: `rnn`, the
generic loop over any cell's step function, and `lstm`, `gru` and `simple_rnn`, the fused
recurrences of Keras's own cells.

`rnn` runs the step function once per time step in tapegrad ops, so any cell (a custom one,
stacked cells) is differentiable to any order. Its inputs are split into steps by halving the
sequence recursively, not by T slices of the whole: the gradient of the input is then
assembled in log2(T) levels instead of T full-size additions, so backpropagation through a
long sequence stays (nearly) linear.

The fused functions make the input projections of all steps one matrix product and hand the
recurrence to `recurrent_scan` (tapegrad/ops/recurrent.py), one primitive for the whole
sequence. They raise NotImplementedError where the cell's configuration is not the one the
primitive computes (activations other than tanh and sigmoid, `reset_after=False`), and the
layer falls back to `rnn`, as Keras's layers fall back from cuDNN.

The layers use this one internal op (there is no TensorFlow name for a fused recurrence),
as Keras 3's TensorFlow backend calls TensorFlow's internal cuDNN ops.
"""

import tapegrad as tf
from tapegrad.ops import recurrent as _recurrent

from ... import activations
from ...tree import flatten, pack_sequence_as

__all__ = ["gru", "lstm", "rnn", "simple_rnn", "unstack_time"]


def unstack_time(x):
    """The slices `x[t]` of a time-major tensor, taken by recursive halving (see the module
    docstring)."""
    steps = x.shape[0]
    if steps <= 2:
        return [x[t] for t in range(steps)]
    half = steps // 2
    return unstack_time(x[:half]) + unstack_time(x[half:])


def _time_major(x):
    return tf.transpose(x, [1, 0] + list(range(2, x.ndim)))


def _expand_like(mask_t, value):
    """A (B,) mask as (B, 1, ...) to select rows of `value`."""
    return tf.reshape(mask_t, tuple(mask_t.shape) + (1,) * (value.ndim - 1))


def rnn(
    step_function,
    inputs,
    initial_states,
    go_backwards=False,
    mask=None,
    constants=None,
    unroll=False,
    input_length=None,
    time_major=False,
    zero_output_for_mask=False,
    return_all_outputs=True,
):
    """Runs `step_function(input_t, states) -> (output_t, new_states)` over the time axis.

    As Keras's `backend.rnn`: with a mask, a skipped step keeps the states and repeats the
    previous output (zeros before the first step, or always zeros with
    `zero_output_for_mask`); with `go_backwards` the steps run from the last and the outputs
    come in that (reversed) order.

    Returns:
        (last_output, outputs, new_states), outputs batch-major (time-major with
        `time_major`), of one step only unless `return_all_outputs`.
    """
    flat_inputs = flatten(inputs)
    if not time_major:
        flat_inputs = [_time_major(x) for x in flat_inputs]
    steps = [unstack_time(x) for x in flat_inputs]
    length = len(steps[0])
    if length == 0:
        raise ValueError("rnn: the input sequence has no time steps (a time axis of size 0).")
    if go_backwards:
        steps = [s[::-1] for s in steps]
    masks = None
    if mask is not None:
        mask = tf.cast(mask, tf.bool)
        if mask.ndim == 3:  # (batch, time, 1)
            mask = tf.squeeze(mask, -1)
        masks = unstack_time(mask if time_major else tf.transpose(mask))
        if go_backwards:
            masks = masks[::-1]
    states = tuple(initial_states)
    constants = tuple(constants or ())
    outputs, previous = [], None
    for t in range(length):
        step_input = pack_sequence_as(inputs, [s[t] for s in steps])
        output, new_states = step_function(step_input, states + constants)
        if masks is not None:
            keep = masks[t]
            flat_out = flatten(output)
            if previous is None or zero_output_for_mask:
                fallback = [tf.zeros_like(o) for o in flat_out]
            else:
                fallback = flatten(previous)
            output = pack_sequence_as(
                output,
                [tf.where(_expand_like(keep, o), o, f) for o, f in zip(flat_out, fallback)],
            )
            flat_new = [
                tf.where(_expand_like(keep, n), n, s)
                for n, s in zip(flatten(new_states), flatten(states))
            ]
            new_states = pack_sequence_as(new_states, flat_new)
        states = tuple(new_states) if isinstance(new_states, (list, tuple)) else (new_states,)
        previous = output
        if return_all_outputs:
            outputs.append(output)
    if not return_all_outputs:
        outputs = [previous]
    last_output = previous
    axis = 0 if time_major else 1
    flat_seq = [tf.stack(list(parts), axis=axis) for parts in zip(*[flatten(o) for o in outputs])]
    return last_output, pack_sequence_as(previous, flat_seq), list(states)


# -- fused recurrences --------------------------------------------------------------------------


def _supported(activation, recurrent_activation=None):
    if activation is not activations.tanh:
        raise NotImplementedError
    if recurrent_activation is not None and recurrent_activation is not activations.sigmoid:
        raise NotImplementedError


def _scan(cell, inputs, state0, mask, kernel, bias, recurrent_kernel, recurrent_bias, units,
          go_backwards, return_sequences, zero_output_for_mask):
    """Projects all steps at once, runs the fused recurrence and returns Keras's
    (last_output, outputs, final state tensor of the scan)."""
    x = _time_major(inputs)
    if go_backwards:
        x = tf.reverse(x, [0])
    steps, batch = x.shape[0], x.shape[1]
    # One 2-D product for every step (a 3-D one would be a product per step, and its kernel
    # gradient a sum of per-step products).
    z = tf.matmul(tf.reshape(x, (steps * batch, x.shape[2])), kernel)
    if bias is not None:
        z = z + bias
    z = tf.reshape(z, (steps, batch, z.shape[-1]))
    if mask is None:
        mask_t = tf.constant(True)
    else:
        mask_t = tf.transpose(tf.cast(mask, tf.bool))
        if go_backwards:
            mask_t = tf.reverse(mask_t, [0])
    extra = [] if recurrent_bias is None else [recurrent_bias]
    out = _recurrent.recurrent_scan(mask_t, z, state0, recurrent_kernel, *extra, cell=cell)
    if mask is None and not return_sequences:
        # Only the last output: one slice of the scan (its gradient is one scatter).
        last_output = out[-1, :, :units]
        return last_output, tf.expand_dims(last_output, 1), out[-1]
    h_seq = out[:, :, :units]
    if mask is not None:
        # Keras's outputs for skipped steps: the previous output (zeros before the first step
        # taken), or zeros with zero_output_for_mask. The states carry over either way.
        if zero_output_for_mask:
            taken = mask_t
        else:
            taken = tf.math.cumsum(tf.cast(mask_t, tf.int32), axis=0) > 0
        h_seq = tf.where(tf.expand_dims(taken, -1), h_seq, tf.zeros_like(h_seq))
    last_output = h_seq[-1]
    outputs = _time_major(h_seq) if return_sequences else tf.expand_dims(last_output, 1)
    return last_output, outputs, out[-1]


def lstm(inputs, initial_state_h, initial_state_c, mask, kernel, recurrent_kernel, bias,
         activation, recurrent_activation, return_sequences=False, go_backwards=False,
         zero_output_for_mask=False):
    """Keras's LSTM (gates i, f, c, o) over a whole batch-major sequence.

    Returns:
        (last_output, outputs, [h, c]).

    Raises:
        NotImplementedError: for activations other than tanh and sigmoid.
    """
    _supported(activation, recurrent_activation)
    units = recurrent_kernel.shape[0]
    state0 = tf.concat([initial_state_h, initial_state_c], axis=1)
    last, outputs, final = _scan(
        "lstm", inputs, state0, mask, kernel, bias, recurrent_kernel, None, units,
        go_backwards, return_sequences, zero_output_for_mask,
    )
    return last, outputs, [final[:, :units], final[:, units : 2 * units]]


def gru(inputs, initial_state, mask, kernel, recurrent_kernel, bias, activation,
        recurrent_activation, return_sequences=False, go_backwards=False, reset_after=True,
        zero_output_for_mask=False):
    """Keras's GRU (gates z, r, h) with `reset_after=True` over a whole sequence.

    Returns:
        (last_output, outputs, [h]).

    Raises:
        NotImplementedError: for `reset_after=False` or other activations.
    """
    _supported(activation, recurrent_activation)
    if not reset_after:
        raise NotImplementedError
    units = recurrent_kernel.shape[0]
    if bias is None:
        input_bias = None
        recurrent_bias = tf.zeros((3 * units,), recurrent_kernel.dtype)
    else:
        input_bias, recurrent_bias = bias[0], bias[1]
    last, outputs, final = _scan(
        "gru", inputs, initial_state, mask, kernel, input_bias, recurrent_kernel,
        recurrent_bias, units, go_backwards, return_sequences, zero_output_for_mask,
    )
    return last, outputs, [final[:, :units]]


def simple_rnn(inputs, initial_state, mask, kernel, recurrent_kernel, bias, activation,
               return_sequences=False, go_backwards=False, zero_output_for_mask=False):
    """Keras's SimpleRNN (tanh) over a whole sequence.

    Returns:
        (last_output, outputs, [h]).

    Raises:
        NotImplementedError: for an activation other than tanh.
    """
    _supported(activation)
    units = recurrent_kernel.shape[0]
    last, outputs, final = _scan(
        "simple", inputs, initial_state, mask, kernel, bias, recurrent_kernel, None, units,
        go_backwards, return_sequences, zero_output_for_mask,
    )
    return last, outputs, [final]
