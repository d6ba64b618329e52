"""`keras.utils.timeseries_dataset_from_array`: sliding windows over an array as a tf.data
Dataset, as Keras 3 builds them (keras/src/utils/timeseries_dataset_utils.py)."""

import numpy as np

__all__ = ["timeseries_dataset_from_array"]


def _check(data, sequence_stride, sampling_rate, start_index, end_index):
    # Keras's checks, in Keras's order and words; like Keras, `start_index=0` and
    # `end_index=0` are not checked (they read as "not given").
    n = len(data)
    if start_index:
        if start_index < 0:
            raise ValueError("timeseries_dataset_from_array: `start_index` must be 0 or "
                             f"greater. Received: start_index={start_index}")
        if start_index >= n:
            raise ValueError("timeseries_dataset_from_array: `start_index` must be lower than "
                             f"the length of the data. Received: start_index={start_index}, "
                             f"for data of length {n}")
    if end_index:
        if start_index and end_index <= start_index:
            raise ValueError("timeseries_dataset_from_array: `end_index` must be higher than "
                             f"`start_index`. Received: start_index={start_index}, and "
                             f"end_index={end_index}")
        if end_index >= n:
            raise ValueError("timeseries_dataset_from_array: `end_index` must be lower than "
                             f"the length of the data. Received: end_index={end_index}, for "
                             f"data of length {n}")
        if end_index <= 0:
            raise ValueError("timeseries_dataset_from_array: `end_index` must be higher than "
                             f"0. Received: end_index={end_index}")
    for name, value in (("sampling_rate", sampling_rate), ("sequence_stride", sequence_stride)):
        if value <= 0:
            raise ValueError(f"timeseries_dataset_from_array: `{name}` must be higher than 0. "
                             f"Received: {name}={value}")
        if value >= n:
            raise ValueError(f"timeseries_dataset_from_array: `{name}` must be lower than the "
                             f"length of the data. Received: {name}={value}, for data of "
                             f"length {n}")


def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1,
                                  sampling_rate=1, batch_size=128, shuffle=False, seed=None,
                                  start_index=None, end_index=None):
    """Creates a dataset of sliding windows over a timeseries given as an array.

    Window `j` holds `data[s + p_j], data[s + p_j + r], ..., data[s + p_j + (L - 1) * r]`
    with `s = start_index`, `r = sampling_rate`, `L = sequence_length` and
    `p_j = j * sequence_stride`; its target is `targets[s + p_j]`. Windows that would reach
    past `end_index` are dropped.

    Args:
        data: an array or tensor of consecutive time steps (axis 0 is time).
        targets: the target of the window starting at each index, or None (the dataset then
            yields windows only).
        sequence_length: the number of time steps in each window.
        sequence_stride: the step between the starts of consecutive windows.
        sampling_rate: the step between time steps within a window.
        batch_size: windows per batch (the last batch may be smaller); None for single
            windows.
        shuffle: draw the windows in random order instead of chronologically.
        seed: the shuffling seed (an int).
        start_index, end_index: use only `data[start_index:end_index]`.

    Returns:
        A `tf.data.Dataset` of windows, or of `(windows, targets)` pairs when `targets` is
        given.

    Raises:
        ValueError: a stride, rate or index out of range (Keras's checks).
    """
    from .. import data as tf_data
    from .. import expand_dims, gather, minimum

    _check(data, sequence_stride, sampling_rate, start_index, end_index)
    start_index = 0 if start_index is None else start_index
    end_index = len(data) if end_index is None else end_index
    num_seqs = end_index - start_index - (sequence_length - 1) * sampling_rate
    if targets is not None:
        num_seqs = min(num_seqs, len(targets))
    index_dtype = "int32" if num_seqs < 2147483647 else "int64"
    start_positions = np.arange(0, num_seqs, sequence_stride, dtype=index_dtype)
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(start_positions)
    # Keras gathers `tf.range(p, p + L * r, r)` per window; adding the fixed offsets to `p`
    # gives the same indices with a static window length.
    offsets = np.arange(0, sequence_length * sampling_rate, sampling_rate, dtype=index_dtype)
    steps = data[start_index:end_index]
    target_steps = None if targets is None else targets[start_index:end_index]
    if not len(start_positions):
        # No window fits: empty slices of the right shapes (there is no position to map).
        windows = gather(steps, np.zeros((0, len(offsets)), index_dtype))
        dataset = tf_data.Dataset.from_tensor_slices(windows if targets is None else (
            windows, gather(target_steps, start_positions)))
    else:
        # tf.data learns the element shape from dry runs at made-up positions (1 and 2), which
        # may lie past the last window: clamped to it (a no-op at every real position).
        last = int(start_positions.max())

        def window(p):
            return gather(steps, minimum(p, last) + offsets)

        def window_and_target(p):
            # a scalar index would make the dry runs see an unknown shape: one row, indexed
            return window(p), gather(target_steps, expand_dims(minimum(p, last), 0))[0]

        dataset = tf_data.Dataset.from_tensor_slices(start_positions).map(
            window if targets is None else window_and_target)
    if batch_size is not None:
        if shuffle:
            # Keras shuffles locally again at each iteration.
            dataset = dataset.shuffle(buffer_size=batch_size * 8, seed=seed)
        dataset = dataset.batch(batch_size)
    elif shuffle:
        dataset = dataset.shuffle(buffer_size=1024, seed=seed)
    return dataset
