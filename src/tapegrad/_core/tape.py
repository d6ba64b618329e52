"""`GradientTape` (TensorFlow 2 semantics): what it watches and tracks, and its gradients and
Jacobians. It records through the thread's recorder (record.py) and differentiates by walking
its records backwards (backward.py).
"""

import enum
import importlib
import warnings

import numpy as np

from . import nest
from .backward import backward
from .bind import bind
from .errors import InvalidArgumentError
from .indexed_slices import IndexedSlices
from .primitive import PRIMITIVES
from .record import recorder
from .state import deactivate, ensure_tid, state
from .tensor import Tensor, convert_to_tensor
from .variable import Variable

__all__ = ["GradientTape", "UnconnectedGradients", "as_unconnected", "by_id", "check_tensors"]


class UnconnectedGradients(enum.Enum):
    """What `gradient` returns for a source the target does not depend on."""

    NONE = "none"
    ZERO = "zero"


class GradientTape:
    """Records operations for automatic differentiation, as `tf.GradientTape`.

    A tape *tracks* the tensors it watched, the variables it watched (explicitly, or on
    access), and the outputs of the calls it recorded; it records a call when it tracks one of
    its arguments. It keeps these ids in a set of its own, so what it tracks never depends on
    what other tapes, in this thread or another, watched. A source it does not track gets no
    gradient (None, or zeros with `UnconnectedGradients.ZERO`), except a tensor that is itself
    one of the targets, as TensorFlow.

    Args:
        persistent: if False (the default) the tape can compute one set of gradients only and
            frees what it recorded as soon as it has; a persistent tape answers any number of
            `gradient` calls and frees its records when deleted.
        watch_accessed_variables: if True, trainable variables read while the tape is active are
            watched automatically.

    Example:
        >>> x = tapegrad.Variable(3.0)
        >>> with tapegrad.GradientTape() as tape:
        ...     y = x * x
        >>> float(tape.gradient(y, x))
        6.0
    """

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self._persistent = bool(persistent)
        self._watch_accessed = bool(watch_accessed_variables)
        self._tracked = set()  # ids of what this tape tracks (see the class docstring)
        self._records = []
        self._watched = []
        self._recording = False
        self._recorder = None  # the interpreter this tape records through, while it does
        self._entered = False
        self._spent = False

    # -- context --------------------------------------------------------------------------
    def __enter__(self):
        if self._entered:
            raise ValueError("GradientTape: this tape is already active (entered twice)")
        self._entered = True
        self._start()
        return self

    def __exit__(self, *exc):
        self._stop()
        self._entered = False
        return False

    def _start(self):
        self._recording = True
        self._recorder = recorder()
        self._recorder.tapes.append(self)

    def _stop(self):
        if self._recording:
            self._recording = False
            tapes = self._recorder.tapes
            tapes.remove(self)
            if not tapes:
                deactivate(self._recorder)

    def stop_recording(self):
        """A context manager inside which this tape records nothing.

        Raises:
            RuntimeError: outside the tape's `with` block.
            ValueError: if the tape is already paused (a nested `stop_recording`).
        """
        if not self._entered:
            raise RuntimeError(
                "GradientTape.stop_recording: trying to stop recording a tape which is not "
                "recording (call it inside the tape's `with` block)."
            )
        if not self._recording:
            raise ValueError("GradientTape.stop_recording: tape is not recording (already "
                             "inside stop_recording).")
        return _Paused(self)

    def reset(self):
        """Forgets everything recorded and watched; recording goes on if inside the block."""
        self._tracked = set()
        self._records = []
        self._watched = []
        self._spent = False

    # -- watching -------------------------------------------------------------------------
    def watch(self, tensor):
        """Ensures `tensor` (a Tensor, Variable or a structure of them) is traced by this tape."""
        flat = nest.flatten(tensor)
        for interpreter in state.interpreters:
            interpreter.tape_watched(self, flat)
        for t in flat:
            read = getattr(t, "_read", None)
            if read is not None:
                self._watch_variable(t)
            elif isinstance(t, Tensor):
                if t._value.dtype.kind not in "fc":
                    warnings.warn(
                        f"GradientTape.watch: the tensor has dtype {t.dtype.name}; gradients "
                        "with respect to it will be None. Use a float dtype (e.g. "
                        "tf.cast(x, tf.float32)) to differentiate with respect to it.",
                        stacklevel=2,
                    )
                    continue
                self._tracked.add(ensure_tid(t))
            else:
                raise ValueError(
                    f"GradientTape.watch: passed an object of type {type(t).__name__} ({t!r}), "
                    "not a tf.Tensor or tf.Variable. Convert it with tf.constant(...) first."
                )

    def _watch_variable(self, v):
        # Integer variables are watched too, as TensorFlow (their gradient is still None).
        if v._tid in self._tracked:
            return
        self._tracked.add(v._tid)
        self._watched.append(v)

    def watched_variables(self):
        """Returns the variables watched by this tape, in the order they were first watched."""
        return tuple(self._watched)

    # -- differentiation ------------------------------------------------------------------
    def _check_usable(self, what):
        if self._spent:
            raise RuntimeError(
                f"A non-persistent GradientTape can only be used to compute one set of gradients "
                f"(or jacobians); {what} was called again. Create the tape with "
                "tf.GradientTape(persistent=True) to compute more than one."
            )

    def _take_records(self):
        """The records to walk, once the arguments are checked (a bad call changes nothing).

        As TensorFlow, a non-persistent tape stops recording here and hands its records over,
        so the walk can free each one as soon as it is visited.
        """
        records = self._records
        if not self._persistent:
            self._stop()
            self._records = []
        return records

    def _end_gradient(self):
        if not self._persistent:
            self._tracked = set()
            self._spent = True

    def _wanted(self, sources, targets):
        """The ids of the float `sources` this tape differentiates: those it tracks and, as
        TensorFlow, a tensor or variable that is itself one of the `targets` (its gradient is
        then at least its seed)."""
        tracked = self._tracked
        wanted = set()
        for s in sources:
            if s._value.dtype.kind not in "fc":
                continue
            if s._tid in tracked:
                wanted.add(s._tid)
            elif any(s is t for t in targets):
                wanted.add(ensure_tid(s))
        return wanted

    def gradient(self, target, sources, output_gradients=None,
                 unconnected_gradients=UnconnectedGradients.NONE, *, explain=False):
        """Computes the gradient of `target` with respect to `sources`.

        Args:
            target: a Tensor or Variable, or a structure of them (their gradients are summed).
            sources: a Tensor or Variable, or any nesting of lists, tuples and dicts of them.
            output_gradients: cotangents for the targets (same structure and shapes), default
                ones.
            unconnected_gradients: `UnconnectedGradients.NONE` (None for a source the targets
                do not depend on, or that the tape does not track) or
                `UnconnectedGradients.ZERO` (zeros).
            explain: tapegrad's own option, not TensorFlow's: if True, a source whose gradient
                would be None raises `tapegrad.debug.NoGradientError`, which says why there is
                no path (see `tapegrad.debug.explain`).

        Returns:
            The gradients, in the structure of `sources`.

        Raises:
            RuntimeError: on a second call of a non-persistent tape.
            tapegrad.debug.NoGradientError (a ValueError): with `explain=True`, if a gradient
                would be None.
            TypeError: if a source or target is not a Tensor or Variable.
            InvalidArgumentError (a ValueError): if an output gradient's shape or dtype does
                not match its target.
            ValueError: if `unconnected_gradients` is not 'none' or 'zero'.
        """
        self._check_usable("gradient")
        unconnected = as_unconnected(unconnected_gradients, "GradientTape.gradient")
        flat_sources = _check_tensors(nest.flatten(sources), "source", "gradient")
        flat_targets = _check_tensors(nest.flatten(target), "target", "gradient")
        if output_gradients is None:
            seeds = [None] * len(flat_targets)
        else:
            seeds = nest.flatten(output_gradients)
            if any(seed is None for seed in seeds):
                raise ValueError(
                    "GradientTape.gradient: output_gradients contains None; give a tensor for "
                    "every target (tf.ones_like(target) for the default)."
                )
            if len(seeds) != len(flat_targets):
                raise ValueError(
                    f"GradientTape.gradient: got {len(seeds)} output_gradients for "
                    f"{len(flat_targets)} targets; pass one per target (or None)."
                )
        seeds = [_seed(t, s, i) for i, (t, s) in enumerate(zip(flat_targets, seeds))]
        wanted = self._wanted(flat_sources, flat_targets)
        records = self._take_records()
        explain = explain and unconnected is UnconnectedGradients.NONE  # zeros are never None
        grads = backward(records, flat_targets, seeds, wanted,
                         free=not (self._persistent or explain))
        error = None
        if explain or len(grads) < len(flat_sources):
            # Some source gets no gradient: tapegrad.debug notes why, for Keras's messages, and
            # with `explain` says why in an error. Nothing runs here when every source has one.
            # debug sits above the engine: loaded by name, as tapegrad.__getattr__ loads it.
            error = _no_gradient()(self, flat_targets, flat_sources, grads, records, explain)
        del records
        self._end_gradient()
        if error is not None:
            raise error
        return nest.pack_sequence_as(sources, by_id(grads, flat_sources, unconnected))

    def jacobian(self, target, sources, unconnected_gradients=UnconnectedGradients.NONE,
                 parallel_iterations=None, experimental_use_pfor=True):
        """Computes the Jacobian of `target` with respect to each of `sources`.

        The result for a source of shape S is target.shape + S. With `experimental_use_pfor`
        (the default) one backward pass carries a batch of cotangents, one per target element,
        instead of one pass per element.

        Args:
            target: a Tensor.
            sources: a Tensor or Variable, or a structure of them.
            unconnected_gradients: NONE or ZERO, as for `gradient`.
            parallel_iterations: ignored; accepted for TensorFlow compatibility.
            experimental_use_pfor: False runs one backward pass per target element.

        Returns:
            The Jacobians, in the structure of `sources`.
        """
        self._check_usable("jacobian")
        self._check_pfor("jacobian", experimental_use_pfor)
        unconnected = as_unconnected(unconnected_gradients, "GradientTape.jacobian")
        flat_sources = _check_tensors(nest.flatten(sources), "source", "jacobian")
        (target,) = _check_tensors([target], "target", "jacobian")
        shape = target._value.shape
        n = int(np.prod(shape, dtype=np.int64))
        seeds = np.eye(n, dtype=target._value.dtype).reshape((n,) + shape)
        wanted = self._wanted(flat_sources, [target])
        grads = self._batched(target, Tensor(seeds), wanted, experimental_use_pfor)
        self._end_gradient()
        return nest.pack_sequence_as(sources, by_id(grads, flat_sources, unconnected,
                                                      lead=shape))

    def batch_jacobian(self, target, source, unconnected_gradients=UnconnectedGradients.NONE,
                       parallel_iterations=None, experimental_use_pfor=True):
        """Jacobian of each row of `target` with respect to the same row of `source`.

        For target of shape (B, y...) and source (B, x...) the result has shape
        (B, y..., x...). Rows are assumed independent (as TensorFlow assumes), so one backward
        pass with prod(y...) cotangents, each covering all rows at once, gives every block.

        As TensorFlow, a source the target does not depend on (or that the tape does not track)
        gets zeros, never None: of the target's dtype by default, of the source's with
        `UnconnectedGradients.ZERO`.
        """
        self._check_usable("batch_jacobian")
        self._check_pfor("batch_jacobian", experimental_use_pfor)
        unconnected = as_unconnected(unconnected_gradients, "GradientTape.batch_jacobian")
        (target,) = _check_tensors([target], "target", "batch_jacobian")
        (source,) = _check_tensors([source], "source", "batch_jacobian")
        tshape, sshape = target._value.shape, source._value.shape
        if len(tshape) < 2 or len(sshape) < 2:
            raise ValueError(
                f"GradientTape.batch_jacobian: target shape {list(tshape)} and source shape "
                f"{list(sshape)} must have rank at least 2 (a batch dimension, then the "
                "per-example dimensions); use jacobian for unbatched tensors."
            )
        if tshape[0] != sshape[0]:
            raise ValueError(
                f"GradientTape.batch_jacobian: target shape {list(tshape)} and source shape "
                f"{list(sshape)} need the same first (batch) dimension."
            )
        rows = tshape[0]
        m = int(np.prod(tshape[1:], dtype=np.int64))
        eye = np.eye(m, dtype=target._value.dtype)
        seeds = np.broadcast_to(eye[:, None, :], (m, rows, m)).reshape((m,) + tshape)
        wanted = self._wanted([source], [target])
        grads = self._batched(target, Tensor(np.ascontiguousarray(seeds)), wanted,
                              experimental_use_pfor)
        g = grads.get(source._tid) if source._tid else None
        self._end_gradient()
        if g is None:
            # TensorFlow's batch_jacobian ignores `unconnected_gradients` here: with NONE its
            # loop yields no output and it returns zeros of the target's dtype; with ZERO each
            # row is the gradient's zeros, of the source's dtype.
            dtype = source._value.dtype if unconnected is UnconnectedGradients.ZERO else (
                target._value.dtype)
            return Tensor(np.zeros(tshape + sshape[1:], dtype=dtype))
        # (m, B, x...) -> (B, m, x...) -> (B, y..., x...)
        n = len(sshape)
        g = bind(PRIMITIVES["transpose"], g, perm=(1, 0) + tuple(range(2, n + 1)))
        return bind(PRIMITIVES["reshape"], g, shape=tshape + sshape[1:])

    def _check_pfor(self, what, vectorize):
        if not vectorize and not self._persistent:
            raise RuntimeError(
                f"GradientTape.{what}: with experimental_use_pfor=False the tape is walked once "
                "per target element, so it must be created with persistent=True."
            )

    def _batched(self, target, seeds, wanted, vectorize):
        """{source id: cotangents} for a batch of `seeds` (leading axis), in one walk if every
        record's rules take batches and `vectorize`, else one walk per seed, stacked."""
        records = self._take_records()
        if vectorize and all(rec.prim.batchable for rec in records):
            return backward(records, [target], [seeds], wanted, free=not self._persistent)
        rows = [backward(records, [target], [Tensor(seed)], wanted, free=False)
                for seed in seeds._value]
        out = {}
        for tid in wanted:
            parts = [r.get(tid) for r in rows]
            parts = [p._read() if type(p) is IndexedSlices else p for p in parts]
            known = next((p for p in parts if p is not None), None)
            if known is None:
                continue
            # an output element that does not reach the source has a zero row
            parts = [Tensor(np.zeros_like(known._value)) if p is None else p for p in parts]
            expand = [bind(PRIMITIVES["reshape"], p, shape=(1,) + p._value.shape) for p in parts]
            out[tid] = _concat0(expand)
        return out


