"""`tf.config`, `tf.device` and `tf.test`'s build questions: one CPU, programs that look for a
GPU fall back, device names parse as TensorFlow's, and the intra-op setting sizes NumPy's BLAS
pool through threadpoolctl when it is installed. Expected values were recorded from TensorFlow
2.21 on a machine without a GPU; the tests at the end compare with it where it is installed."""

import sys
import warnings

import numpy as np
import pytest

import tapegrad as tf
from tapegrad.config import _devices
from tapegrad.config import threading as config_threading

CPU_STRING = "/job:localhost/replica:0/task:0/device:CPU:0"


@pytest.fixture(autouse=True)
def _restore_config():
    visible, soft = _devices.STATE.visible, _devices.STATE.soft_placement
    yield
    _devices.STATE.visible, _devices.STATE.soft_placement = visible, soft


def _gpu_fallback_program(tf):
    """What TensorFlow's GPU guide and many tutorials begin with."""
    gpus = tf.config.list_physical_devices("GPU")
    for gpu in gpus:
        tf.config.experimental.set_memory_growth(gpu, True)
    tf.config.set_visible_devices([], "GPU")
    name = "/GPU:0" if gpus else "/CPU:0"
    with tf.device(name):
        a = tf.constant([[1.0, 2.0], [3.0, 4.0]])
        b = tf.matmul(a, a)
    with tf.device("/GPU:0"):  # asked anyway: soft placement runs it on the CPU
        c = tf.Variable(b) + 1.0
    return (
        [tuple(d) for d in tf.config.list_physical_devices()],
        [tuple(d) for d in tf.config.list_logical_devices()],
        [tuple(d) for d in tf.config.get_visible_devices()],
        b.device,
        c.device,
        c.numpy().tolist(),
    )


_TF = (
    [("/physical_device:CPU:0", "CPU")],
    [("/device:CPU:0", "CPU")],
    [("/physical_device:CPU:0", "CPU")],
    CPU_STRING,
    CPU_STRING,
    [[8.0, 11.0], [16.0, 23.0]],
)


def test_a_program_that_looks_for_a_gpu_falls_back_to_the_cpu():
    assert _gpu_fallback_program(tf) == _TF


def test_device_lists():
    assert tf.config.list_physical_devices("GPU") == []
    assert tf.config.list_physical_devices("cpu") == []  # case-sensitive, as TensorFlow
    cpu = tf.config.list_physical_devices("CPU")[0]
    assert cpu == tf.config.PhysicalDevice(name="/physical_device:CPU:0", device_type="CPU")
    assert repr(cpu) == "PhysicalDevice(name='/physical_device:CPU:0', device_type='CPU')"
    assert tf.config.list_logical_devices("GPU") == []
    assert tf.config.experimental.list_physical_devices("GPU") == []
    assert tf.config.experimental.get_device_details(cpu) == {}


def test_visibility():
    cpu = tf.config.list_physical_devices()[0]
    tf.config.set_visible_devices([], "GPU")
    tf.config.set_visible_devices(cpu, "CPU")
    assert (
        tf.config.get_visible_devices("CPU") == [cpu] and tf.config.get_visible_devices("GPU") == []
    )
    with pytest.raises(ValueError, match="Unrecognized device: 'x'"):
        tf.config.set_visible_devices(["x"])
    with pytest.raises(ValueError, match="cannot be hidden"):
        tf.config.set_visible_devices([], "CPU")
    assert tf.config.get_visible_devices() == [cpu]


def test_memory_growth_is_for_gpus_only():
    cpu = tf.config.list_physical_devices()[0]
    with pytest.raises(ValueError, match="Cannot set memory growth on non-GPU"):
        tf.config.experimental.set_memory_growth(cpu, True)
    with pytest.raises(ValueError, match="Unrecognized device"):
        tf.config.experimental.get_memory_growth("x")


@pytest.mark.parametrize(
    "name",
    [
        "/CPU:0",
        "CPU:0",
        "cpu:0",
        "/device:CPU:0",
        CPU_STRING,
        "/GPU:0",
        "GPU:1",
        "/gpu:0",
        "/TPU:0",
        "/cpu:*",
        "",
        None,
        "/CPU:1",
        "gpu",
        "/replica:0/cpu:0",
    ],
)
def test_device_names_are_accepted(name):
    with tf.device(name) as scope:
        x = tf.ones([2]) * 2
        v = tf.Variable(1.0)
    assert scope is None and x.device == CPU_STRING and v.device == CPU_STRING


