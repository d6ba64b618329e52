"""The shared optimizer base: everything but the update rule, with Keras 3's API.

The optimizer's state is Variables, listed by `optimizer.variables` in Keras's order: the step
count `iterations`, the `learning_rate` Variable (unless a schedule or callable gives the rate),
then the slots in the order `build` made them. A subclass makes its slots in `build` with
`add_variable_from_reference` and writes `update_step(gradient, variable, learning_rate)`,
which changes the variable and its slots only through `assign`, `assign_add` and `assign_sub`
(see `Optimizer`). Nothing is recorded on a tape.

Arithmetic follows Keras 3 with the TensorFlow backend op by op, in the variable's dtype: every
constant is cast to that dtype first, as Keras does, so float32 trajectories match Keras's.
The built-in rules compute in NumPy on values read with `np.asarray(variable)`, and use such a
value only before the variable's next assignment.
"""

import re
import sys
import weakref

import numpy as np

from ... import GradientTape, Tensor, Variable, as_dtype, executing_eagerly
from ...tracing import effect
from .. import backend, constraints, initializers
from ..variables import notifying_build
from . import schedules as _schedules
from .common import auto_name, is_number, keras_cast, warn
from .ema import check_ema_arguments, overwrite_with_averages, update_moving_averages
from .gradients import RowGradient, checked_gradients, clip_gradients, shape_and_dtype
from .optimizer_saving import OptimizerSaving
from .traced_update import traced_update
from .variables import OptimizerVariable, slot_name

_SCRATCH = weakref.WeakKeyDictionary()  # optimizer -> {(shape, dtype): two scratch arrays}
# The attributes that make a step more than the update (see Optimizer._is_plain).
_STEP_OPTIONS = frozenset({"built", "loss_scale_factor", "clipnorm", "global_clipnorm",
                           "clipvalue", "weight_decay", "use_ema", "_constrained"})


