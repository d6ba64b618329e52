"""Core layers: Dense, Activation, Dropout, Flatten, Reshape, Lambda."""

import numpy as np

import tapegrad as tf

from .. import activations, backend, constraints, initializers, regularizers
from .arguments import check_float, check_integer, check_shape
from .layer import Layer

__all__ = ["Activation", "ActivityRegularization", "Dense", "Dropout", "Flatten", "Identity",
           "Lambda", "Reshape"]


class Dense(Layer):
    """A fully connected layer: `activation(inputs @ kernel + bias)`.

    Args:
        units: the output size.
        activation: a name ("relu", ...), a callable, or None (linear).
        use_bias: whether to add a bias.
        kernel_initializer, bias_initializer: how the weights start ("glorot_uniform" and
            "zeros").
        kernel_regularizer, bias_regularizer: penalties added to `losses`.
        activity_regularizer: a penalty on the output.
        kernel_constraint, bias_constraint: `keras.constraints` (names or objects) that
            optimizers apply to the weights after each update.
        **kwargs: Layer's (name, input_shape, trainable, dtype, ...).
    """

    def __init__(
        self,
        units,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        lora_rank=None,
        lora_alpha=None,
        quantization_config=None,
        **kwargs,
    ):
        units = check_integer("Dense", "units", units, minimum=1)
        if lora_rank or quantization_config:
            raise NotImplementedError(
                "Dense: LoRA and quantization (`lora_rank`, `quantization_config`) are not "
                "supported by tapegrad."
            )
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self._linear = self.activation is activations.linear
        self.supports_masking = True

    def build(self, input_shape):
        if input_shape and isinstance(input_shape[0], (list, tuple)):
            raise ValueError(
                f"Layer '{self.name}' (Dense) expects a single input tensor, but it received "
                f"{len(input_shape)} inputs of shapes {[tuple(s) for s in input_shape]} (ragged "
                "nested lists are read as a list of inputs)."
            )
        if len(input_shape) < 2:
            raise ValueError(
                f"Input 0 of layer '{self.name}' (Dense) is incompatible with the layer: "
                f"expected min_ndim=2, found ndim={len(input_shape)}. Full shape received: "
                f"{tuple(input_shape)}. Give it a batch of feature vectors, shape (batch, "
                "features)."
            )
        last = input_shape[-1]
        if last is None:
            raise ValueError(
                f"Dense '{self.name}': the last input dimension must be known, got "
                f"input shape {tuple(input_shape)}"
            )
        self.kernel = self.add_weight(
            shape=(last, self.units),
            initializer=self.kernel_initializer,
            name="kernel",
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(self.units,),
                initializer=self.bias_initializer,
                name="bias",
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        else:
            self.bias = None
        self.built = True

    def call(self, inputs):
        if not inputs.dtype.is_floating:
            # Integer and boolean features: Keras's matmul promotes them to the kernel's type.
            inputs = tf.cast(inputs, self.kernel.dtype)
        try:
            x = tf.matmul(inputs, self.kernel)
        except tf.errors.InvalidArgumentError:
            shape = tuple(inputs.shape)
            if len(shape) >= 2 and shape[-1] == self.kernel.shape[0]:
                raise
            raise self._incompatible(shape) from None
        if self.use_bias:
            x = tf.add(x, self.bias)
        if self._linear:
            return x
        return self.activation(x)

    def _incompatible(self, shape):
        if len(shape) < 2:
            expected = f"expected min_ndim=2, found ndim={len(shape)}"
        else:
            expected = (
                f"expected axis -1 of input shape to have value {self.kernel.shape[0]}, but "
                f"received input with shape {shape}"
            )
        return ValueError(
            f"Input 0 of layer '{self.name}' (Dense) is incompatible with the layer: {expected}. "
            f"The layer was built for inputs of {self.kernel.shape[0]} features."
        )

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "quantization_config": None,
        }