@pytest.mark.parametrize(
    "name, error, message",
    [
        ("foo", ValueError, "Unknown attribute 'foo' is encountered while parsing the device spec"),
        ("/FOO:0", ValueError, "Unknown attribute 'FOO'"),
        ("/physical_device:CPU:0", ValueError, "Unknown attribute 'physical_device'"),
        ("/GPU:x", ValueError, "Invalid device index 'x'"),
        ("/CPU:0/GPU:0", ValueError, "Multiple device types are not allowed"),
        (0, ValueError, "Expecting a string device name"),
    ],
)
def test_bad_device_names(name, error, message):
    with pytest.raises(error, match=message):
        tf.device(name)


def test_devices_elsewhere_or_without_soft_placement_are_refused_on_entry():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Could not satisfy device spec"):
        with tf.device("/job:worker/task:1/GPU:0"):
            pass
    with pytest.raises(tf.errors.InvalidArgumentError, match="Malformed device specification"):
        with tf.device("CPU:-1"):
            pass
    tf.config.set_soft_device_placement(False)
    assert tf.config.get_soft_device_placement() is False
    with pytest.raises(tf.errors.InvalidArgumentError, match="enable_soft_placement=0"):
        with tf.device("/GPU:0"):
            pass
    with tf.device("/CPU:0"):
        pass
    with pytest.raises(TypeError, match="must be a bool"):
        tf.config.set_soft_device_placement("yes")


def test_device_spec():
    spec = tf.DeviceSpec.from_string("/job:localhost/device:GPU:0")
    assert spec.device_type == "GPU" and spec.device_index == 0 and spec.job == "localhost"
    assert tf.DeviceSpec(device_type="CPU", device_index=0).to_string() == "/device:CPU:0"
    assert tf.DeviceSpec.from_string("cpu:*").to_string() == "/device:CPU:*"
    with tf.device(tf.DeviceSpec(device_type="GPU", device_index=0)):
        assert tf.zeros([1]).device == CPU_STRING


def test_build_questions():
    with pytest.warns(DeprecationWarning, match="list_physical_devices"):
        assert tf.test.is_gpu_available() is False
    assert tf.test.is_built_with_cuda() is False and tf.test.is_built_with_gpu_support() is False
    assert tf.test.gpu_device_name() == ""


def test_op_determinism_is_already_there():
    tf.config.experimental.enable_op_determinism()
    tf.random.set_seed(1)
    first = tf.random.normal([3]).numpy()
    tf.random.set_seed(1)
    np.testing.assert_array_equal(tf.random.normal([3]).numpy(), first)


def test_thread_settings_are_checked_and_reported_back():
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(3)
        assert tf.config.threading.get_intra_op_parallelism_threads() == 1
        assert tf.config.threading.get_inter_op_parallelism_threads() == 3
        with pytest.raises(TypeError, match="must be an int"):
            tf.config.threading.set_intra_op_parallelism_threads("2")
        with pytest.raises(ValueError, match=">= 0"):
            tf.config.threading.set_inter_op_parallelism_threads(-1)
    finally:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tf.config.threading.set_intra_op_parallelism_threads(0)
        tf.config.threading.set_inter_op_parallelism_threads(0)


def test_without_threadpoolctl_the_setting_warns_that_it_has_no_effect(monkeypatch):
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)  # makes the import fail
    with pytest.warns(UserWarning, match=r'has no effect.*pip install "tapegrad\[threads\]"'):
        tf.config.threading.set_intra_op_parallelism_threads(2)
    assert tf.config.threading.get_intra_op_parallelism_threads() == 2
    monkeypatch.setitem(config_threading._SETTINGS, "intra", 0)


def test_intra_op_threads_size_the_blas_pool():
    threadpoolctl = pytest.importorskip("threadpoolctl")

    def blas_threads():
        return [
            p["num_threads"] for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"
        ]

    original = blas_threads()
    if not original:
        pytest.skip("NumPy's BLAS is not one threadpoolctl can size")
    try:
        tf.config.threading.set_intra_op_parallelism_threads(1)
        assert blas_threads() == [1] * len(original)
        assert float(tf.reduce_sum(tf.matmul(tf.ones([64, 64]), tf.ones([64, 64])))) == 64.0**3
    finally:
        tf.config.threading.set_intra_op_parallelism_threads(0)
    assert blas_threads() == original


def test_matches_tensorflow(tf_keras_real):
    tf_real, _ = tf_keras_real
    assert _gpu_fallback_program(tf_real) == _TF
    for name in ("foo", "/FOO:0", "/physical_device:CPU:0"):
        with pytest.raises(ValueError) as theirs:
            with tf_real.device(name):
                pass
        with pytest.raises(ValueError) as ours:
            tf.device(name)
        assert str(theirs.value) in str(ours.value)
    assert tf_real.test.is_built_with_cuda() is tf.test.is_built_with_cuda()
    assert tf_real.test.gpu_device_name() == tf.test.gpu_device_name()
