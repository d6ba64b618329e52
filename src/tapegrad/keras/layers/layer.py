"""`Layer`, the base class of layers.

A layer owns weights (`add_weight`), sublayers (any Layer assigned to an attribute), losses
added during `call` (`add_loss`) and regularization penalties. Calling a layer on real data
runs `call`; calling it on a KerasTensor records a node of a functional graph instead, and
gives the output's shape by running `call` once on zeros.
"""

import inspect

import numpy as np

import tapegrad as tf

from .. import backend, constraints, initializers, mixed_precision, regularizers
from ..keras_tensor import KerasTensor
from ..node import Node
from ..tracking import Tracker
from ..tree import flatten
from ..variables import KerasVariable, assign_values
from . import layer_config, masking_utils, symbolic

__all__ = ["Layer"]


_Tensor = tf.Tensor
_Variable = tf.Variable


class _CallContext:
    """The state of the layer calls in progress: nesting depth and the outer `training`."""

    depth = 0
    training = None
    # Set while `Model.build` runs the model on stand-in data for an unknown batch size: the
    # shapes its layers record for `summary()` then have None as their batch dimension.
    unknown_batch = False
    # Set while a layer runs on stand-in data to find the shapes of a symbolic call: state
    # (a stateful RNN's) must not take the stand-ins' results.
    symbolic = False


_CTX = _CallContext()


def _training_parameter(layer):
    """(whether `layer.call` takes `training`, its default: None when it has none)."""
    try:
        parameter = inspect.signature(layer.call).parameters.get("training")
    except (TypeError, ValueError):
        return False, None
    if parameter is None:
        return False, None
    default = parameter.default
    return True, None if default is inspect.Parameter.empty else default


