"""Keras 3's exponential moving average of the trained variables (`use_ema=True`).

After each update, in the variables' dtype and Keras's order of operations:

    momentum = ema_momentum, or 0 on the first step (the average starts at the variable)
    average  = momentum * average + (1 - momentum) * variable

and every `ema_overwrite_frequency` steps, and at the end of `fit`, the variables take their
averages' values.
"""

import numpy as np


def check_ema_arguments(ema_momentum, ema_overwrite_frequency):
    """Raises ValueError, as Keras, for a momentum outside [0, 1] or a frequency that is not an
    integer >= 1 (or None)."""
    if ema_momentum > 1 or ema_momentum < 0:
        raise ValueError(
            f"`ema_momentum` must be in the range [0, 1]. Received: ema_momentum={ema_momentum}")
    if ema_overwrite_frequency and (
        not isinstance(ema_overwrite_frequency, int) or ema_overwrite_frequency < 1
    ):
        raise ValueError(
            "`ema_overwrite_frequency` must be an integer >= 1 or None. Received: "
            f"ema_overwrite_frequency={ema_overwrite_frequency}")


def update_moving_averages(optimizer):
    """One step of the averages of all the variables the optimizer was built on; then, every
    `ema_overwrite_frequency` steps, the variables replaced by them. `iterations` is the step's
    index (not yet advanced)."""
    step = int(optimizer.iterations)
    for variable, average in zip(optimizer._trainable_variables,
                                 optimizer._model_variables_moving_average):
        if average is None:  # a variable that is not floating point has no slot
            continue
        t = variable.dtype.as_numpy_dtype
        momentum = t(step != 0) * t(optimizer.ema_momentum)
        average.assign(momentum * np.asarray(average) + (t(1) - momentum) * np.asarray(variable))
    frequency = optimizer.ema_overwrite_frequency
    if frequency and (step + 1) % frequency == 0:
        overwrite_with_averages(optimizer, optimizer._trainable_variables)


def overwrite_with_averages(optimizer, variables):
    """Sets each variable to its moving average.

    Raises:
        ValueError: if `variables` is not as long as the list the optimizer was built on.
    """
    averages = optimizer._model_variables_moving_average
    variables = list(variables)
    if len(variables) != len(averages):
        raise ValueError(
            f"The length of model variables ({len(variables)}) to override does not match the "
            f"length of model variables stored in the optimizer ({len(averages)}). Please "
            "check if the optimizer was called on your model.")
    for variable, average in zip(variables, averages):
        if average is not None:
            variable.assign(average)