class Activation(Layer):
    """Applies an activation function (a name or a callable)."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.supports_masking = True

    def call(self, inputs):
        return self.activation(inputs)

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


class Dropout(Layer):
    """Zeroes a fraction `rate` of the inputs during training and scales the rest by
    1 / (1 - rate); the identity at inference.

    Args:
        rate: the fraction dropped, in [0, 1).
        noise_shape: the shape of the keep mask (broadcast to the input), e.g. (batch, 1, d).
        seed: an integer for a private random stream.
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        rate = check_float("Dropout", "rate", rate, 0.0, 1.0)
        if rate == 1.0:
            # Keras accepts 1 here and fails when the layer runs; everything would be dropped.
            raise ValueError(
                "Dropout: invalid value received for argument `rate`. Expected a float value "
                "in [0, 1): a rate of 1 drops every input. Received: rate=1.0"
            )
        if noise_shape is not None:
            if not isinstance(noise_shape, (tuple, list)):
                raise ValueError(
                    "Dropout: invalid value received for argument `noise_shape`. Expected a "
                    f"tuple or list of integers. Received: noise_shape={noise_shape!r}"
                )
            noise_shape = check_shape("Dropout", "noise_shape", noise_shape)
        seed = check_integer("Dropout", "seed", seed, 0, allow_none=True)
        super().__init__(**kwargs)
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed
        self._rng = None if seed is None else np.random.default_rng(seed)
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        inputs = tf.convert_to_tensor(inputs)
        shape = tuple(inputs.shape)
        if self.noise_shape is not None:
            shape = tuple(s if n is None else n for s, n in zip(shape, self.noise_shape))
        rate, dtype = self.rate, inputs.dtype.as_numpy_dtype

        def scale():  # drawn at each call, also of a traced step
            keep = (self._rng or backend.rng()).random(shape) >= rate
            return (keep / (1.0 - rate)).astype(dtype)

        return tf.multiply(inputs, tf.tracing.draw(scale))

    def get_config(self):
        return {
            **super().get_config(),
            "rate": self.rate,
            "seed": self.seed,
            "noise_shape": self.noise_shape,
        }


