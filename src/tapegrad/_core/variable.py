"""`Variable`: mutable state that takes part in ops like a tensor (as `tf.Variable`).

Reading a variable gives a Tensor carrying the variable's own id, so every read inside a tape
sends its gradient to the variable. A read shares the variable's array; an assignment writes
into that array only when nothing else holds it (owned.py), and otherwise replaces it, so a
tensor read before, or a value saved on a tape, keeps the value it read (TensorFlow's read
semantics). Reads and assignments are told to this thread's active interpreters (see
state.py): a tape watches a variable read, a tracer records reads and assignments.
"""

import enum
import operator
import sys

import numpy as np

from . import dtypes as _dt
from .bind import bind
from .convert import CONSTANTS, cached_constant
from .errors import InvalidArgumentError
from .owned import HELD_HERE
from .primitive import PRIMITIVES
from .scope import current_scope
from .state import impure, next_tid, state
from .tensor import (
    ArrayLike,
    Tensor,
    TensorShape,
    _numpy_text,
    convert_to_tensor,
    converted,
    to_array,
)

__all__ = ["Variable", "VariableAggregation", "VariableSynchronization"]


class VariableSynchronization(enum.Enum):
    """When a distributed variable's replicas sync (`tf.VariableSynchronization`).

    tapegrad runs on one device, so the setting is recorded but changes nothing, except that
    ON_READ makes a variable non-trainable by default, as in TensorFlow.
    """

    AUTO = 0
    NONE = 1
    ON_WRITE = 2
    ON_READ = 3


class VariableAggregation(enum.Enum):
    """How a distributed variable's replica updates combine (`tf.VariableAggregation`).

    Recorded on the variable; on tapegrad's single device it changes nothing.
    """

    NONE = 0
    SUM = 1
    MEAN = 2
    ONLY_FIRST_REPLICA = 3


def _enum_setting(kind, value, name):
    """`value` (a member or its number) as a member of `kind`."""
    if isinstance(value, kind):
        return value
    try:
        return kind(value)
    except ValueError:
        what = kind.__name__[len("Variable"):].lower()
        raise ValueError(
            f"Invalid variable {what} mode: {value!r} for variable: {name}; use one of "
            f"{', '.join('tf.' + kind.__name__ + '.' + m.name for m in kind)}"
        ) from None

_NOTHING = {}
_ARRAYS = (np.ndarray, np.generic)
_refcount = sys.getrefcount
_add, _iadd, _sub, _isub = operator.add, operator.iadd, operator.sub, operator.isub


def _assigning(documented, op, combine, into):
    """`Variable.<op>` (assign, assign_add or assign_sub: `documented` gives the signature's
    documentation): the variable becomes `combine(old, value)` (`value` for None).

    The fast path, for the writes optimizers make at every step (docs/performance.md): while
    no interpreter listens and the variable alone holds its array, an array of its dtype and
    shape (a slot's or a weight's update), a NumPy scalar of its dtype into a 0-d variable (a
    0-d weight's) or a cached Python number into a 0-d one (`iterations.assign_add(1)`) is
    written in place, without `_update`'s call and checks. Anything else goes to `_update`.
    """

    def method(self, value, use_locking=None, name=None, read_value=True):
        old = self._value
        kind = type(value)
        # `old` is held by self.__dict__ and this local: one more holder is a reader
        if (type(old) is np.ndarray and old.base is None and _refcount(old) == HELD_HERE
                and not state.interpreters):
            if kind is np.ndarray:
                if value.dtype is old.dtype and value.shape == old.shape and old.ndim:
                    if combine is None:
                        old[...] = value
                    else:
                        into(old, value)
                    return self if read_value else None
            elif not old.ndim:
                if kind is old.dtype.type:
                    old[()] = value if combine is None else combine(old[()], value)
                    return self if read_value else None
                if kind is int or kind is float:
                    cached = CONSTANTS.get(old.dtype, _NOTHING).get(value)
                    if cached is not None:  # of the variable's dtype, shape ()
                        value = cached._value
                        old[()] = value if combine is None else combine(old[()], value)
                        return self if read_value else None
        del old  # not a holder of the array while `_update` decides whether to copy it
        self._update(value, op, combine, into)
        return self if read_value else None

    method.__name__ = op
    method.__qualname__ = f"Variable.{op}"
    method.__doc__ = documented.__doc__
    # TensorFlow names the argument of assign_add and assign_sub `delta` (keyword callers)
    parameter = documented.__code__.co_varnames[1]
    code = method.__code__
    method.__code__ = code.replace(
        co_varnames=tuple(parameter if n == "value" else n for n in code.co_varnames))
    return method



