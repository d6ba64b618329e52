"""Summary writers and the summary state of `tf.summary`, as TensorFlow 2's `summary_ops_v2`:
a thread's default writer, default step and recording condition, and `tf.summary.write`."""

import contextlib
import re
import threading

import numpy as np

from .._core import dtypes as _dt
from .._core.errors import NotFoundError
from .._core.scope import current_scope
from .._core.tensor import constant, convert_to_tensor
from .._core.trace import effect
from .._impl.module import name_scope
from ..io._files import path_of
from ._records import EventFile, summary_proto

__all__ = [
    "SummaryWriter", "create_file_writer", "create_noop_writer", "flush", "get_step",
    "record_if", "set_step", "should_record_summaries", "summary_scope", "write",
    "write_lazily", "write_raw_pb",
]


class _SummaryState(threading.local):
    def __init__(self):
        self.is_recording = None  # None, a bool (or bool tensor) or a function returning one
        self.writer = None
        self.step = None


_state = _SummaryState()

_NO_STEP = ("No step set. Please specify one either through the `step` argument or through "
            "tf.summary.experimental.set_step()")


class SummaryWriter:
    """The interface of summary writers (`tf.summary.create_file_writer` makes them).

    `with writer.as_default(step=None):` makes it the thread's default writer (and `step`,
    when given, the default step) for the block; `set_as_default` does so for good.
    """

    def set_as_default(self, step=None):
        """Makes this writer the default (and `step`, if given, the default step) from now on."""
        self.as_default(step).__enter__()

    def as_default(self, step=None):
        """A context manager making this the default writer inside it; it flushes on exit.

        Args:
            step: the default step inside the block (an int, or a variable read at each
                write, such as `optimizer.iterations`); None keeps the current one.
        """
        return _SummaryContextManager(self, step)

    def init(self):
        """Initializes the writer (nothing to do once created, as TensorFlow eagerly)."""
        raise NotImplementedError()

    def flush(self):
        """Writes any buffered summaries to disk."""
        raise NotImplementedError()

    def close(self):
        """Flushes and closes the writer."""
        raise NotImplementedError()


class _SummaryContextManager:
    def __init__(self, writer, step=None):
        self._writer = writer
        self._step = step
        self._old_writer = None
        self._old_step = None

    def __enter__(self):
        self._old_writer = _state.writer
        _state.writer = self._writer
        if self._step is not None:
            self._old_step = _state.step
            _state.step = self._step
        return self._writer

    def __exit__(self, *exc):
        _state.writer.flush()
        _state.writer = self._old_writer
        if self._step is not None:
            _state.step = self._old_step
        return False


class _FileWriter(SummaryWriter):
    """A writer of one TensorBoard event file (`create_file_writer` makes it)."""

    def __init__(self, logdir, max_queue, flush_millis, filename_suffix):
        try:
            self._file = EventFile(logdir, max_queue, flush_millis, filename_suffix)
        except OSError as err:  # TensorFlow: FailedPreconditionError, which tapegrad lacks
            raise type(err)(err.errno, f"tf.summary.create_file_writer: cannot write an event "
                            f"file in {logdir!r}: {err.strerror}") from None
        self.logdir = logdir
        self._closed = False

    def __repr__(self):
        state = "closed" if self._closed else "open"
        return f"<tapegrad.summary.SummaryWriter {self._file.path!r} ({state})>"

    def _check_open(self):
        if self._closed:
            raise RuntimeError(f"SummaryWriter {self!r} is already closed")

    def set_as_default(self, step=None):
        self._check_open()
        super().set_as_default(step)

    def as_default(self, step=None):
        self._check_open()
        return super().as_default(step)

    def init(self):
        self._check_open()

    def flush(self):
        self._file.flush()

    def close(self):
        self._file.close()
        self._closed = True

    def _write(self, step, summary):
        if self._closed:  # TensorFlow's write op finds the writer's resource gone
            raise NotFoundError(f"tf.summary: cannot write to {self!r}: it was closed "
                                "(write before close(), or create a new writer)")
        self._file.add_summary(step, summary)