class Identity(Layer):
    """Returns its inputs unchanged (any structure), masks included: a placeholder layer."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape


class ActivityRegularization(Layer):
    """Returns its inputs unchanged and adds `l1 * sum(|x|) + l2 * sum(x**2)` of them to the
    model's losses (Keras 3's: an L1L2 activity regularizer).

    Args:
        l1: the L1 factor (a float >= 0).
        l2: the L2 factor (a float >= 0).
    """

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.supports_masking = True
        self.l1 = l1
        self.l2 = l2
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.pop("activity_regularizer", None)
        return {**config, "l1": self.l1, "l2": self.l2}


class Flatten(Layer):
    """Reshapes each sample to one dimension: (batch, ...) -> (batch, prod(...))."""

    def __init__(self, data_format=None, **kwargs):
        if data_format not in (None, "channels_last", "channels_first"):
            raise ValueError(
                "Flatten: the `data_format` argument must be one of {'channels_first', "
                f"'channels_last'}}. Received: data_format={data_format!r}"
            )
        super().__init__(**kwargs)
        self.data_format = data_format

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format or "channels_last"}

    def call(self, inputs):
        shape = tuple(inputs.shape)
        if not shape:
            raise ValueError(
                f"Flatten '{self.name}': the input must have a batch dimension, got a scalar."
            )
        if self.data_format == "channels_first" and len(shape) > 2:
            # Keras moves the channels last first, so that the order matches channels_last.
            inputs = tf.transpose(inputs, (0, *range(2, len(shape)), 1))
        return tf.reshape(inputs, (shape[0], int(np.prod(shape[1:], dtype=np.int64))))


class Reshape(Layer):
    """Reshapes each sample to `target_shape` (one entry may be -1)."""

    def __init__(self, target_shape, **kwargs):
        target_shape = check_shape("Reshape", "target_shape", target_shape, allow_minus_one=True)
        super().__init__(**kwargs)
        self.target_shape = target_shape

    def call(self, inputs):
        shape = tuple(inputs.shape)
        size, target = int(np.prod(shape[1:], dtype=np.int64)), self.target_shape
        known = int(np.prod([d for d in target if d != -1], dtype=np.int64))
        if (-1 not in target and known != size) or (-1 in target and (known == 0 or size % known)):
            raise ValueError(
                f"Reshape '{self.name}': the total size of the tensor must be unchanged. "
                f"Received: input_shape={shape[1:]}, target_shape={target} (per sample, "
                "without the batch dimension)."
            )
        return tf.reshape(inputs, (shape[0],) + target)

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}


class Lambda(Layer):
    """Wraps a function of the inputs as a layer.

    Saved, a Python lambda is stored as its bytecode, which `load_model` refuses unless given
    `safe_mode=False` (loading it runs code from the file), as Keras does; a named function is
    stored by its registered name (`keras.saving.register_keras_serializable`) and found again
    in the registry or `custom_objects`.

    Args:
        function: the function of the inputs.
        output_shape: accepted for Keras's signature (shapes come from running the function).
        mask: accepted for Keras's signature.
        arguments: keyword arguments passed to `function`.
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        if not callable(function):
            raise TypeError(
                f"Lambda: `function` must be callable, got {function!r} of type "
                f"{type(function).__name__}"
            )
        super().__init__(**kwargs)
        self.function = function
        self.output_shape_arg = output_shape
        self.arguments = arguments or {}
        # As Keras: a Lambda passes a mask on only when given `mask` (a mask or a function of
        # (inputs, mask)).
        self.mask = mask
        self.supports_masking = mask is not None

    def call(self, inputs):
        return self.function(inputs, **self.arguments)

    def compute_mask(self, inputs, previous_mask=None):
        if callable(self.mask):
            return self.mask(inputs, previous_mask)
        return self.mask

    def get_config(self):
        from ..saving import serialize_keras_object

        config = {**super().get_config(), "function": _function_config(self.function)}
        if self.output_shape_arg is not None:
            shape = self.output_shape_arg
            config["output_shape"] = _function_config(shape) if callable(shape) else shape
        if self.mask is not None:
            mask = self.mask
            config["mask"] = _function_config(mask) if callable(mask) else mask
        config["arguments"] = serialize_keras_object(self.arguments)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=None):
        """The layer `get_config` described.

        Raises:
            ValueError: if the function is a Python lambda (bytecode) and safe mode is on
                (the default outside `load_model(..., safe_mode=False)`).
        """
        from ..saving import deserialize_keras_object
        from ..saving.serialization_lib import in_safe_mode

        if safe_mode is None:
            safe_mode = in_safe_mode() is not False
        config = dict(config)
        for key in ("function", "output_shape", "mask"):
            if key in config:
                config[key] = _function_from_config(config[key], custom_objects, safe_mode)
        if isinstance(config.get("output_shape"), list):
            config["output_shape"] = tuple(config["output_shape"])
        if "arguments" in config:
            config["arguments"] = deserialize_keras_object(config["arguments"], custom_objects)
        return super().from_config(config)


def _function_config(fn):
    """Keras's config of a Lambda layer's function: a lambda as its bytecode."""
    from ..saving import serialize_keras_object
    from ..saving.serialization_lib import func_dump

    if getattr(fn, "__name__", None) == "<lambda>":
        code, defaults, closure = func_dump(fn)
        return {
            "class_name": "__lambda__",
            "config": {"code": code, "defaults": defaults, "closure": closure},
        }
    return serialize_keras_object(fn)


def _function_from_config(config, custom_objects, safe_mode):
    from ..saving import deserialize_keras_object
    from ..saving.serialization_lib import check_lambda_allowed, func_load

    if isinstance(config, dict) and config.get("class_name") == "__lambda__":
        check_lambda_allowed(safe_mode, "a `Lambda` layer whose `function` is a Python lambda")
        inner = config["config"]
        return func_load(inner["code"], inner.get("defaults"), inner.get("closure"))
    return deserialize_keras_object(config, custom_objects)
