"""`tf.train.Checkpoint` and `tf.train.CheckpointManager` as TensorFlow's custom-loop guides
use them: save a model, its optimizer and a step counter, restore them (also before the model
has made its variables), and go on training exactly; the status checks; checkpoint files that
survive a crash while writing, and truncated or corrupt ones that are refused."""

import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras

RNG = np.random.default_rng(0)
X = RNG.normal(size=(40, 3)).astype("float32")
Y = (X @ np.array([[1.0], [-2.0], [0.5]], "float32")).astype("float32")
SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")


class Net(keras.Model):
    """The guide's model: a Dense layer made in __init__, built on its first call."""

    def __init__(self):
        super().__init__()
        self.l1 = keras.layers.Dense(5)
        self.out = keras.layers.Dense(1)

    def call(self, x):
        return self.out(tf.nn.relu(self.l1(x)))


def make(seed=0):
    keras.utils.set_random_seed(seed)
    net, optimizer = Net(), keras.optimizers.Adam(0.1)
    return net, optimizer, tf.train.Checkpoint(step=tf.Variable(1), optimizer=optimizer, net=net)


def train_step(net, optimizer, i):
    x, y = X[i % 5 * 8 : i % 5 * 8 + 8], Y[i % 5 * 8 : i % 5 * 8 + 8]
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.abs(net(x) - y))
    grads = tape.gradient(loss, net.trainable_variables)
    optimizer.apply_gradients(zip(grads, net.trainable_variables))
    return loss


def _state(net, optimizer):
    return net.get_weights() + [np.asarray(v) for v in optimizer.variables]


def _same(first, second):
    assert len(first) == len(second)
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)


def test_the_guides_loop_restores_and_continues_exactly(tmp_path):
    net, optimizer, ckpt = make()
    manager = tf.train.CheckpointManager(ckpt, tmp_path / "tf_ckpts", max_to_keep=3)
    ckpt.restore(manager.latest_checkpoint)  # nothing yet: starts from scratch
    assert manager.latest_checkpoint is None
    for i in range(5):
        train_step(net, optimizer, i)
        ckpt.step.assign_add(1)
        if int(ckpt.step) % 2 == 0:
            assert manager.save() == str(tmp_path / "tf_ckpts" / f"ckpt-{int(ckpt.step) // 2}")
    assert int(ckpt.save_counter) == 3
    # A new program: new objects (other layer names, other initial values), unbuilt.
    net2, optimizer2, ckpt2 = make(seed=5)
    manager2 = tf.train.CheckpointManager(ckpt2, tmp_path / "tf_ckpts", max_to_keep=3)
    assert manager2.latest_checkpoint == manager.latest_checkpoint
    status = ckpt2.restore(manager2.latest_checkpoint)
    assert int(ckpt2.step) == 6 and int(optimizer2.iterations) == 5  # restored at once
    status.assert_existing_objects_matched()
    with pytest.raises(AssertionError, match=r"not restored: \['net/l1/vars/0'"):
        status.assert_consumed()  # the layers and slots do not exist yet
    for i in range(5, 8):
        train_step(net, optimizer, i)
        train_step(net2, optimizer2, i)  # builds the layers and slots: restored then
    status.assert_consumed()
    _same(_state(net2, optimizer2), _state(net, optimizer))


def test_restore_into_built_objects_and_a_dependency_added_later(tmp_path):
    net, optimizer, ckpt = make()
    train_step(net, optimizer, 0)
    extra = tf.Variable([1.0, 2.0])
    ckpt.extra = extra
    path = ckpt.save(tmp_path / "ckpt")
    assert path == str(tmp_path / "ckpt-1") and tf.train.latest_checkpoint(tmp_path) == path
    net2, optimizer2, ckpt2 = make(seed=3)
    train_step(net2, optimizer2, 1)  # built already: assigned at once
    status = ckpt2.restore(path)
    with pytest.raises(AssertionError, match="extra"):
        status.assert_consumed()
    ckpt2.extra = tf.Variable([0.0, 0.0])  # added after restore(): restored on assignment
    status.assert_consumed().assert_nontrivial_match()
    np.testing.assert_array_equal(ckpt2.extra.numpy(), [1.0, 2.0])
    _same(_state(net2, optimizer2), _state(net, optimizer))


def test_write_and_read_leave_the_save_counter_out(tmp_path):
    v = tf.Variable(3.0)
    ckpt = tf.train.Checkpoint(v=v)
    path = ckpt.write(tmp_path / "exact")
    assert path == str(tmp_path / "exact") and os.path.exists(f"{path}.index")
    assert not os.path.exists(tmp_path / "checkpoint")  # write() records nothing
    v.assign(0.0)
    ckpt.read(path).assert_consumed()
    assert float(v) == 3.0
    with pytest.raises(AssertionError, match="save_counter"):
        tf.train.Checkpoint(v=v).restore(path).assert_consumed()


