"""Per-thread differentiation state: the tapes and forward accumulators that are active.

Each thread has its own stacks, as in TensorFlow. `recording` holds the tapes that record now
(a tape inside `stop_recording` is entered but not recording).
"""

import itertools
import threading

__all__ = ["state", "next_tid", "ensure_tid"]


class _State(threading.local):
    def __init__(self):
        self.tapes = []
        self.recording = []
        self.accumulators = []
        self.tracer = None


state = _State()
next_tid = itertools.count(1).__next__
_tid_lock = threading.Lock()


def ensure_tid(t):
    """Gives tensor `t` its id if it has none yet, and returns it.

    Only a tensor that other threads may already hold needs this (one being watched); a fresh
    op output is private to its thread and takes `next_tid()` directly. The lock keeps two
    threads watching the same tensor from giving it two ids, one of them lost.
    """
    if not t._tid:
        with _tid_lock:
            if not t._tid:
                t._tid = next_tid()
    return t._tid