class _Paused:
    def __init__(self, tape):
        self._tape = tape

    def __enter__(self):
        self._tape._stop()
        for interpreter in state.interpreters:
            interpreter.tape_paused(self._tape, True)
        return self._tape

    def __exit__(self, *exc):
        for interpreter in state.interpreters:
            interpreter.tape_paused(self._tape, False)
        if self._tape._entered:
            self._tape._start()
        return False


def _concat0(parts):
    """Stacks (1, ...) tensors along axis 0 by summing zero-padded copies (differentiable)."""
    n = len(parts)
    add = PRIMITIVES["add"]
    total = None
    for k, p in enumerate(parts):
        key = (slice(k, k + 1),)
        placed = bind(PRIMITIVES["getitem_grad"], p, shape=(n,) + p._value.shape[1:], key=key)
        total = placed if total is None else bind(add, total, placed)
    return total


def as_unconnected(value, op):
    """`value` as an UnconnectedGradients, or a ValueError naming `op` ("GradientTape.gradient")."""
    if type(value) is UnconnectedGradients:  # the usual case: no enum lookup
        return value
    try:
        return UnconnectedGradients(value)
    except ValueError:
        raise ValueError(
            f"{op}: unknown value for unconnected_gradients: {value!r}; use 'none' or 'zero' "
            "(tf.UnconnectedGradients.NONE or .ZERO)."
        ) from None


