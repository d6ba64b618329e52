"""The user's line: where, in the user's own code, an op ran or a value was read.

A frame belongs to the library if its file is inside the tapegrad package (the tutorial
excepted: it is user code that ships with the package) or inside NumPy (an `np.*` function
written in Python that reads a tensor); the user's frame is the innermost other one. Whether a
code object is the library's is worked out once, so a walk costs a dictionary lookup per frame.
"""

import linecache
import os
import sys

import numpy as np

__all__ = ["Line", "user_line", "user_lines", "user_place"]

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_LIBRARIES = (_PACKAGE + os.sep, os.path.dirname(os.path.abspath(np.__file__)) + os.sep)
_USER_FILES_IN_PACKAGE = {os.path.join(_PACKAGE, "tutorial.py")}
_IS_LIBRARY = {}  # code object -> bool


def _is_library(code):
    known = _IS_LIBRARY.get(code)
    if known is None:
        path = os.path.abspath(code.co_filename)
        known = path.startswith(_LIBRARIES) and path not in _USER_FILES_IN_PACKAGE
        _IS_LIBRARY[code] = known
    return known


class Line:
    """A line of the user's code: file, line number and function."""

    __slots__ = ("filename", "lineno", "function")

    def __init__(self, filename, lineno, function):
        self.filename = filename
        self.lineno = lineno
        self.function = function

    @property
    def text(self):
        """The line's source text, stripped ("" where the file cannot be read)."""
        return linecache.getline(self.filename, self.lineno).strip()

    @classmethod
    def at(cls, place):
        """The Line of a `user_place` result (None for None)."""
        return None if place is None else cls(place[0].co_filename, place[1], place[0].co_name)

    def __str__(self):
        return f"{os.path.basename(self.filename)}:{self.lineno}"

    def quoted(self):
        """'file.py:12 (`y = x * x`)', or 'file.py:12' where the source is not available."""
        text = self.text
        return f"{self} (`{text}`)" if text else str(self)

    def __eq__(self, other):
        return isinstance(other, Line) and (self.filename, self.lineno) == (
            other.filename, other.lineno)

    def __hash__(self):
        return hash((self.filename, self.lineno))

    def __repr__(self):
        return f"<Line {self}>"


def user_place(depth):
    """(code object, line number) of the innermost user frame, starting `depth` frames above
    the caller, or None: a cheaper `user_line` for a place that may never be shown
    (`Line.at` makes it a Line)."""
    f = sys._getframe(depth + 1)
    library = _IS_LIBRARY
    while f is not None:
        code = f.f_code
        known = library.get(code)
        if known is None:
            known = _is_library(code)
        if not known:
            return code, f.f_lineno
        f = f.f_back
    return None


def user_lines(limit=3):
    """The Lines of the innermost `limit` user frames above the caller, innermost first (the
    line that called the op, then the lines that called its function)."""
    lines, f = [], sys._getframe(1)
    while f is not None and len(lines) < limit:
        if not _is_library(f.f_code):
            lines.append(Line(f.f_code.co_filename, f.f_lineno, f.f_code.co_name))
        f = f.f_back
    return lines


def user_line(frame=None):
    """The Line of the innermost user frame above `frame` (default: the caller's), or None."""
    f = sys._getframe(1) if frame is None else frame
    while f is not None:
        code = f.f_code
        if not _is_library(code):
            return Line(code.co_filename, f.f_lineno, code.co_name)
        f = f.f_back
    return None
