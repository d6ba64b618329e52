"""`tf.config`: the devices tapegrad computes on, their visibility, and the thread pools.

tapegrad computes with NumPy on the CPU: `list_physical_devices()` is the CPU alone, a program
that looks for a GPU finds none and falls back as it would on a machine without one, and GPU
settings (hiding GPUs, memory growth) apply to no device. See `tapegrad/config/_devices.py`.

Example:
    >>> tapegrad.config.list_physical_devices("GPU")
    []
    >>> tapegrad.config.list_physical_devices()
    [PhysicalDevice(name='/physical_device:CPU:0', device_type='CPU')]
"""

from .._impl.function import functions_run_eagerly, run_functions_eagerly
from . import experimental, threading
from ._devices import (
    LogicalDevice,
    PhysicalDevice,
    get_soft_device_placement,
    get_visible_devices,
    list_logical_devices,
    list_physical_devices,
    set_soft_device_placement,
    set_visible_devices,
)

__all__ = [
    "LogicalDevice",
    "PhysicalDevice",
    "experimental",
    "functions_run_eagerly",
    "get_soft_device_placement",
    "get_visible_devices",
    "list_logical_devices",
    "list_physical_devices",
    "run_functions_eagerly",
    "set_soft_device_placement",
    "set_visible_devices",
    "threading",
]