class Layer(layer_config.LayerSaving, tf.Module):
    """The base class of layers; subclass it and write `build` and `call`.

    Args:
        trainable: whether the layer's weights are trained.
        name: the layer's name (unique by default: "dense", "dense_1", ...).
        dtype: the dtype of weights and computations (default `keras.backend.floatx()`).
        activity_regularizer: a penalty on the layer's outputs, added to `losses`.
        input_shape: the shape of one sample (a first layer of a Sequential model).
        input_dim: shorthand for `input_shape=(input_dim,)`.
        batch_size: the batch size of `input_shape`.

    Example:
        >>> class Scale(keras.layers.Layer):
        ...     def build(self, input_shape):
        ...         self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")
        ...     def call(self, x):
        ...         return x * self.w
    """

    # The name is a plain instance attribute (set in __init__, assignable), not tf.Module's
    # read-only property.
    name = None
    # Attributes whose values the layer does not own (a Sequential model's input layer is not
    # one of its layers, a stateful RNN's state variables are not its weights): assigning to
    # them tracks nothing, as Keras's `no_automatic_dependency_tracking`.
    _untracked_attributes = frozenset()
    # Layers that take a tf.RaggedTensor as it is (the lookup layers, as Keras 3 on
    # TensorFlow); others convert their inputs to dense arrays.
    _accepts_ragged = False

    def __new__(cls, *args, **kwargs):
        obj = object.__new__(cls)
        layer_config.record_constructor(obj, cls, args, kwargs)
        # Made here, not in __init__, so that a subclass may assign sublayers and variables
        # before calling `super().__init__()`, as in Keras.
        obj._layers = []
        obj._trainable_weights = []
        obj._non_trainable_weights = []
        obj._tracker = Tracker(obj._layers, obj._trainable_weights, obj._non_trainable_weights)
        return obj

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "build" in cls.__dict__:
            cls.build = layer_config.wrap_build(cls.__dict__["build"])

    def __init__(
        self,
        trainable=True,
        name=None,
        dtype=None,
        activity_regularizer=None,
        input_shape=None,
        input_dim=None,
        batch_input_shape=None,
        batch_size=None,
        autocast=True,
        **kwargs,
    ):
        kwargs.pop("dynamic", None)
        if kwargs:
            raise ValueError(
                f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}"
            )
        try:
            policy = mixed_precision.get(dtype)
        except (TypeError, ValueError):
            raise ValueError(
                f"{type(self).__name__}: invalid dtype {dtype!r}; use a float type such as "
                "'float32', a policy such as 'mixed_float16' (or the dtype of the data, for an "
                "Input)."
            ) from None
        compute = tf.as_dtype(policy.compute_dtype)
        if input_dim is not None and input_shape is None:
            input_shape = (input_dim,)
        if batch_input_shape is None and input_shape is not None:
            batch_input_shape = (batch_size,) + tuple(input_shape)
        if name is None:
            name = backend.unique_name(backend.to_snake_case(type(self).__name__))
        self.name = name
        self.built = False
        self._dtype_policy = policy
        self._dtype = compute  # the compute dtype, which inputs are cast to
        self._np_dtype = np.dtype(compute.as_numpy_dtype)
        self._variable_dtype = tf.as_dtype(policy.variable_dtype)
        # Whether `call` reads the variables in the compute dtype (mixed precision).
        self._autocast_variables = policy.compute_dtype != policy.variable_dtype
        self._trainable = bool(trainable)
        self._losses = []
        self._regularizers = []
        self._inbound_nodes = []
        self._batch_input_shape = None if batch_input_shape is None else tuple(batch_input_shape)
        self._takes_training, self._training_default = _training_parameter(self)
        self.autocast = autocast
        self.activity_regularizer = regularizers.get(activity_regularizer)
        # As Keras 3: a layer that defines compute_mask supports masking (and may make a
        # mask of its own, so its calls always look at masks, unless its compute_mask only
        # passes masks on: see masking_utils.propagates_only).
        compute_mask = type(self).compute_mask
        self.supports_masking = compute_mask is not Layer.compute_mask
        self._makes_masks = self.supports_masking and not getattr(
            compute_mask, "propagates_only", False)

    # -- tracking (see keras/tracking.py) ---------------------------------------------------
    def __setattr__(self, name, value):
        # A Layer or Variable assigned to an attribute is owned (a sublayer or a weight); so
        # are those in a list or tuple assigned to a public attribute.
        if name in self._untracked_attributes:
            pass
        elif isinstance(value, Layer):
            self._tracker.add_layer(value)
        elif isinstance(value, _Variable):
            self._tracker.add_variable(value)
        elif isinstance(value, (list, tuple)) and not name.startswith("_"):
            for item in value:
                if isinstance(item, Layer):
                    self._tracker.add_layer(item)
                elif isinstance(item, _Variable):
                    self._tracker.add_variable(item)
        object.__setattr__(self, name, value)

    def __setstate__(self, state):
        # Unpickling or copying: the state is restored as saved, then the tracker links the
        # sublayers to it again (its links to owners are weak references, not saved).
        made = getattr(self, "_tracker", None)
        self.__dict__.update(state)
        self._tracker.relink(made)

    # -- weights --------------------------------------------------------------------------
    def add_weight(self, *args, **kwargs):
        # tf.keras's tutorials write add_weight("kernel", shape=...): the name by position and
        # the shape by keyword, which Python cannot bind to Keras 3's order (shape first).
        if args and isinstance(args[0], str) and "shape" in kwargs and "name" not in kwargs:
            kwargs["name"], args = args[0], args[1:]
        return self._add_weight(*args, **kwargs)

    def _add_weight(
        self,
        shape=None,
        initializer=None,
        dtype=None,
        trainable=True,
        autocast=True,
        regularizer=None,
        constraint=None,
        aggregation=None,
        name=None,
        **kwargs,
    ):
        """Creates a weight (a tapegrad Variable) owned by this layer.

        Accepts Keras 3's order (`shape` first) and tf.keras's (`name` first).

        Args:
            shape: the weight's shape (default scalar).
            initializer: a name, Initializer or callable (default "glorot_uniform" for floats,
                "zeros" otherwise).
            dtype: the weight's dtype (default the layer's variable dtype).
            trainable: whether optimizers train it.
            autocast: whether `call` reads it in the layer's compute dtype under a mixed
                precision policy (as Keras 3; a moving statistic says False).
            regularizer: a penalty on it, added to `losses`.
            constraint: a `keras.constraints` name or object (or any function of the
                variable), kept as `variable.constraint`: every optimizer projects the
                variable with it after each update.
            name: the variable's name; its `path` is the layer's, e.g.
                "sequential/dense/kernel".

        Returns:
            The Variable.
        """
        if isinstance(shape, str):  # tf.keras order: add_weight(name, shape, dtype, ...)
            name, shape = shape, initializer
            initializer = kwargs.pop("initializer", None)
        kwargs.pop("use_resource", None)
        kwargs.pop("synchronization", None)
        if kwargs:
            raise TypeError(f"add_weight: unexpected argument(s) {', '.join(sorted(kwargs))}")
        dtype = tf.as_dtype(dtype or self._variable_dtype)
        if initializer is None:
            initializer = "glorot_uniform" if dtype.is_floating else "zeros"
        init = initializers.get(initializer)
        shape = () if shape is None else tuple(int(d) for d in shape)
        # Lifted out of a tf.function being traced, as Keras's variables initialize under
        # tf.init_scope: a model built by its first traced call draws its initial weights once,
        # eagerly, and the trace goes on.
        with tf.init_scope():
            value = tf.cast(init(shape, dtype=dtype), dtype)
        name = "variable" if name is None else str(name)
        v = KerasVariable(
            value,
            dtype,
            name,
            layer_config.variable_path(self, name),
            trainable=bool(trainable),
            constraint=constraints.get(constraint),
            autocast=bool(autocast),
        )
        reg = regularizers.get(regularizer)
        if reg is not None:
            self._regularizers.append((reg, v))
        self._tracker.add_variable(v, bool(trainable))
        return v

    add_weight.__doc__ = _add_weight.__doc__

    @property
    def trainable(self):
        """Whether training updates the layer's weights; setting it sets its sublayers' too."""
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        self._tracker.changed()
        for layer in self._layers:
            layer.trainable = value

    @property
    def name_scope(self):
        """A `tf.name_scope` of the layer's name."""
        return tf.name_scope(self.name)

    @property
    def submodules(self):
        """The layers inside this one (its sublayers and theirs), in the order they were
        added: a Keras layer is a `tf.Module`."""
        return tuple(self._flatten_layers(include_self=False))

    def _flatten_layers(self, include_self=True):
        out = [self] if include_self else []
        for layer in self._layers:
            out.extend(layer._flatten_layers())
        return out

    def _collect(self):
        """(trainable, non-trainable, all) variables of the layer and its sublayers, kept by
        the tracker until something below the layer changes: a training step reads them on
        every call."""
        gathered = self._tracker.gathered
        if gathered is not None:
            return gathered
        trainable, frozen, weights, seen = [], [], [], set()
        for layer in self._flatten_layers():
            for v in layer._trainable_weights:
                if id(v) not in seen:
                    seen.add(id(v))
                    weights.append(v)
                    (trainable if layer.trainable else frozen).append(v)
            for v in layer._non_trainable_weights:
                if id(v) not in seen:
                    seen.add(id(v))
                    weights.append(v)
                    frozen.append(v)
        gathered = self._tracker.gathered = (trainable, frozen, weights)
        return gathered

    @property
    def trainable_weights(self):
        """The weights that training updates, this layer's first, then its sublayers'."""
        return list(self._collect()[0])

    @property
    def non_trainable_weights(self):
        return list(self._collect()[1])

    @property
    def weights(self):
        """All weights, each layer's trainable then non-trainable ones, in creation order."""
        return list(self._collect()[2])

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights
    variables = weights

    def get_weights(self):
        """The weights' values as a list of NumPy arrays."""
        return [np.array(v.numpy()) for v in self.weights]

    def set_weights(self, weights):
        """Sets the weights from a list of NumPy arrays (in the order of `weights`).

        Raises:
            ValueError: if the count or a shape differs, before anything is assigned.
        """
        assign_values(
            self.weights,
            weights,
            lambda want, got: f"Layer '{self.name}' expects {want} weight arrays, got {got}",
            lambda v, shape: (
                f"Layer '{self.name}': weight '{v.name}' has shape {tuple(v.shape)}, but the "
                f"value given has shape {shape}"
            ),
        )

    def count_params(self):
        """The number of scalars in the layer's weights.

        Raises:
            ValueError: if the layer is not built yet (its weights do not exist).
        """
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer '{self.name}', but the layer isn't "
                "built. You can build it manually via: `layer.build(input_shape)`, or call it "
                "on data first."
            )
        return int(sum(int(np.prod(v.shape)) for v in self.weights))

    # -- losses ---------------------------------------------------------------------------
    def add_loss(self, loss):
        """Adds a loss tensor (computed in `call`) to `losses`; it is cleared at the next call."""
        if not self._tracker.adds_losses:
            self._tracker.mark_adds_losses()
        self._losses.append(loss)

    @property
    def losses(self):
        """The losses added during the last call, then the weight-regularization penalties, of
        this layer and its sublayers."""
        out = []
        for layer in self._flatten_layers():
            out.extend(layer._losses)
            for reg, v in layer._regularizers:
                out.append(reg(v))
        return out

    def _clear_losses(self):
        for layer in self._flatten_layers():
            if layer._losses:
                layer._losses.clear()

    # -- building and calling --------------------------------------------------------------
    def build(self, input_shape=None):
        """Creates the weights, given the input shape. The default creates none."""
        self.built = True

    def call(self, inputs, *args, **kwargs):
        return inputs

    def _maybe_build(self, inputs):
        if not self.built:
            shape = symbolic.shape_of(inputs)
            self.build(shape)
            self.built = True
            if type(self).build is not Layer.build:
                # As Keras's build shapes: `summary()` of a subclassed model shows the output
                # shape of each layer built this way.
                self._build_shape = symbolic.unknown_batch(shape) if _CTX.unknown_batch else shape
            self._tracker.changed()

    def _convert(self, x):
        if isinstance(x, _Tensor):
            if self.autocast:
                dt = x.dtype
                if dt != self._dtype and dt.is_floating:
                    return tf.cast(x, self._dtype)
            return x
        if isinstance(x, np.ndarray):
            if x.dtype.kind == "f" and x.dtype != self._np_dtype:
                x = x.astype(self._np_dtype)
            elif x.dtype.kind not in "biufc":
                raise ValueError(
                    f"Layer '{self.name}' ({type(self).__name__}) received an input of dtype "
                    f"{x.dtype} and shape {x.shape}; layers compute on numbers: convert the data "
                    "to a numeric dtype first."
                )
            return tf.convert_to_tensor(x)
        if isinstance(x, (_Variable, KerasTensor)) or x is None:
            return x
        if self._accepts_ragged and isinstance(x, tf.RaggedTensor):
            return x
        if isinstance(x, (list, tuple)) and not _nested_numbers(x):
            return type(x)(self._convert(v) for v in x)
        if isinstance(x, dict):
            return {k: self._convert(v) for k, v in x.items()}
        try:
            arr = np.asarray(x)
        except ValueError:
            raise ValueError(
                f"Layer '{self.name}' ({type(self).__name__}) received an input that is not a "
                f"rectangular array (ragged nested lists?): {type(x).__name__}"
            ) from None
        return self._convert(arr)

    def __call__(self, inputs, *args, **kwargs):
        raw = inputs
        if type(inputs) is _Tensor and not args:
            # The common case, kept short: layer calls are most of a small model's step.
            if self.autocast:
                dt = inputs.dtype
                if dt is not self._dtype and dt.is_floating and dt != self._dtype:
                    inputs = tf.cast(inputs, self._dtype)
        elif symbolic.is_symbolic(inputs) or any(isinstance(a, KerasTensor) for a in args):
            return self._symbolic_call(inputs, args, kwargs)
        else:
            inputs = self._convert(inputs)
        if masking_utils.MASKS_USED[0] and inputs is not raw:
            masking_utils.copy_masks(raw, inputs)  # a converted input keeps its mask
        if not self.built:
            return self._first_call(inputs, args, kwargs)
        ctx = _CTX
        outer = ctx.training
        if self._takes_training:
            # As Keras 3: the call's own `training`, else the outer call's, else the default of
            # this layer's `call` (True for the augmentation layers: a direct call augments),
            # which the layers inside it then see as the outer call's.
            training = kwargs.get("training")
            if training is None:
                training = outer if outer is not None else self._training_default
                kwargs["training"] = training
            ctx.training = training
        elif kwargs and "training" in kwargs:
            training = kwargs.pop("training")
            if training is not None:
                ctx.training = training
        if not ctx.depth and self._tracker.adds_losses:
            self._clear_losses()
        masking = masking_utils.MASKS_USED[0] or self._makes_masks or "mask" in kwargs
        if masking:
            previous_mask = masking_utils.before_call(self, raw, args, kwargs)
        ctx.depth += 1
        try:
            if self._autocast_variables:
                with layer_config.variables_in_compute_dtype(self):
                    outputs = self.call(inputs, *args, **kwargs)
            else:
                outputs = self.call(inputs, *args, **kwargs)
        finally:
            ctx.depth -= 1
            ctx.training = outer
        if masking:
            masking_utils.after_call(self, raw, outputs, previous_mask)
        if self.activity_regularizer is not None:
            for out in flatten(outputs):
                if not tf.is_tensor(out):
                    continue
                loss = self.activity_regularizer(out)
                if len(out.shape):  # as Keras 3: per sample, divided by the batch size (an
                    # empty batch's penalty, 0, stays 0: Keras divides with divide_no_nan)
                    batch = tf.maximum(tf.shape(out)[0], 1)
                    loss = tf.divide(loss, tf.cast(batch, loss.dtype))
                self.add_loss(loss)
        return outputs

    def _first_call(self, inputs, args, kwargs):
        # Inside the layer's name scope, so that the sublayers it builds get its path.
        with layer_config.scope(self):
            self._maybe_build(inputs)
            return self(inputs, *args, **kwargs)

    def _symbolic_call(self, inputs, args, kwargs):
        with layer_config.scope(self):
            if not self.built:
                self.build(symbolic.shape_of(inputs))
                self.built = True
                self._tracker.changed()
            outputs, shapes = symbolic.output_shapes(self, (inputs, args, kwargs), _CTX)
        shapes = symbolic.declared_unknowns(self, inputs, shapes, Layer.compute_output_shape)
        index = len(self._inbound_nodes)
        packed = symbolic.keras_tensors(self, index, inputs, outputs, shapes)
        self._inbound_nodes.append(Node(self, inputs, args, kwargs, packed))
        return packed

    # -- functional-API accessors ---------------------------------------------------------
    @property
    def input(self):
        """The symbolic input of the layer's first call in a functional graph."""
        return self._node(0).inputs

    @property
    def output(self):
        """The symbolic output of the layer's first call in a functional graph."""
        return self._node(0).outputs

    def _node(self, i):
        if not self._inbound_nodes:
            raise AttributeError(
                f"Layer '{self.name}' has never been called on a symbolic input, so it has no "
                "defined input or output."
            )
        return self._inbound_nodes[i]

    @property
    def dtype(self):
        """The dtype of the layer's weights (Keras 3's `layer.dtype`)."""
        return self._variable_dtype.name

    @property
    def compute_dtype(self):
        """The dtype inputs are cast to and computations use."""
        return self._dtype.name

    @property
    def variable_dtype(self):
        return self._variable_dtype.name

    @property
    def dtype_policy(self):
        """The layer's `keras.mixed_precision.DTypePolicy`."""
        return self._dtype_policy

    @property
    def path(self):
        """The layer's name scope path (its name, inside the layers that built it)."""
        return getattr(self, "_path", self.name)

    def compute_mask(self, inputs, previous_mask):
        """The mask of the outputs, given the inputs and their mask: by default the mask
        received (Keras 3's). Used when `supports_masking` is True."""
        return previous_mask

    def compute_output_shape(self, input_shape):
        """The output shape for an input shape, by running `call` once on zeros."""
        out = self(symbolic.keras_input(input_shape, self._dtype))
        return symbolic.shape_of(out) if not isinstance(out, KerasTensor) else tuple(out.shape)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


Layer.build = layer_config.wrap_build(Layer.build)


def _nested_numbers(x):
    """Whether `x` is nested lists of Python numbers (one array's data, not a list of inputs)."""
    if isinstance(x, (list, tuple)):
        return bool(x) and all(_nested_numbers(v) for v in x)
    return isinstance(x, (int, float, np.number))
