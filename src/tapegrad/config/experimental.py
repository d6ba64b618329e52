"""`tf.config.experimental`: memory growth, determinism, and the device lists' older names."""

from ._devices import (
    check_device,
    get_visible_devices,
    list_logical_devices,
    list_physical_devices,
    set_visible_devices,
)

__all__ = [
    "enable_op_determinism",
    "get_device_details",
    "get_memory_growth",
    "get_visible_devices",
    "list_logical_devices",
    "list_physical_devices",
    "set_memory_growth",
    "set_visible_devices",
]


def set_memory_growth(device, enable):
    """Lets a GPU's memory grow as needed instead of being taken at once. tapegrad has no GPU,
    and on any other device TensorFlow refuses it too.

    Raises:
        ValueError: for a device that is not a GPU (the CPU) or not a device of this machine.
    """
    check_device("set_memory_growth", device)
    raise ValueError(
        f"Cannot set memory growth on non-GPU and non-Pluggable devices ({device.name}); "
        "tf.config.list_physical_devices('GPU') lists the GPUs, here none."
    )


def get_memory_growth(device):
    """Whether memory growth is on for a GPU; there are none.

    Raises:
        ValueError: for any device (there is no GPU).
    """
    check_device("get_memory_growth", device)
    raise ValueError(
        f"get_memory_growth: {device.name} is not a GPU; memory growth applies to GPUs only."
    )


def get_device_details(device):
    """Details of a physical device: for the CPU, none (an empty dict, as TensorFlow)."""
    check_device("get_device_details", device)
    return {}


def enable_op_determinism():
    """Makes ops deterministic, as TensorFlow's option. tapegrad's ops already are (NumPy on
    the CPU, in a fixed order), so there is nothing to switch; random draws repeat once seeded
    with `tf.random.set_seed`."""
