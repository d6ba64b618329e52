"""The devices tapegrad computes on (one CPU), TensorFlow's device names, and `tf.device`.

tapegrad computes with NumPy on the CPU. Programs written for TensorFlow ask which devices
exist, hide or configure GPUs, and place work with `with tf.device("/GPU:0"):`. They all run: the
device lists hold the CPU only, GPU settings apply to no device, and a device scope places
nothing, as TensorFlow's soft placement does on a machine without that device (every tensor
reports TensorFlow's CPU device string).
"""

import collections
import warnings

from .._core.errors import InvalidArgumentError

__all__ = ["DeviceSpec", "device"]  # and the functions tf.config exports

PhysicalDevice = collections.namedtuple("PhysicalDevice", ["name", "device_type"])
LogicalDevice = collections.namedtuple("LogicalDevice", ["name", "device_type"])

CPU = PhysicalDevice(name="/physical_device:CPU:0", device_type="CPU")
CPU_LOGICAL = LogicalDevice(name="/device:CPU:0", device_type="CPU")
_DEVICE_TYPES = ("CPU", "GPU", "TPU")  # the names TensorFlow's device specs accept


class _State:
    """Process-wide settings, as TensorFlow's context holds them."""

    visible = [CPU]
    soft_placement = True


STATE = _State()


def check_device(caller, dev):
    """`dev` if it is one of this machine's physical devices, else TensorFlow's ValueError."""
    if not isinstance(dev, PhysicalDevice) or dev not in list_physical_devices():
        raise ValueError(
            f"{caller}: Unrecognized device: {dev!r}. This machine's devices are "
            f"{list_physical_devices()} (tf.config.list_physical_devices())."
        )
    return dev


class DeviceSpec:
    """A device name's parts, as `tf.DeviceSpec`: `/job:<name>/replica:<n>/task:<n>/device:
    <TYPE>:<n>`, every part optional.

    Example:
        >>> DeviceSpec.from_string("/GPU:0").to_string()
        '/device:GPU:0'
    """

    __slots__ = ("job", "replica", "task", "device_type", "device_index")

    def __init__(self, job=None, replica=None, task=None, device_type=None, device_index=None):
        self.job = job
        self.replica = None if replica is None else int(replica)
        self.task = None if task is None else int(task)
        self.device_type = device_type
        self.device_index = None if device_index is None else int(device_index)

    @classmethod
    def from_string(cls, spec):
        """Parses a device name as TensorFlow does ("/GPU:0", "cpu:0", "/job:localhost/...").

        Raises:
            ValueError: for a part that is not `job:`, `replica:`, `task:`, `device:` or a
                device type, or for two device types.
        """
        parts = {}
        for piece in (spec or "").split("/"):
            fields = piece.split(":")
            key = fields[0]
            if not key:
                continue
            if len(fields) == 2 and key in ("job", "replica", "task"):
                parts[key] = fields[1]
            elif (
                len(fields) in (1, 2)
                and key.upper() in _DEVICE_TYPES
                or (len(fields) == 3 and key == "device")
            ):
                if "device_type" in parts:
                    raise ValueError(
                        f"Multiple device types are not allowed while parsing the device spec: "
                        f"{spec}."
                    )
                kind, index = (
                    (fields[1], fields[2])
                    if key == "device"
                    else (key.upper(), fields[1] if len(fields) == 2 else "*")
                )
                parts["device_type"] = kind
                if index != "*":
                    try:
                        parts["device_index"] = int(index)
                    except ValueError:
                        raise ValueError(
                            f"Invalid device index {index!r} in the device spec {spec!r}: "
                            "expected an integer or '*'."
                        ) from None
            else:
                raise ValueError(
                    f"Unknown attribute '{key}' is encountered while parsing the device spec: "
                    f"'{spec}'."
                )
        return cls(**parts)

    def to_string(self):
        out = ""
        if self.job is not None:
            out += f"/job:{self.job}"
        if self.replica is not None:
            out += f"/replica:{self.replica}"
        if self.task is not None:
            out += f"/task:{self.task}"
        if self.device_type is not None:
            index = "*" if self.device_index is None else self.device_index
            out += f"/device:{self.device_type}:{index}"
        return out

    def __eq__(self, other):
        return isinstance(other, DeviceSpec) and self.to_string() == other.to_string()

    def __hash__(self):
        return hash(self.to_string())

    def __repr__(self):
        return (
            f"<DeviceSpec(job={self.job}, replica={self.replica}, task={self.task}, "
            f"device_type={self.device_type}, device_index={self.device_index})>"
        )


class _DeviceScope:
    """What `tf.device` returns: a context manager that places nothing (see `device`)."""

    __slots__ = ("spec",)

    def __init__(self, spec):
        self.spec = spec

    def __enter__(self):
        spec = self.spec
        full = (
            f"/job:{spec.job or 'localhost'}/replica:{spec.replica or 0}/task:"
            f"{spec.task or 0}/device:{spec.device_type or 'CPU'}:{spec.device_index or 0}"
        )
        if spec.device_index is not None and spec.device_index < 0:
            raise InvalidArgumentError(f"Malformed device specification '{full}'.", op="device")
        elsewhere = (
            spec.job not in (None, "localhost")
            or spec.replica not in (None, 0)
            or (spec.task not in (None, 0))
        )
        missing = spec.device_type not in (None, "CPU") or (spec.device_index or 0) > 0
        if elsewhere or (missing and not STATE.soft_placement):
            raise InvalidArgumentError(
                f"Could not satisfy device specification '{full}'. enable_soft_placement="
                f"{int(STATE.soft_placement)}. Supported device types [CPU]. All available "
                "devices [/job:localhost/replica:0/task:0/device:CPU:0]. (tapegrad computes on "
                "this process's CPU only.)",
                op="device",
            )
        return None

    def __exit__(self, *exc):
        return False


