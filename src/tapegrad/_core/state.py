"""Per-thread differentiation state: the tapes and forward accumulators that are active.

Each thread has its own stacks, as in TensorFlow. `recording` holds the tapes that record now
(a tape inside `stop_recording` is entered but not recording).
"""

import itertools
import threading

__all__ = ["state", "next_tid", "next_tape_id"]


class _State(threading.local):
    def __init__(self):
        self.tapes = []
        self.recording = []
        self.accumulators = []
        self.tracer = None


state = _State()
next_tid = itertools.count(1).__next__
next_tape_id = itertools.count(1).__next__
