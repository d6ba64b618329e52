"""Which calls of a Python function traced, for TensorFlow's warning about frequent retracing."""

import warnings
import weakref

__all__ = ["NoHistory", "tracing_history"]

# TensorFlow's FREQUENT_TRACING_WARNING_MAX_CALL_HISTORY, _THRESHOLD and
# _MAX_WARNING_PER_DETECTOR (polymorphic_function.py), and its message.
_HISTORY, _THRESHOLD, _MAX_WARNINGS = 10, 5, 2
_RETRACING = (
    "{} out of the last {} calls to {} triggered tf.function retracing. Tracing is expensive "
    "and the excessive number of tracings could be due to (1) creating @tf.function repeatedly "
    "in a loop, (2) passing tensors with different shapes, (3) passing Python objects instead "
    "of tensors. For (1), please define your @tf.function outside of the loop. For (2), "
    "@tf.function has reduce_retracing=True option that can avoid unnecessary retracing. For "
    "(3), please refer to https://www.tensorflow.org/guide/function#controlling_retracing and "
    "https://www.tensorflow.org/api_docs/python/tf/function for  more details."
)


class _TracingHistory:
    """Which of the recent calls of one Python function traced (TensorFlow's
    `_FrequentTracingDetector`): warns when 5 of the last 10 or so calls did, twice at most.

    Shared by every Function made from the same code, so that a tf.function created anew in
    a loop is caught too. Calls that replay only bump `untraced` (the hot path); they are
    folded into the window at the next tracing call.
    """

    __slots__ = ("calls", "calls_per_tracing", "untraced", "warned")

    def __init__(self):
        self.calls_per_tracing = []  # per recent tracing call: it and the replays after it
        self.calls = 0
        self.untraced = 0
        self.warned = 0

    def traced(self, function):
        if self.untraced:
            if not self.calls_per_tracing:
                self.calls_per_tracing.append(0)
            self.calls_per_tracing[-1] += self.untraced
            self.calls += self.untraced
            self.untraced = 0
        self.calls += 1
        self.calls_per_tracing.append(1)
        while self.calls_per_tracing and self.calls - self.calls_per_tracing[0] > _HISTORY:
            self.calls -= self.calls_per_tracing.pop(0)
        if self.warned < _MAX_WARNINGS and len(self.calls_per_tracing) >= _THRESHOLD:
            self.warned += 1
            warnings.warn(_RETRACING.format(len(self.calls_per_tracing), self.calls, function),
                          stacklevel=3)


_HISTORIES = weakref.WeakKeyDictionary()  # the Python function's code -> _TracingHistory


def tracing_history(fn):
    """The history shared by every Function of `fn`'s code (TensorFlow's call-stats key)."""
    target = fn
    while hasattr(target, "__wrapped__"):
        target = target.__wrapped__
    target = getattr(target, "__func__", target)
    key = getattr(target, "__code__", target)
    try:
        history = _HISTORIES.get(key)
        if history is None:
            history = _HISTORIES[key] = _TracingHistory()
    except TypeError:  # neither hashable nor weakly referenceable: a history of its own
        history = _TracingHistory()
    return history


class NoHistory:
    """The tracing history of a function that never warns about retracing."""

    __slots__ = ("untraced",)

    def __init__(self):
        self.untraced = 0

    def traced(self, function):
        self.untraced = 0