def device(device_name):
    """Places the ops of a `with` block on a device, as `tf.device`; tapegrad computes on the
    CPU, so any local device name is accepted and the work stays on the CPU, as TensorFlow's
    soft placement puts it on a machine without the device named.

    Args:
        device_name: a device name ("/CPU:0", "GPU:0", "/device:GPU:1", "/job:localhost/...")
            or `tf.DeviceSpec`, or None.

    Raises:
        ValueError: for a name that is not a device name, or that is not a string.
        InvalidArgumentError: on entering, for another job, replica or task, or for a device
            this machine lacks when soft placement is off
            (`tf.config.set_soft_device_placement(False)`).

    Example:
        >>> with device("/GPU:0"):
        ...     x = tapegrad.ones([2])
        >>> x.device
        '/job:localhost/replica:0/task:0/device:CPU:0'
    """
    if isinstance(device_name, DeviceSpec):
        return _DeviceScope(device_name)
    if device_name is not None and not isinstance(device_name, str):
        raise ValueError(
            f"tf.device: Expecting a string device name. Got {type(device_name)}"
            f"({device_name!r}); e.g. '/CPU:0' or '/GPU:0'."
        )
    return _DeviceScope(DeviceSpec.from_string(device_name))


# -- tf.config's device lists -------------------------------------------------------------


def list_physical_devices(device_type=None):
    """The machine's devices of `device_type` ("CPU", "GPU", ...; None for all), as
    `PhysicalDevice(name, device_type)`: the CPU only. Device types are case-sensitive, as in
    TensorFlow ("cpu" lists nothing)."""
    return [CPU] if device_type in (None, "CPU") else []


def list_logical_devices(device_type=None):
    """The devices ops run on (`LogicalDevice(name, device_type)`): the CPU."""
    return [CPU_LOGICAL] if device_type in (None, "CPU") else []


def get_visible_devices(device_type=None):
    """The physical devices of `device_type` that computations may use."""
    return [d for d in STATE.visible if device_type is None or d.device_type == device_type]


def set_visible_devices(devices, device_type=None):
    """Sets the devices of `device_type` that computations may use, as TensorFlow does; the
    usual call, `set_visible_devices([], "GPU")`, hides the GPUs this machine does not have.

    Raises:
        ValueError: for a device that is not one of `list_physical_devices()`, or for hiding
            the CPU, on which tapegrad computes (TensorFlow would fail every op after that).
    """
    devices = [devices] if isinstance(devices, PhysicalDevice) else list(devices)
    for dev in devices:
        check_device("set_visible_devices", dev)
        if device_type is not None and dev.device_type != device_type:
            raise ValueError(f"set_visible_devices: {dev} is not of device_type {device_type!r}.")
    kept = [d for d in STATE.visible if device_type is not None and d.device_type != device_type]
    visible = kept + [d for d in devices if d not in kept]
    if not any(d.device_type == "CPU" for d in visible):
        raise ValueError(
            "set_visible_devices: tapegrad computes on the CPU, which cannot be hidden; hide "
            "other devices with set_visible_devices([], 'GPU')."
        )
    STATE.visible = visible


def get_soft_device_placement():
    """Whether work asked of a device this machine lacks runs on the CPU instead (default
    True, as in TensorFlow)."""
    return STATE.soft_placement


def set_soft_device_placement(enabled):
    """With False, `with tf.device("/GPU:0"):` raises InvalidArgumentError, as TensorFlow's
    first op in it would on a machine without a GPU.

    Raises:
        TypeError: if `enabled` is not a bool.
    """
    if not isinstance(enabled, bool):
        raise TypeError(
            f"set_soft_device_placement: enabled must be a bool, got {enabled!r} of type "
            f"{type(enabled).__name__}"
        )
    STATE.soft_placement = enabled


# -- tf.test's questions about the build ------------------------------------------------------


def is_gpu_available(cuda_only=False, min_cuda_compute_capability=None):
    """False: tapegrad has no GPU support (deprecated in TensorFlow, as it warns)."""
    warnings.warn(
        "is_gpu_available (from tensorflow.python.framework.test_util) is deprecated and will be "
        "removed in a future version. Instructions for updating: Use "
        "`tf.config.list_physical_devices('GPU')` instead.",
        DeprecationWarning,
        stacklevel=2,
    )
    return False


def is_built_with_cuda():
    """False: tapegrad computes with NumPy on the CPU."""
    return False


is_built_with_gpu_support = is_built_with_rocm = is_built_with_xla = is_built_with_cuda


def gpu_device_name():
    """The name of a GPU device if there is one: '' (tapegrad has none)."""
    return ""