class Variable(ArrayLike):
    """A mutable tensor-like value.

    Args:
        initial_value: a Tensor, number, list or NumPy array (or a callable returning one).
        trainable: whether tapes watch it automatically when it is read (by default True,
            False when `synchronization` is ON_READ).
        name: the variable's name (shown as `name:0`); defaults to "Variable".
        dtype: if given, the initial value is cast to it.
        shape: the shapes the variable may hold: by default the initial value's; a partly
            unknown one (`tf.TensorShape(None)`, `[None, 3]`) lets `assign` change the shape.
        constraint: a function `(value) -> projected value` (a `keras.constraints`
            Constraint, say) that optimizers apply to the variable after each update.
        synchronization, aggregation: a `tf.VariableSynchronization` and
            `tf.VariableAggregation` (or their numbers), recorded for distributed code; they
            change nothing on tapegrad's single device.

    Example:
        >>> v = tapegrad.Variable(1.0)
        >>> v.assign_add(2.0).numpy()
        3.0
    """

    __array_priority__ = 100
    _name_suffix = ":0"  # TensorFlow's output index; Keras 3 names its variables without it
    # The defaults, which __init__ leaves to the class (and copies pickled before these existed)
    _constraint = None
    _synchronization = VariableSynchronization.AUTO
    _aggregation = VariableAggregation.NONE
    _declared_shape = None

    def __init__(self, initial_value=None, trainable=None, name=None, dtype=None, shape=None,
                 constraint=None, synchronization=None, aggregation=None, **kwargs):
        if initial_value is None:
            raise ValueError("Variable: initial_value must be given")
        if constraint is not None and not callable(constraint):
            raise ValueError(
                "Argument `constraint` must be None or a callable, such as a "
                f"keras.constraints.Constraint. Got {constraint!r} of type "
                f"{type(constraint).__name__}."
            )
        if callable(initial_value):
            initial_value = initial_value()
        np_dtype = None if dtype is None else _dt.as_dtype(dtype)._np
        if isinstance(initial_value, (Tensor, Variable)):
            value = np.array(convert_to_tensor(initial_value)._value, dtype=np_dtype)
        else:
            value = np.array(converted("Variable", initial_value, np_dtype))
        if shape is not None and not TensorShape(shape).is_compatible_with(value.shape):
            raise ValueError(
                f"Variable: initial value of shape {list(value.shape)} does not match the given "
                f"shape {list(shape)}"
            )
        if shape is not None and not TensorShape(shape).is_fully_defined():
            # A partly unknown shape lets assign() change the value's shape within it.
            self._declared_shape = TensorShape(shape)
        self._value = value
        self._tid = next_tid()
        # the class keeps the defaults (AUTO, NONE, no constraint): set only what differs
        if synchronization is not None:
            self._synchronization = _enum_setting(VariableSynchronization, synchronization, name)
        if aggregation is not None:
            self._aggregation = _enum_setting(VariableAggregation, aggregation, name)
        if trainable is None:
            trainable = self._synchronization != VariableSynchronization.ON_READ
        self._trainable = bool(trainable)
        self._name = current_scope() + ("Variable" if name is None else str(name))
        if constraint is not None:
            self._constraint = constraint
        for interpreter in state.interpreters:
            interpreter.variable_created(self)

    # -- copying --------------------------------------------------------------------------
    def __getstate__(self):
        # A copy (pickle, copy.deepcopy) is a new variable with the same value, name and
        # settings; the engine's id stays with the original, whose reads tapes may watch.
        state = dict(self.__dict__)
        state.pop("_tid", None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._tid = next_tid()

    def __setattr__(self, name, value):
        # Only assign* may change the value once it is set: a tracer could not replay a write
        # that bypasses it, so the active interpreters hear of one (`_update` writes through
        # __dict__). Reads of `_value` stay plain attribute reads.
        if name == "_value" and state.interpreters and "_value" in self.__dict__:
            impure(f"variable '{self.name}' was written other than by assign()")
        object.__setattr__(self, name, value)

    # -- reading ----------------------------------------------------------------------------
    def _read(self):
        """The current value as a Tensor that sends its gradient to this variable."""
        value = self._value
        t = Tensor(value[()] if value.ndim == 0 else value)  # NumPy scalars compute faster
        t._tid = self._tid
        for interpreter in state.interpreters:
            interpreter.read_variable(self, t)
        return t

    def read_value(self):
        """Returns the current value as a new Tensor.

        As TensorFlow, it is an op on the variable: inside a tape that watches the variable the
        result is connected to it; outside, it is a plain tensor (its gradient is None).
        """
        return bind(PRIMITIVES["identity"], self._read())

    value = read_value

    def numpy(self):
        return self._read().numpy()

    def __array__(self, dtype=None, copy=None):
        if state.interpreters:  # a read, as TensorFlow's (tapegrad.debug sees NumPy take it)
            return self._read().__array__(dtype, copy)
        value = np.array(self._value) if copy else np.asarray(self._value)
        return value if dtype is None else value.astype(dtype)

    @property
    def name(self):
        return f"{self._name}{self._name_suffix}"

    @property
    def trainable(self):
        return self._trainable

    @property
    def shape(self):
        if self._declared_shape is not None:
            return self._declared_shape
        return TensorShape(self._value.shape)

    @property
    def synchronization(self):
        return self._synchronization

    @property
    def aggregation(self):
        return self._aggregation

    @property
    def constraint(self):
        """The function optimizers apply to the variable after each update, or None."""
        return self._constraint

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)

    def __float__(self):
        return float(self._read())  # a read, as TensorFlow's: a tape watches the variable

    def __int__(self):
        return int(self._read())

    def __bool__(self):
        return bool(self._read())

    def __len__(self):
        return len(self._read())

    def __iter__(self):
        return iter(self._read())

    __hash__ = object.__hash__

    # -- writing --------------------------------------------------------------------------
    def _new_value(self, value, op):
        """`value` as an array of the variable's dtype and shape, or the error naming `op`."""
        dtype = self._value.dtype
        if isinstance(value, Tensor):
            arr = value._value
            if arr.dtype != dtype:
                raise InvalidArgumentError(
                    f"Variable.{op}: value has dtype {value.dtype.name} but variable "
                    f"'{self.name}' has dtype {self.dtype.name}; cast it with "
                    f"tf.cast(value, tf.{self.dtype.name}).",
                    op=op,
                )
        else:
            try:
                if type(value) is float or type(value) is int:  # converted once per dtype
                    arr = cached_constant(value, dtype)._value
                else:
                    arr = to_array(value, dtype)
            except (TypeError, ValueError) as err:
                raise type(err)(f"Variable.{op} of '{self.name}': {err}") from None
        declared = self._declared_shape
        if declared is not None and op == "assign" and declared.is_compatible_with(arr.shape):
            return arr
        if arr.shape != self._value.shape:
            raise ValueError(
                f"Variable.{op}: cannot assign a value of shape {list(arr.shape)} to variable "
                f"'{self.name}' of shape {list(self._value.shape)}; shapes must match."
            )
        return arr

    def _update(self, value, op, combine, into):
        """`assign*`: the variable becomes `combine(old, value)` (an operator; `value` itself
        for None), computed in place by `into(old, value)` (its in-place operator).

        The usual optimizer writes never get here (`_assigning`'s fast path writes them).
        An array, NumPy scalar or tensor of the variable's dtype and shape, or a Python number
        already in the constant cache, while no interpreter listens, needs no conversion and no
        copy (the result is written, not the argument kept). Anything else goes through
        `_new_value`'s checks and is told to the interpreters.

        The result goes into the variable's own array unless something else may see that
        array (a tensor read from the variable, a value a tape saved, `np.asarray(v)` kept by
        the caller, a view of it): then the variable gets a new array, and every reader keeps
        the value it read, as TensorFlow's reads do. In place or not, the bits are the same.
        """
        old = self._value
        kind = type(value)
        if kind is np.ndarray:
            arr = value
        elif kind is Tensor:
            arr = value._value
        elif kind is float or kind is int:
            arr = CONSTANTS.get(old.dtype, _NOTHING).get(value)
            arr = None if arr is None else arr._value
        else:
            arr = value
        if (
            state.interpreters
            or (kind is not np.ndarray and not isinstance(arr, _ARRAYS))
            or (arr.dtype is not old.dtype and arr.dtype != old.dtype)  # `is`: no compare
            or arr.shape != old.shape
        ):
            if isinstance(value, Variable):
                value = value._read()  # told to the interpreters as a read
            arr = self._new_value(value, op)
            interpreters = state.interpreters
            if interpreters:
                value = value if isinstance(value, Tensor) else Tensor(arr)
                for interpreter in interpreters:
                    if interpreter.assign_variable(self, op, value):  # a tracer's dry run
                        return
            old = self._value
            if arr.shape != old.shape:  # a shape declared partly unknown lets it change
                self.__dict__["_value"] = np.array(arr, dtype=old.dtype)
                return
        # `old` is held by self.__dict__ and this local: one more holder is a reader (the
        # count of owned.held_once, inlined: a call costs as much as the rest of this test)
        if type(old) is not np.ndarray or old.base is not None or _refcount(old) != HELD_HERE:
            if combine is None:
                self.__dict__["_value"] = np.array(arr, dtype=old.dtype)
            else:
                self.__dict__["_value"] = np.asarray(combine(old, arr))
        elif old.ndim == 0:  # NumPy scalars' operators give the ufunc's bits, 20x faster
            old[()] = arr if combine is None else combine(old[()], arr)
        elif combine is None:
            old[...] = arr
        else:
            into(old, arr)

    def assign(self, value, use_locking=None, name=None, read_value=True):
        """Sets the variable to `value` (same shape; Python values take the variable's dtype)."""

    def assign_add(self, delta, use_locking=None, name=None, read_value=True):
        """Adds `delta` to the variable and returns the variable."""

    def assign_sub(self, delta, use_locking=None, name=None, read_value=True):
        """Subtracts `delta` from the variable and returns the variable."""

    def __setitem__(self, key, value):
        raise TypeError(
            "'tapegrad.Variable' object does not support item assignment; use "
            "v.assign(tf.tensor_scatter_nd_update(...)) or assign a whole new value."
        )

    # -- printing -------------------------------------------------------------------------
    def __repr__(self):
        return (
            f"<tapegrad.Variable '{self.name}' shape={self.shape} dtype={self.dtype.name}, "
            f"numpy={_numpy_text(self._value, True)}>"
        )

    __str__ = __repr__


# assign, assign_add, assign_sub: one fast path for the three (see _assigning)
Variable.assign = _assigning(Variable.assign, "assign", None, None)
Variable.assign_add = _assigning(Variable.assign_add, "assign_add", _add, _iadd)
Variable.assign_sub = _assigning(Variable.assign_sub, "assign_sub", _sub, _isub)
