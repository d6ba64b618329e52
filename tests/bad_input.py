"""The shared check of the bad-input tables (tests/test_bad_inputs_*.py).

A bad call must raise the error class TensorFlow or Keras raises, with a message that names the
operation and the offending shape, dtype or value, never a raw NumPy or Python message.
"""

import pytest

# Fragments of messages that only NumPy or the interpreter write: seeing one means an error
# leaked through without being caught and explained.
RAW_FRAGMENTS = (
    "allow_pickle",
    "setting an array element with a sequence",
    "inhomogeneous shape",
    "object of type 'NoneType'",
    "object is not subscriptable",
    "unsupported operand type",
    "list indices must be integers",
    "'NoneType' object",
    "takes exactly",
    "positional argument",
)


def assert_clear_error(call, error, *mentions):
    """Runs `call()` and checks that it raises `error` whose message contains each of `mentions`
    (case-insensitive) and no raw NumPy or Python fragment. Returns the exception."""
    with pytest.raises(error) as info:
        call()
    err = info.value
    module = type(err).__module__ or ""
    assert not module.startswith("numpy"), f"raw NumPy exception {type(err).__name__}: {err}"
    message = str(err)
    lowered = message.lower()
    for fragment in RAW_FRAGMENTS:
        assert fragment.lower() not in lowered, f"raw message leaked: {message!r}"
    for want in mentions:
        assert str(want).lower() in lowered, f"{want!r} not named in: {message!r}"
    return err