class _NoopSummaryWriter(SummaryWriter):
    """A writer that writes nothing: `as_default` leaves the default writer as it is."""

    def set_as_default(self, step=None):
        pass

    @contextlib.contextmanager
    def as_default(self, step=None):
        yield

    def init(self):
        pass

    def flush(self):
        pass

    def close(self):
        pass


def _int_arg(value, what, default):
    if value is None:
        return default
    try:
        return int(np.asarray(convert_to_tensor(value)).item())
    except (TypeError, ValueError):
        raise TypeError(f"tf.summary.create_file_writer: `{what}` must be an integer, got "
                        f"{value!r}") from None


def create_file_writer(logdir, max_queue=None, flush_millis=None, filename_suffix=None,
                       name=None, experimental_trackable=False):
    """A summary writer of a TensorBoard event file in `logdir` (created if missing).

    The file, `events.out.tfevents.<seconds>.<host>.<pid>.<n><filename_suffix>`, exists (with
    its version record) as soon as the writer does.

    Args:
        logdir: the directory (str, bytes, os.PathLike or a scalar string tensor).
        max_queue: how many summaries to buffer before writing them (10).
        flush_millis: the longest time a summary waits in the buffer, in ms (120000).
        filename_suffix: the end of the file name (".v2").
        name: accepted as TensorFlow's (an op name prefix).
        experimental_trackable: accepted as TensorFlow's; tapegrad's writers are plain Python
            objects, which `tf.train.Checkpoint` does not track either way.

    Returns:
        A `SummaryWriter`.

    Raises:
        ValueError: `logdir` is None.
        OSError: the directory cannot be created or the file not opened.
    """
    if logdir is None:
        raise ValueError("Argument `logdir` cannot be None")
    logdir = path_of(logdir, "create_file_writer")
    suffix = ".v2" if filename_suffix is None else path_of(filename_suffix,
                                                            "create_file_writer")
    return _FileWriter(logdir, _int_arg(max_queue, "max_queue", 10),
                       _int_arg(flush_millis, "flush_millis", 2 * 60 * 1000), suffix)


def create_noop_writer():
    """A writer that writes nothing (for code that wants a writer to hand around)."""
    return _NoopSummaryWriter()


@contextlib.contextmanager
def record_if(condition):
    """Records summaries inside the block only while `condition` holds.

    Args:
        condition: a bool, a bool tensor, or a function returning one, called at each write.
    """
    old = _state.is_recording
    try:
        _state.is_recording = condition
        yield
    finally:
        _state.is_recording = old


def _holds(condition, default_state):
    if callable(condition):
        condition = condition()
    if condition is None:
        return default_state
    return bool(np.asarray(convert_to_tensor(condition)))


def should_record_summaries():
    """Whether summaries would be recorded here: a default writer exists and the `record_if`
    condition in effect (if any) holds. A bool tensor."""
    return constant(_state.writer is not None and _holds(_state.is_recording, True))


def get_step():
    """The default step (`set_step`, or `as_default(step=...)`), or None."""
    return _state.step


def set_step(step):
    """Sets the default step of the summaries written on this thread (an int or a variable,
    read at each write)."""
    _state.step = step


def _choose_step(step):
    """`step` as an int64 tensor, checked as TensorFlow's `_choose_step` (by its shape only:
    inside `tf.function` its value is known when the program runs)."""
    t = convert_to_tensor(step, _dt.int64)
    if t.shape.num_elements() != 1:
        raise ValueError(f"Argument `step` must be a scalar. Received step with shape "
                         f"{t.shape}.")
    return t


_INVALID_SCOPE_CHARACTERS = re.compile(r"[^-_/.A-Za-z0-9]")


@contextlib.contextmanager
def summary_scope(name, default_name="summary", values=None):
    """Yields `(tag, scope)` for a summary called `name`: the tag is the name under the
    current name scopes (kept as given), the scope a name scope made of its valid characters.

    Args:
        name: the summary's name ("" or None: `default_name`).
        default_name: the name when `name` is empty.
        values: accepted as TensorFlow's (its graph inputs).
    """
    name = name or default_name
    tag = current_scope() + name
    scope_name = _INVALID_SCOPE_CHARACTERS.sub("", name) or default_name
    with name_scope(scope_name) as scope:
        yield tag, scope