class Optimizer(OptimizerSaving):
    """Base class of the optimizers: `apply_gradients`, `minimize`, state and the shared options.

    A subclass makes its slots in `build` and writes `update_step`, as in Keras 3:

        class Momentum(Optimizer):
            def build(self, variables):
                if self.built:
                    return
                super().build(variables)
                self.velocities = self.add_optimizer_variables(variables, "velocity")

            def update_step(self, gradient, variable, learning_rate):
                v = self.velocities[self._get_variable_index(variable)]
                self.assign(v, 0.9 * v - learning_rate * gradient)
                self.assign_add(variable, v)

    `update_step` receives the gradient as a NumPy array of the variable's dtype (unscaled and
    clipped), and the step's rate as a 0-d array (float32 unless a schedule or callable gives
    another dtype); `iterations` still counts the steps before this one.

    Args:
        learning_rate: a float, a `LearningRateSchedule` (called with `iterations`) or a
            callable of no arguments returning the rate.
        weight_decay: if set, decoupled weight decay before each update, at the current rate:
            `w -= w * weight_decay * lr`.
        clipnorm: if set, each gradient is scaled so that its L2 norm is at most this.
        clipvalue: if set, each gradient is clipped elementwise to [-clipvalue, clipvalue].
        global_clipnorm: if set, all gradients are scaled together so that their global L2 norm
            is at most this. At most one of the three clipping options may be set.
        loss_scale_factor: if set, gradients are divided by it (`scale_loss` multiplies).
        name: the optimizer's name (Keras's snake_case of the class name by default); the
            prefix of its variables' paths.
        use_ema: keep an exponential moving average of each variable (a slot "average"),
            which replaces the variables at the end of `fit` (`finalize_variable_values`).
        ema_momentum: the average's decay, in [0, 1].
        ema_overwrite_frequency: if set, the variables are also replaced by their averages
            every this many steps.
        gradient_accumulation_steps: accepted at its default, for configs written by Keras;
            other values are not supported.
        lr: the old name of `learning_rate`, accepted with a DeprecationWarning.

    Raises:
        ValueError: if two clipping options are given, or an argument is unknown.
    """

    def __init__(
        self,
        learning_rate=0.001,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        # First, so that attribute tracking (`__setattr__`) knows super().__init__ ran.
        object.__setattr__(self, "_variables", [])
        if "lr" in kwargs:
            warn(
                "The `lr` argument is deprecated, use `learning_rate` instead.", DeprecationWarning
            )
            learning_rate = kwargs.pop("lr")
        if kwargs.pop("decay", None) is not None:
            warn("Argument `decay` is no longer supported and will be ignored.")
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        if gradient_accumulation_steps:
            raise NotImplementedError(
                f"{type(self).__name__}: `gradient_accumulation_steps` is not supported by "
                "tapegrad."
            )
        if use_ema:
            check_ema_arguments(ema_momentum, ema_overwrite_frequency)
        if sum(c is not None for c in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. Received: "
                f"clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}"
            )
        self.name = auto_name(type(self).__name__) if name is None else name
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.built = False
        self._trainable_variables = []
        self._trainable_variables_indices = {}  # id(variable) -> its index in the build list
        self._layouts = []  # (shape, dtype) of each variable `build` got, None if not float
        self._excluded = []  # the variables exempt from weight decay
        self._exclude_ids = set()
        self._exclude_pattern = None
        self._constrained = set()  # ids of the variables with a constraint (build fills it)
        self._rates = {}  # this step's {dtype: the rate in that dtype}
        self._constants = {}  # this step's {dtype: what `prepare` made of that rate}
        self._iterations = OptimizerVariable(0, "int64", "iteration", f"{self.name}/iteration")
        self._learning_rate = None
        self.learning_rate = learning_rate

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "build" in cls.__dict__:
            cls.build = notifying_build(cls.__dict__["build"])

    _variables = None  # the instance's list of its Variables, set first by __init__
    _plain = False  # see _is_plain

    def __setattr__(self, name, value):
        # As Keras, every Variable given to an attribute is optimizer state. (An attribute
        # read, not self.__dict__: that would make Python keep a dict for every optimizer,
        # whose attribute reads then cost more at every step.)
        variables = self._variables
        if variables is None:
            raise RuntimeError(
                f"In optimizer '{type(self).__name__}', you forgot to call `super().__init__()` "
                "as the first statement in the `__init__()` method. Go add it!"
            )
        if isinstance(value, Variable) and not any(value is v for v in variables):
            variables.append(value)
        object.__setattr__(self, name, value)
        if name in _STEP_OPTIONS:
            object.__setattr__(self, "_plain", self._is_plain())

    def _is_plain(self):
        """Whether a step is the update alone: built, and no loss scale, clipping, weight
        decay, moving averages or constraints (each step reads this one flag, which setting
        any of those attributes recomputes, instead of eight attributes)."""
        def get(name):
            return getattr(self, name, None)  # (not __dict__: see __setattr__)

        return bool(
            get("built") and get("loss_scale_factor") is None and not get("clipnorm")
            and not get("global_clipnorm") and not get("clipvalue")
            and get("weight_decay") is None and not get("use_ema") and not get("_constrained")
        )

    def __setstate__(self, state):
        # A copy (copy.deepcopy, pickle) has copies of the variables: key them by their new ids.
        self.__dict__.update(state)  # restored as saved: the variables are listed already
        self._trainable_variables_indices = {
            id(v): i for i, v in enumerate(self._trainable_variables)
        }
        self._exclude_ids = {id(v) for v in self._excluded}
        self._constrained = {id(v) for v in self._trainable_variables if v.constraint is not None}

    # -- state ----------------------------------------------------------------------------
    @property
    def variables(self):
        """The optimizer's state, as Keras 3 orders it: `iterations`, the learning rate
        Variable (if the rate is one), then the variables that `build` made, in order. These
        are the Variables themselves: assigning them restores a state."""
        return self._variables[:]

    @property
    def iterations(self):
        """The number of steps applied so far: an int64 Variable."""
        return self._iterations

    @property
    def learning_rate(self):
        """The rate: a float Variable, or a schedule's value at `iterations`.

        Setting it to a number assigns the Variable; a schedule or callable replaces it.

        Raises:
            TypeError: on setting a number when the optimizer was built with a schedule, or on
                setting something that is not a number, schedule or callable.
        """
        lr = self._learning_rate
        if isinstance(lr, _schedules.LearningRateSchedule):
            return lr(self._iterations)
        if isinstance(lr, Variable):
            return lr
        return lr()

    @learning_rate.setter
    def learning_rate(self, value):
        previous = self._learning_rate
        if isinstance(value, _schedules.LearningRateSchedule) or callable(value):
            self._learning_rate = value
            if isinstance(previous, Variable):  # no longer state: Keras untracks it
                self._variables[:] = [v for v in self._variables if v is not previous]
            return
        if isinstance(value, (Tensor, Variable)):
            value = value.numpy()
        if not is_number(value) and not (
            isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf"
        ):
            # Keras: a ValueError from the constructor, a TypeError from the setter.
            error = ValueError if previous is None else TypeError
            raise error(
                f"{type(self).__name__}: argument `learning_rate` should be float, or an instance "
                "of LearningRateSchedule, or a callable (that takes no arguments and returns the "
                f"learning rate). Received instead: learning_rate={value!r}"
            )
        if isinstance(previous, _schedules.LearningRateSchedule):
            raise TypeError(
                "This optimizer was created with a `LearningRateSchedule` object as its "
                "`learning_rate` constructor argument, hence its learning rate is not settable. "
                "If you need the learning rate to be settable, you should instantiate the "
                "optimizer with a float `learning_rate` argument."
            )
        if isinstance(previous, Variable):
            previous.assign(float(value))
        else:
            self._learning_rate = OptimizerVariable(
                float(value), backend.floatx(), "learning_rate", f"{self.name}/learning_rate"
            )

    def _current_lr(self):
        """The rate for this step as a 0-d array (float32 unless a callable says otherwise)."""
        lr = self._learning_rate
        if isinstance(lr, Variable):
            return lr.__array__()  # np.asarray(lr), without NumPy's protocol lookup (0.15 us)
        value = lr(self._iterations) if isinstance(lr, _schedules.LearningRateSchedule) else lr()
        value = np.asarray(value)
        if value.ndim != 0 or value.dtype.kind not in "fiu":
            raise TypeError(f"The learning rate must be a real scalar, got {value!r}")
        return value

    # -- making the state -----------------------------------------------------------------
    def build(self, variables):
        """Records the variables this optimizer updates; a subclass then makes their slots.

        `apply_gradients` calls it on first use with every variable it is given (those with a
        None gradient too, as Keras). A subclass's `build` returns at once if `self.built`,
        calls `super().build(variables)`, then makes its slots with `add_optimizer_variables`
        or `add_variable_from_reference`.

        Raises:
            TypeError: if an item of `variables` is not a tapegrad Variable.
            ValueError: if a hyperparameter is not a number.
        """
        self._check_hyperparameters()
        variables = list(variables)
        for v in variables:
            if not isinstance(v, Variable):
                raise TypeError(
                    f"{type(self).__name__}.build: expected a list of tapegrad Variables, got an "
                    f"item of type {type(v).__name__}"
                )
        self._trainable_variables_indices = {id(v): i for i, v in enumerate(variables)}
        self._trainable_variables = variables
        self._layouts = [shape_and_dtype(v) for v in variables]
        self._constrained = {id(v) for v in variables if v.constraint is not None}
        if self.use_ema:  # first, as Keras: before the subclass's slots
            self._model_variables_moving_average = self.add_optimizer_variables(
                variables, "average")
        self.built = True

    def _get_variable_index(self, variable):
        """The index of `variable` in the list `build` was given: its slots' index."""
        return self._trainable_variables_indices[id(variable)]

    def _track_variable(self, variable):
        if not any(variable is v for v in self._variables):
            self._variables.append(variable)

    def add_variable(
        self, shape, initializer="zeros", dtype=None, aggregation="none", layout=None, name=None
    ):
        """Makes a Variable of the optimizer's state and lists it in `variables`.

        Args:
            shape: its shape.
            initializer: an initializer, its name, or a callable `(shape, dtype)`.
            dtype: its dtype (default `keras.backend.floatx()`).
            aggregation, layout: accepted for Keras's signature; unused.
            name: its name; its path is "<optimizer name>/<name>".

        Returns:
            The new non-trainable Variable.
        """
        dtype = as_dtype(dtype or backend.floatx())
        value = initializers.get(initializer)(tuple(shape), dtype=dtype)
        name = "variable" if name is None else name
        variable = OptimizerVariable(value, dtype, name, f"{self.name}/{name}")
        self._track_variable(variable)
        return variable

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """Makes a slot of `reference_variable`'s shape and dtype (a momentum, say), named as
        Keras names it (see `variables.slot_name`): "sequential_dense_kernel_momentum" for the
        kernel whose path is "sequential/dense/kernel".

        Returns:
            The new non-trainable Variable, listed in `variables`.
        """
        name = slot_name(reference_variable, name or "var")
        return self.add_variable(
            reference_variable.shape, initializer, reference_variable.dtype, name=name
        )

    def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
        """One slot per variable for `name`, or for each of a list of names (then one list per
        name, made variable by variable: Keras's order, e.g. m0, v0, m1, v1, ...).

        Args:
            trainable_variables: the variables to make slots for.
            name: a slot name, or a list of them.
            initializer: one initializer for all, or a list of one per name.

        Returns:
            A list of slots, or a tuple of such lists when `name` is a list.

        Raises:
            ValueError: if the numbers of names and initializers differ.
        """
        names = [name] if isinstance(name, str) else list(name)
        if isinstance(initializer, (list, tuple)):
            inits = list(initializer)
        else:
            inits = [initializer] * len(names)
        if len(names) != len(inits):
            raise ValueError(
                "The number of provided names must match the number of provided initializers. "
                f"Received name='{name}', initializer='{initializer}'"
            )
        slots = tuple([] for _ in names)
        for variable in trainable_variables:
            for out, each, init in zip(slots, names, inits):
                out.append(self.add_variable_from_reference(variable, each, init))
        return slots[0] if isinstance(name, str) else slots

    # -- what a subclass defines ----------------------------------------------------------
    def update_step(self, gradient, variable, learning_rate):
        """Updates `variable` and its slots from `gradient`, through `assign`, `assign_add` and
        `assign_sub`."""
        raise NotImplementedError(
            f"{type(self).__name__} must define `update_step(gradient, variable, learning_rate)`."
        )

    def prepare(self, lr):
        """The per-step constants of a built-in rule, made once per step and dtype.

        `lr` is the step's rate as a 0-d array of the variables' dtype; the default returns it.
        A rule computes its scalars here (bias corrections, cast hyperparameters), in Keras's
        order of operations, and returns them as 0-d arrays too: NumPy multiplies an array by
        a 0-d array faster than by a NumPy scalar. `update_step` gets them from
        `self._prepared(learning_rate, gradient.dtype)`.
        """
        return lr

    def _prepared(self, learning_rate, dtype):
        constants = self._constants.get(dtype)
        if constants is None:
            constants = self._constants[dtype] = self.prepare(self._rate(learning_rate, dtype))
        return constants

    def _rate(self, learning_rate, dtype):
        """This step's rate in `dtype`, cast once per step."""
        rate = self._rates.get(dtype)
        if rate is None:
            rate = learning_rate if learning_rate.dtype == dtype else learning_rate.astype(dtype)
            self._rates[dtype] = rate
        return rate

    def assign(self, variable, value):
        """`variable.assign(value)`: how update rules set a variable or slot."""
        variable.assign(value)

    def assign_add(self, variable, value):
        """`variable.assign_add(value)`: how update rules add to a variable or slot."""
        variable.assign_add(value)

    def assign_sub(self, variable, value):
        """`variable.assign_sub(value)`: how update rules subtract from a variable or slot."""
        variable.assign_sub(value)

    # -- the update -----------------------------------------------------------------------
    def apply(self, grads, trainable_variables=None):
        """Keras 3's form of `apply_gradients`: gradients and variables as two lists. No
        gradients at all is a no-op, as Keras.

        Raises:
            ValueError: if `trainable_variables` is None and `build` was not called with as
                many variables as there are gradients.
        """
        if len(grads) == 0:
            return None
        if trainable_variables is None:
            trainable_variables = self._trainable_variables
            if not self.built or len(trainable_variables) != len(grads):
                raise ValueError(
                    "When passing `grads` without `variables`, the optimizer must already be "
                    "built on a list of as many variables: call `optimizer.build(variables)`."
                )
        return self.apply_gradients(zip(grads, trainable_variables))

    def apply_gradients(self, grads_and_vars):
        """Applies one update to each variable and advances `iterations`.

        The first call builds the optimizer on all the variables it is given. Everything is
        checked before anything changes: on an error no variable, slot or iteration count has
        moved, and a first call that fails builds nothing.

        Args:
            grads_and_vars: a list, zip or any iterable of (gradient, variable) pairs. A None
                gradient is skipped with a warning naming its variable.

        Returns:
            `iterations`.

        Raises:
            InvalidArgumentError: (a ValueError) if a gradient's shape differs from its
                variable's.
            ValueError: if all gradients are None, or a variable is not one the optimizer was
                built with.
            TypeError: if an item is not a (gradient, variable) pair, a variable is not a
                floating-point tapegrad Variable, or a gradient is not real.
        """
        if not self.built:
            self._check_hyperparameters()
        variables, grads, updated = checked_gradients(self, grads_and_vars)
        return self._apply_checked(variables, grads, updated)

    # One instruction of a traced program (tf.function), replayed without the checks that the
    # trace fixed (traced_update.py).
    apply_gradients = effect(apply_gradients, replay=traced_update(apply_gradients))

    def _apply_checked(self, variables, grads, updated):
        """`apply_gradients` once `checked_gradients` has made (variables, grads, updated):
        the update, which raises only where the rate cannot be read or clipping fails, before
        anything changes."""
        lr = self._current_lr()
        plain = self._plain  # the usual step, the update alone: none of the options below
        if not plain:
            if self.loss_scale_factor is not None or (
                self.clipnorm or self.global_clipnorm or self.clipvalue
            ):
                grads = clip_gradients(self, grads)
            if not self.built:
                constraints.check_variables(variables)
                # Nothing below raises: every argument was checked above.
                self.build(variables)
        if self._rates:  # this step's rates and constants are made anew
            self._rates.clear()
            self._constants.clear()
        if not plain and self.weight_decay is not None:
            self._apply_weight_decay(updated, lr)
        self._backend_update_step(grads, updated, lr)
        if not plain:
            if self.use_ema:
                update_moving_averages(self)
            if self._constrained:  # Keras 3: each variable projected after its update
                constraints.apply_to([v for v in updated if id(v) in self._constrained])
        self._iterations.assign_add(1)
        return self._iterations

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        """Calls `update_step` for each variable (Nadam first updates its shared product), or
        `sparse_update_step` for an IndexedSlices gradient."""
        update_step = self.update_step
        for g, v in zip(grads, trainable_variables):
            if type(g) is RowGradient:
                if not executing_eagerly():  # a tracer hears of assignments: the dense rule's
                    update_step(g.dense(), v, learning_rate)
                else:
                    self.sparse_update_step(g, v, learning_rate)
            elif g.ndim:
                update_step(g, v, learning_rate)
            else:  # a 0-d variable's: NumPy scalars, whose arithmetic gives the bits of 0-d
                # arrays' ten times faster (0.04 us a multiply instead of 0.4)
                update_step(g[()], v, learning_rate[()])

    def sparse_update_step(self, gradient, variable, learning_rate):
        """The update for a gradient that was IndexedSlices: `gradient` has the distinct row
        `indices` and their summed `values` (a `RowGradient`).

        A rule whose result differs from its dense update only in the given rows overrides it
        to touch just those rows (see `_writable`); this default applies the dense update to
        the gradient made dense, which any `update_step` accepts.
        """
        self.update_step(gradient.dense(), variable, learning_rate)

    def _scratch(self, variable):
        """Two arrays of `variable`'s shape and dtype for a sparse rule's dense temporaries,
        kept between steps: a large table's temporaries then cost no fresh memory (whose
        first touch costs as much as the arithmetic) each step. Not state: never saved."""
        value = np.asarray(variable)
        key = (value.shape, value.dtype)
        cache = _SCRATCH.setdefault(self, {})
        if key not in cache:
            cache[key] = (np.empty(key[0], key[1]), np.empty(key[0], key[1]))
        return cache[key]

    @staticmethod
    def _writable(variable):
        """`variable`'s array, for a sparse rule to update in place: a copy first (which the
        variable then holds) if anything else holds the array, such as a tensor read before,
        so that what was read keeps its value, as TensorFlow's copy-on-write does."""
        arr = np.asarray(variable)  # the variable's own array, not a copy
        # references: the variable's, `arr` and getrefcount's argument
        if sys.getrefcount(arr) > 3 or not arr.flags.writeable or arr.base is not None:
            variable.assign(arr)  # assign holds a copy
            arr = np.asarray(variable)
        return arr

    def finalize_variable_values(self, var_list):
        """Sets the variables' final values at the end of training (`fit` calls it): under
        `use_ema`, their moving averages.

        Raises:
            ValueError: if `var_list` is not as long as the list the optimizer was built on.
        """
        if self.use_ema:
            overwrite_with_averages(self, var_list)

    # -- weight decay ---------------------------------------------------------------------
    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Exempts variables from weight decay: those in `var_list`, and those whose name
        contains one of the strings in `var_names`."""
        self._excluded = list(var_list or ())
        self._exclude_ids = {id(v) for v in self._excluded}
        self._exclude_pattern = re.compile("|".join(set(var_names))) if var_names else None

    def _use_weight_decay(self, v):
        if id(v) in self._exclude_ids:
            return False
        return self._exclude_pattern is None or self._exclude_pattern.search(v.name) is None

    def _apply_weight_decay(self, variables, learning_rate):
        # Keras's TensorFlow backend: `variable.assign_sub(variable * wd * lr)` in its dtype.
        for v in variables:
            if self._use_weight_decay(v):
                w = np.asarray(v)
                lr = self._rate(learning_rate, w.dtype)
                self.assign_sub(v, w * keras_cast(self.weight_decay, w.dtype.type) * lr)

    # -- minimize -------------------------------------------------------------------------
    def scale_loss(self, loss):
        """Returns `loss * loss_scale_factor`, or `loss` when no factor is set."""
        return loss if self.loss_scale_factor is None else loss * self.loss_scale_factor

    def minimize(self, loss, var_list, tape=None):
        """Computes the gradients of `loss` with respect to `var_list` and applies them.

        Args:
            loss: a callable of no arguments returning the loss, or a loss tensor recorded by
                `tape`.
            var_list: a list of Variables, or a callable returning one (called after `loss`).
            tape: the GradientTape that recorded a tensor `loss`.

        Returns:
            `iterations`.

        Raises:
            ValueError: if `loss` is a tensor and no `tape` is given.
        """
        if not callable(loss) and tape is None:
            raise ValueError("`tape` is required when a `Tensor` loss is passed.")
        tape = GradientTape() if tape is None else tape
        if callable(loss):
            with tape:
                if not callable(var_list):
                    tape.watch(var_list)
                loss = loss()
        if callable(var_list):
            var_list = var_list()
        var_list = list(var_list)
        grads = tape.gradient(loss, var_list)
        return self.apply_gradients(zip(grads, var_list))