def check_tensors(flat, what, advice):
    """`flat`, if every item is a Tensor or Variable; else a TypeError naming the first other
    one as `what #i` and ending with `advice` (shared by tapes and forward accumulators)."""
    for i, t in enumerate(flat):
        if not (type(t) is Tensor or type(t) is Variable or isinstance(t, (Tensor, Variable))):
            raise TypeError(f"{what} #{i} is a {type(t).__name__} ({t!r}), not a Tensor or "
                            f"Variable{advice}")
    return flat


def _check_tensors(flat, role, op):
    for t in flat:
        if type(t) is not Tensor and type(t) is not Variable and not isinstance(t, Variable):
            break
    else:  # the usual case, tensors and variables only: nothing to convert or report
        return flat
    advice = "watch a tf.constant" if role == "source" else "compute it with tapegrad ops"
    if role == "target":  # a gradient that is IndexedSlices, differentiated again: dense
        flat = [t._read() if type(t) is IndexedSlices else t for t in flat]
    return check_tensors(flat, f"GradientTape.{op}: {role}",
                         f". Only tensors and variables can be differentiated; {advice}.")


def _seed(target, seed, i):
    """Target #i's cotangent: ones by default, else `seed` (its output_gradients entry)."""
    value = target._value
    if seed is None:
        if value.ndim == 0:  # a scalar loss: a NumPy scalar one, 10x cheaper than np.ones
            return Tensor(value.dtype.type(1))
        return Tensor(np.ones(value.shape, value.dtype))
    what = "GradientTape.gradient: output_gradients"
    if not isinstance(seed, Tensor):
        given = seed
        try:
            seed = convert_to_tensor(seed, dtype_hint=target.dtype)
            if seed._value.dtype.kind == "O":
                raise TypeError(f"{given!r} holds strings")
        except (TypeError, ValueError) as err:
            raise InvalidArgumentError(
                f"{what} for target #{i} ({target.dtype.name}{list(value.shape)}) is not "
                f"convertible to a tensor: {err}"
            ) from None
    # InvalidArgumentError, as TensorFlow's first op on the seed raises
    if seed._value.shape != value.shape:
        raise InvalidArgumentError(
            f"{what} has shape {list(seed._value.shape)} but target #{i} has shape "
            f"{list(value.shape)}; they must match."
        )
    if seed._value.dtype != value.dtype:
        raise InvalidArgumentError(
            f"{what} has dtype {seed.dtype.name} but target #{i} has dtype "
            f"{target.dtype.name}; cast it with tf.cast."
        )
    return seed


def _no_gradient(_found=[]):  # noqa: B006 - the loaded function, kept across calls
    """tapegrad.debug's `no_gradient`, loaded on first use (debug sits above the engine)."""
    if not _found:
        _found.append(importlib.import_module("tapegrad.debug._explain").no_gradient)
    return _found[0]


def by_id(values, tensors, unconnected, lead=()):
    """For each of `tensors`, its entry in `values` (a dict by tensor id: cotangents, or an
    accumulator's tangents) as `lead + its shape` (a Jacobian's rows come flattened); where
    there is none, None or zeros as `unconnected` says."""
    out = []
    for s in tensors:
        g = values.get(s._tid) if s._tid else None
        shape = lead + s._value.shape
        if g is None:
            if unconnected is UnconnectedGradients.ZERO:
                g = Tensor(np.zeros(shape, dtype=s._value.dtype))
        elif type(g) is not IndexedSlices and g._value.shape != shape:
            g = bind(PRIMITIVES["reshape"], g, shape=shape)
        out.append(g)
    return out


