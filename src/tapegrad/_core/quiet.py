"""`quiet_prints()`: Python's printing silenced in the calling thread alone.

A trace repeated for the user's sake (a retrace at new sizes, a dataset loop's body traced
again) runs the user's Python again and must not print twice. `contextlib.redirect_stdout`
swaps `sys.stdout` for the whole process: a dataset's map traced in a prefetch thread then
swallowed what the main thread printed meanwhile. Here `sys.stdout` is, while any thread is
quiet, a proxy that drops the writes of the quiet threads and passes every other thread's to
the stream it replaced.
"""

import contextlib
import sys
import threading

__all__ = ["quiet_prints"]

_lock = threading.Lock()
_quiet = {}  # thread id -> how many quiet_prints blocks it is in


class _Proxy:
    """`sys.stdout` while a thread is quiet: its writes dropped, the others' passed on."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text):
        if threading.get_ident() in _quiet:
            return len(text)
        return self.stream.write(text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        if threading.get_ident() not in _quiet:
            self.stream.flush()

    def __getattr__(self, name):  # encoding, isatty, fileno, ...: the replaced stream's
        return getattr(self.stream, name)


_installed = []  # the proxy, while one is sys.stdout


@contextlib.contextmanager
def quiet_prints():
    """Drops what the calling thread prints to `sys.stdout` inside the block."""
    me = threading.get_ident()
    with _lock:
        if not _installed:
            _installed.append(_Proxy(sys.stdout))
            sys.stdout = _installed[0]
        _quiet[me] = _quiet.get(me, 0) + 1
    try:
        yield
    finally:
        with _lock:
            _quiet[me] -= 1
            if not _quiet[me]:
                del _quiet[me]
            if not _quiet and _installed:
                proxy = _installed.pop()
                if sys.stdout is proxy:  # (a program may have replaced it meanwhile)
                    sys.stdout = proxy.stream