def test_status_checks_and_warnings(tmp_path):
    path = tf.train.Checkpoint(a=tf.Variable(1.0), b=tf.Variable(2.0)).write(tmp_path / "ab")
    fewer = tf.train.Checkpoint(a=tf.Variable(0.0))
    status = fewer.read(path)
    status.assert_existing_objects_matched().assert_nontrivial_match()
    with pytest.raises(AssertionError, match=r"\['b'\]"):
        status.assert_consumed()
    more = tf.train.Checkpoint(a=tf.Variable(0.0), b=tf.Variable(0.0), c=tf.Variable(0.0))
    with pytest.raises(AssertionError, match=r"no value in the checkpoint: \['c'\]"):
        more.read(path).assert_existing_objects_matched()
    with pytest.raises(AssertionError, match="nothing was restored"):
        tf.train.Checkpoint(z=tf.Variable(0.0)).read(
            path
        ).expect_partial().assert_nontrivial_match()
    with pytest.warns(UserWarning, match="expect_partial"):
        tf.train.Checkpoint(a=tf.Variable(0.0)).read(path)  # the status is dropped at once
    tf.train.Checkpoint(a=tf.Variable(0.0)).read(path).expect_partial()  # silent
    with pytest.raises(AssertionError, match="save_path=None"):
        tf.train.Checkpoint(a=tf.Variable(0.0)).restore(None).assert_consumed()


def test_containers_modules_metrics_and_nested_checkpoints(tmp_path):
    module = tf.Module()
    module.w = tf.Variable([1.0, 2.0])
    metric = keras.metrics.Mean()
    metric.update_state([1.0, 3.0])
    inner = tf.train.Checkpoint(v=tf.Variable(7.0))
    ckpt = tf.train.Checkpoint(
        pair=[tf.Variable(1.0), tf.Variable(2.0)], named={"x": tf.Variable(3.0)},
        module=module, metric=metric, inner=inner,
    )  # fmt: skip
    path = ckpt.write(tmp_path / "all")
    keys = [key for key, _ in tf.train.list_variables(path)]
    assert keys == ["inner/v", "metric/vars/0", "metric/vars/1", "module/vars/0", "named/x",
                    "pair/0", "pair/1"]  # fmt: skip
    assert float(tf.train.load_variable(path, "named/x")) == 3.0
    module.w.assign([0.0, 0.0])
    metric.reset_state()
    inner.v.assign(0.0)
    ckpt.read(path).assert_consumed()
    assert float(metric.result()) == 2.0 and float(inner.v) == 7.0
    np.testing.assert_array_equal(module.w.numpy(), [1.0, 2.0])
    with pytest.raises(ValueError, match="trackable"):
        tf.train.Checkpoint(model=3)


