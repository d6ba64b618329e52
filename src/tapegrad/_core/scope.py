"""The name scope in effect on this thread (`tf.name_scope`): a prefix for new variables' names."""

import threading

__all__ = ["current_scope", "pop_scope", "push_scope"]


class _Scopes(threading.local):
    def __init__(self):
        self.stack = [""]  # each entry is "" or a scope name ending in "/"


_SCOPES = _Scopes()


def current_scope():
    """The scope in effect: "" outside any, else a name ending in "/"."""
    return _SCOPES.stack[-1]


def push_scope(scope):
    _SCOPES.stack.append(scope)


def pop_scope():
    _SCOPES.stack.pop()