def _metadata_bytes(metadata):
    if metadata is None:
        return b""
    if hasattr(metadata, "SerializeToString"):  # a SummaryMetadata protobuf
        return metadata.SerializeToString()
    if isinstance(metadata, (bytes, bytearray)):
        return bytes(metadata)
    raise TypeError(f"tf.summary.write: `metadata` must be a SummaryMetadata protobuf or its "
                    f"serialized bytes, got {type(metadata).__name__}")


def write(tag, tensor, step=None, metadata=None, name=None):
    """Writes `tensor` under `tag` at `step` with the default writer, if any.

    Args:
        tag: the summary's tag.
        tensor: a tensor (or value) of any dtype and shape, or a function returning one,
            called only when the summary is recorded.
        step: an int64-castable scalar; None uses `tf.summary.experimental.get_step()`.
        metadata: a `SummaryMetadata` protobuf or its serialized bytes (optional).
        name: accepted as TensorFlow's.

    Returns:
        True (a bool tensor) when written; False when there is no default writer or the
        `record_if` condition does not hold.

    Raises:
        ValueError: a summary is recorded but there is no step, or `step` is not a scalar.
    """
    return write_lazily(tag, tensor, None, step, _metadata_bytes(metadata))


def write_lazily(tag, data, make_tensor, step, metadata):
    """`write` of `make_tensor(data)` (when `make_tensor` is given), computed only when the
    summary is recorded, as TensorBoard's lazy tensors."""
    if step is not None:
        _choose_step(step)
    if not isinstance(tag, str):
        tag = path_of(tag, "summary.write")
    # What the call sees now (inside tf.function: at tracing, as TensorFlow's graph captures
    # them): the default writer, step and recording condition. The condition is tested, the
    # step read and the tensor made when the summary is written, at every run.
    writer = _state.writer
    if writer is None:
        return constant(False)
    return _record(writer, _state.is_recording, tag, data, make_tensor,
                   get_step() if step is None else step, metadata)


def _step_now(condition, step):
    """The int step of a summary to write now, or None when `condition` does not hold."""
    if not _holds(condition, default_state=True):
        return None
    if step is None:
        raise ValueError(_NO_STEP)
    return int(np.asarray(_choose_step(step)).reshape(()))


@effect  # inside tf.function: each call writes, with that call's values, as TensorFlow's op
def _record(writer, condition, tag, data, make_tensor, step, metadata):
    step = _step_now(condition, step)
    if step is None:
        return constant(False)
    if callable(data):
        data = data()
    tensor = make_tensor(data) if make_tensor is not None else convert_to_tensor(data)
    writer._write(step, summary_proto(tag, tensor, metadata))
    return constant(True)


def write_raw_pb(tensor, step=None, name=None):
    """Writes serialized `Summary` protobufs (a string scalar or vector) at `step`.

    Returns:
        True (a bool tensor) when written, False when nothing was recorded.
    """
    if step is not None:
        _choose_step(step)
    writer = _state.writer
    if writer is None:
        return constant(False)
    return _record_raw(writer, _state.is_recording, tensor, get_step() if step is None else step)


@effect
def _record_raw(writer, condition, tensor, step):
    step = _step_now(condition, step)
    if step is None:
        return constant(False)
    values = np.asarray(convert_to_tensor(tensor))
    if values.dtype != object:
        raise TypeError(f"tf.summary.experimental.write_raw_pb: `tensor` must hold serialized "
                        f"Summary protobufs (strings), got dtype {values.dtype}")
    for summary in values.reshape(-1):
        writer._write(step, bytes(summary))
    return constant(True)


def flush(writer=None, name=None):
    """Flushes `writer`, or the default writer (nothing if there is none)."""
    if writer is None:
        writer = _state.writer
        if writer is None:
            return None
    if isinstance(writer, SummaryWriter):
        return writer.flush()
    raise ValueError(f"Invalid argument to flush(): {writer!r}")