def test_bad_checkpoints_are_refused_clearly_and_change_nothing(tmp_path):
    v = tf.Variable([1.0, 2.0, 3.0])
    ckpt = tf.train.Checkpoint(v=v)
    path = ckpt.save(tmp_path / "ckpt")
    with pytest.raises(tf.errors.NotFoundError, match="no checkpoint"):
        ckpt.restore(tmp_path / "ckpt-9")
    data = (tmp_path / "ckpt-1.index").read_bytes()
    (tmp_path / "cut.index").write_bytes(data[: len(data) // 2])
    with pytest.raises(tf.errors.DataLossError, match="truncated or corrupt"):
        ckpt.restore(tmp_path / "cut")
    flipped = bytearray(data)
    start = data.index(b"PK\x03\x04", 10)  # inside the first member's bytes
    flipped[start - 8 : start - 4] = b"\xff\xff\xff\xff"
    (tmp_path / "flipped.index").write_bytes(bytes(flipped))
    with pytest.raises(tf.errors.DataLossError):
        ckpt.restore(tmp_path / "flipped")
    other = tf.train.Checkpoint(v=tf.Variable([0.0, 0.0]), w=tf.Variable(5.0))
    with pytest.raises(ValueError, match=r"shape \(3,\).*shape \(2,\)"):
        other.restore(path)
    np.testing.assert_array_equal(other.v.numpy(), [0.0, 0.0])


def test_manager_keeps_the_newest_and_finds_them_again(tmp_path):
    v = tf.Variable(0.0)
    ckpt = tf.train.Checkpoint(v=v)
    with pytest.raises(ValueError, match="max_to_keep"):
        tf.train.CheckpointManager(ckpt, tmp_path, max_to_keep=0)
    manager = tf.train.CheckpointManager(ckpt, tmp_path, max_to_keep=2, checkpoint_name="model")
    for i in range(4):
        v.assign(float(i))
        manager.save()
    assert [os.path.basename(p) for p in manager.checkpoints] == ["model-3", "model-4"]
    assert sorted(os.listdir(tmp_path)) == ["checkpoint", "model-3.index", "model-4.index"]
    again = tf.train.CheckpointManager(tf.train.Checkpoint(v=tf.Variable(9.0)), tmp_path, 2)
    assert again.checkpoints == manager.checkpoints
    assert again.restore_or_initialize() == manager.latest_checkpoint
    assert float(again.checkpoint.v) == 3.0
    assert manager.save(checkpoint_number=tf.Variable(100, dtype="int64")).endswith("model-100")
    called = []
    empty = tf.train.CheckpointManager(ckpt, tmp_path / "none", 1, init_fn=lambda: called.append(1))
    assert empty.restore_or_initialize() is None and called == [1]
    step = tf.Variable(0)
    spaced = tf.train.CheckpointManager(
        ckpt, tmp_path / "spaced", None, step_counter=step, checkpoint_interval=5
    )
    saved = []
    for i in range(12):
        step.assign(i)
        saved.append(spaced.save() is not None)
    assert [i for i, s in enumerate(saved) if s] == [0, 5, 10]
    assert tf.train.latest_checkpoint(tmp_path / "none") is None


_WRITER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {src!r})
    import numpy as np
    import tapegrad as tf
    from tapegrad.keras.saving import stores

    v = tf.Variable(np.zeros(200_000, np.float32))
    manager = tf.train.CheckpointManager(tf.train.Checkpoint(v=v), {directory!r}, max_to_keep=2)
    manager.save()  # ckpt-1, complete
    v.assign(np.ones(200_000, np.float32))
    original = stores.atomic_write

    def stalled(path, write, what):
        def partial(f):
            f.write(b"PK\\x03\\x04 half of a checkpoint")
            f.flush()
            print("writing", flush=True)
            sys.stdin.read()  # killed here, in the middle of the write
        return original(path, partial, what)

    stores.atomic_write = stalled
    manager.save()
    """
)


def test_a_crash_in_the_middle_of_saving_leaves_the_last_checkpoint(tmp_path):
    directory = str(tmp_path / "ckpts")
    child = subprocess.Popen(
        [sys.executable, "-c", _WRITER.format(src=SRC, directory=directory)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "writing"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
        child.stdin.close()
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    latest = tf.train.latest_checkpoint(directory)
    assert os.path.basename(latest) == "ckpt-1"
    v = tf.Variable(np.full(200_000, 5.0, np.float32))
    tf.train.Checkpoint(v=v).restore(latest).assert_consumed()
    assert float(tf.reduce_max(tf.abs(v))) == 0.0


def _scenario(tf_module, keras_module, directory):
    """Which status checks pass, in TensorFlow's sense, along the guide's restore steps."""
    outcomes = []

    def check(status, name):
        try:
            getattr(status, name)()
            outcomes.append((name, True))
        except AssertionError:
            outcomes.append((name, False))

    net = keras_module.Sequential([keras_module.layers.Dense(2), keras_module.layers.Dense(1)])
    optimizer = keras_module.optimizers.Adam(0.1)
    ckpt = tf_module.train.Checkpoint(step=tf_module.Variable(1), optimizer=optimizer, net=net)
    with tf_module.GradientTape() as tape:
        loss = tf_module.reduce_sum(net(np.ones((2, 3), "float32")))
    grads = tape.gradient(loss, net.trainable_variables)
    optimizer.apply_gradients(zip(grads, net.trainable_variables))
    path = ckpt.save(os.path.join(directory, "ckpt"))
    outcomes.append(("latest", tf_module.train.latest_checkpoint(directory) == path))
    net2 = keras_module.Sequential([keras_module.layers.Dense(2), keras_module.layers.Dense(1)])
    optimizer2 = keras_module.optimizers.Adam(0.1)
    ckpt2 = tf_module.train.Checkpoint(step=tf_module.Variable(1), optimizer=optimizer2, net=net2)
    status = ckpt2.restore(path)
    check(status, "assert_existing_objects_matched")
    check(status, "assert_consumed")
    with tf_module.GradientTape() as tape:
        loss = tf_module.reduce_sum(net2(np.ones((2, 3), "float32")))
    grads = tape.gradient(loss, net2.trainable_variables)
    optimizer2.apply_gradients(zip(grads, net2.trainable_variables))
    check(status, "assert_consumed")
    written = tf_module.train.Checkpoint(v=tf_module.Variable(1.0)).write(
        os.path.join(directory, "w")
    )
    check(tf_module.train.Checkpoint(v=tf_module.Variable(0.0)).read(written), "assert_consumed")
    status = tf_module.train.Checkpoint(v=tf_module.Variable(0.0)).restore(written)
    check(status.expect_partial(), "assert_consumed")
    return outcomes


def test_status_checks_agree_with_tensorflow(tmp_path):
    tf_real = pytest.importorskip("tensorflow")
    os.makedirs(tmp_path / "theirs")
    theirs = _scenario(tf_real, tf_real.keras, str(tmp_path / "theirs"))
    ours = _scenario(tf, keras, str(tmp_path / "ours"))
    assert ours == theirs
