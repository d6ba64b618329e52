"""`tf.print`: prints tensors as TensorFlow does (summarized, its number format), to standard
error by default; inside a traced `tf.function` at every call, not at tracing.
"""

import logging
import sys

import numpy as np

from .._core import nest
from .._core.tensor import Tensor
from .._core.trace import effect

__all__ = ["get_logger", "print"]

_print = print


def _number(x, kind, dtype):
    """One element as TensorFlow prints it: the shortest of %.6g / %.9g (float32) or
    %.15g / %.17g (float64) that reads back the same value; bools as 1 and 0."""
    if kind == "b":
        return "1" if x else "0"
    if kind == "f":
        if not np.isfinite(x):
            return "nan" if np.isnan(x) else ("inf" if x > 0 else "-inf")
        short, full = (15, 17) if dtype.itemsize >= 8 else (6, 9)
        text = f"{float(x):.{short}g}"
        return text if dtype.type(text) == x else f"{float(x):.{full}g}"
    if kind in "SUO":
        return '"' + (x.decode() if isinstance(x, bytes) else str(x)) + '"'
    if kind == "c":
        return "?"
    return str(x)


def format_tensor(value, summarize=3):
    """A tensor's value as `tf.print` shows it: nested brackets, elements separated by spaces,
    each axis longer than 2 * summarize shortened to its first and last `summarize` entries
    ("..."); negative summarize shows everything."""
    value = np.asarray(value)
    kind, dtype = value.dtype.kind, value.dtype

    def rows(a):
        n = a.shape[0]
        if 0 <= summarize and 2 * summarize < n:
            return list(range(summarize)) + [None] + list(range(n - summarize, n))
        return list(range(n))

    def show(a, depth):
        if a.ndim == 0:
            return _number(a[()], kind, dtype)
        parts = ["..." if i is None else show(a[i], depth + 1) for i in rows(a)]
        if a.ndim == 1:
            return "[" + " ".join(parts) + "]"
        sep = "\n" * (a.ndim - 1) + " " * (depth + 1)
        return "[" + sep.join(parts) + "]"

    return show(value, 0)


def _show(item, summarize):
    if isinstance(item, Tensor):
        return format_tensor(item._value, summarize)
    if isinstance(item, str):
        return item
    if nest.is_nested(item):  # a structure: Python's repr with the tensors formatted
        flat = nest.flatten(item)
        marks = [f"\x00{k}\x00" for k in range(len(flat))]
        text = str(nest.pack_sequence_as(item, [_Shown(m) for m in marks]))
        for mark, leaf in zip(marks, flat):
            text = text.replace(mark, _show(leaf, summarize))
        return text
    return str(item)


class _Shown:
    """Prints as the given text (placeholders inside a structure's repr)."""

    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text


@effect
def _emit(inputs, output_stream, sep, end, summarize):
    text = sep.join(_show(item, summarize) for item in inputs) + end
    if isinstance(output_stream, str):
        if not output_stream.startswith("file://"):
            raise ValueError(f"tf.print: output_stream {output_stream!r} is not a stream; give "
                             "sys.stdout, sys.stderr, a file object, a function or "
                             "'file://<path>'.")
        with open(output_stream[len("file://"):], "a") as f:
            f.write(text)
    elif hasattr(output_stream, "write"):
        output_stream.write(text)
        if hasattr(output_stream, "flush"):
            output_stream.flush()
    else:
        output_stream(text[:-len(end)] if end and text.endswith(end) else text)


def print(*inputs, output_stream=None, summarize=3, sep=" ", end="\n", name=None):
    """Prints `inputs` (tensors, strings, numbers, structures of them) as `tf.print`.

    Tensors print as TensorFlow prints them (`[1 2 3]`, `[[0 0]\\n [0 0]]`, an axis longer
    than 2 * summarize shortened with "..."). Eagerly it prints at once; inside a traced
    `tf.function` it prints at every call (an effect of the program), not at tracing.

    Args:
        *inputs: what to print, separated by `sep`.
        output_stream: sys.stderr (the default), sys.stdout, a file object, a function taking
            the text (logging.info, say) or "file://<path>" (appended to).
        summarize: how many first and last entries of each axis to show; -1 for all.
        sep: the separator.
        end: appended to the line.
        name: accepted for TensorFlow compatibility.

    Example:
        >>> tapegrad.print(tapegrad.range(3), output_stream=sys.stdout)
        [0 1 2]
    """
    stream = sys.stderr if output_stream is None else output_stream
    # keywords: an effect's positional iterators are read into lists, and a file iterates
    _emit(list(inputs), output_stream=stream, sep=sep, end=end, summarize=summarize)


def get_logger():
    """The `logging` logger named "tensorflow", as TensorFlow's `tf.get_logger()` (programs set
    its level to quiet TensorFlow's messages)."""
    return logging.getLogger("tensorflow")
