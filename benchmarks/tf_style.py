"""The workloads in TensorFlow 2 style, run by both TensorFlow and tapegrad.

The same source serves both: each workload function takes the module `tf` (and `keras`,
when it needs it) as parameters, so tapegrad runs exactly the code that TensorFlow runs, as
a user would after `import tapegrad as tf` and `from tapegrad import keras`.
"""

import subprocess
import warnings
from pathlib import Path

import numpy as np
from workloads import Impl, csv_results, data_results, mlp_results


def tutorial_assign_sub(tf, data):
    """The tutorial's descent loop: `x.assign_sub(lr * tape.gradient(f(x), x))`."""

    def step():
        x = tf.Variable(data["x0"])
        for _ in range(data["steps"]):
            with tf.GradientTape() as tape:
                y = 3 * x**2 + 2 * x - 1
            x.assign_sub(data["lr"] * tape.gradient(y, x))
        return x

    return step, lambda x: {"x": x.numpy()}


def tutorial_sgd(tf, keras, data):
    """The tutorial's descent loop with `keras.optimizers.SGD.apply_gradients`."""

    def step():
        x = tf.Variable(data["x0"])
        optimizer = keras.optimizers.SGD(learning_rate=data["lr"])
        for _ in range(data["steps"]):
            with tf.GradientTape() as tape:
                y = 3 * x**2 + 2 * x - 1
            optimizer.apply_gradients([(tape.gradient(y, x), x)])
        return x

    return step, lambda x: {"x": x.numpy()}


def scalar_chain(tf, data):
    """`y = y * a + b` repeated on a scalar Variable, recorded, then differentiated."""
    x = tf.Variable(data["x0"])
    a, b, n = data["a"], data["b"], data["n"]

    def step():
        with tf.GradientTape() as tape:
            y = x
            for _ in range(n):
                y = y * a + b
        return y, tape.gradient(y, x)

    return step, lambda out: {"y": out[0].numpy(), "grad": out[1].numpy()}


def _mse_sgd_step(tf, keras, model, data, traced=False):
    """One SGD step of `model` on MSE against data's x and y (in a tf.function if `traced`),
    and how to read its results."""
    optimizer = keras.optimizers.SGD(learning_rate=data["lr"])
    x, y = tf.constant(data["x"]), tf.constant(data["y"])

    def step():
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x, training=True) - y))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    if traced:
        step = tf.function(step)
    return step, lambda loss: mlp_results(loss.numpy(), model.get_weights())


def mlp_step(tf, keras, data, traced=False):
    """One training step of a Dense relu network with MSE loss and SGD."""
    units = data["units"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Keras 3 prefers keras.Input to input_shape
        layers = [keras.layers.Dense(units[0], activation="relu", input_shape=data["x"].shape[1:])]
        layers += [keras.layers.Dense(u, activation="relu") for u in units[1:-1]]
        layers.append(keras.layers.Dense(units[-1]))
        model = keras.Sequential(layers)
    model.set_weights(data["weights"])
    return _mse_sgd_step(tf, keras, model, data, traced)


def small_step_traced(tf, keras, data):
    """The small step in a tf.function, as the tutorial's custom loop writes it."""
    return mlp_step(tf, keras, data, traced=True)


def hessian(tf, data):
    """Hessian of `sum(sin(x) * x**2) + sum(x)**2` by `jacobian` of a nested tape's gradient."""
    x = tf.constant(data["x"])

    def step():
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = tf.reduce_sum(tf.sin(x) * x**2) + tf.reduce_sum(x) ** 2
            g = inner.gradient(y, x)
        return outer.jacobian(g, x)

    return step, lambda h: {"hessian": h.numpy()}


def _tanh_layer(tf, data):
    """Column-vector operands of `tanh(W @ x + b)`: TensorFlow's matmul needs rank 2."""
    n = data["x"].size
    return (
        tf.constant(data["w"]),
        tf.constant(data["x"].reshape(n, 1)),
        tf.constant(data["b"].reshape(n, 1)),
    )


def jacobian(tf, data):
    """Jacobian of `tanh(W @ x + b)` by `tape.jacobian`."""
    w, x, b = _tanh_layer(tf, data)
    n = data["x"].size

    def step():
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.tanh(w @ x + b)
        return tape.jacobian(y, x)

    return step, lambda j: {"jacobian": j.numpy().reshape(n, n)}


def jacobian_loop(tf, data):
    """The same Jacobian by one `tape.gradient` call per output, on a persistent tape."""
    w, x, b = _tanh_layer(tf, data)
    n = data["x"].size
    seeds = [tf.constant(row.reshape(n, 1)) for row in np.eye(n)]

    def step():
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            y = tf.tanh(w @ x + b)
        return [tape.gradient(y, x, output_gradients=seed) for seed in seeds]

    return step, lambda rows: {"jacobian": np.stack([r.numpy().reshape(n) for r in rows])}


def matmul_chain(tf, data):
    """Forward and backward of `sum(tanh(A @ B) @ C)`, gradients for A, B and C."""
    a, b, c = (tf.Variable(data[k]) for k in "abc")

    def step():
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.tanh(a @ b) @ c)
        return (loss, *tape.gradient(loss, [a, b, c]))

    return step, lambda out: dict(zip(("loss", "da", "db", "dc"), (t.numpy() for t in out)))


def matmul_chain_fwd(tf, data):
    """The forward pass of `matmul_chain` alone, with no tape."""
    a, b, c = (tf.Variable(data[k]) for k in "abc")
    return (lambda: tf.reduce_sum(tf.tanh(a @ b) @ c)), lambda loss: {"loss": loss.numpy()}


def _housing_pipeline(tf, data):
    """The tutorial's input pipeline: slices, a shuffle buffer of 10,000, batches of 32."""
    return (tf.data.Dataset.from_tensor_slices((data["x"], data["y"]))
            .shuffle(data["buffer"]).batch(data["batch"]).prefetch(tf.data.AUTOTUNE))


def data_epoch(tf, data):
    """One epoch of the pipeline, iterated eagerly (the batches are made, nothing else)."""
    ds = _housing_pipeline(tf, data)

    def step():
        batches = 0
        for _ in ds:
            batches += 1
        return batches

    return step, lambda n: data_results(n, np.concatenate([x.numpy() for x, _ in ds]))


def data_train_epoch(tf, keras, data):
    """One epoch of the pipeline with the tutorial's step: tape, MSE, SGD on each batch."""
    ds = _housing_pipeline(tf, data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = keras.Sequential([keras.layers.Dense(data["units"][0], activation="relu",
                                                     input_shape=(data["x"].shape[1],)),
                                  keras.layers.Dense(data["units"][1])])
    model.set_weights(data["weights"])
    optimizer = keras.optimizers.SGD(learning_rate=data["lr"])

    def step():
        batches = 0
        for xb, yb in ds:
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(model(xb, training=True) - yb))
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            batches += 1
        return batches

    return step, lambda n: data_results(n, np.concatenate([x.numpy() for x, _ in ds]))


def fit_housing(tf, keras, data):
    """`model.fit` on the housing training set: 10 epochs of batches of 32, SGD on MSE, not
    shuffled (so the hand-written NumPy loop can take the same batches); the weights are
    reset first, so that every call does the same work."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = keras.Sequential([keras.layers.Dense(data["units"][0], activation="relu",
                                                     input_shape=(data["x"].shape[1],)),
                                  keras.layers.Dense(data["units"][1])])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=data["lr"]), loss="mse")

    def step():
        model.set_weights(data["weights"])
        history = model.fit(data["x"], data["y"], batch_size=data["batch"],
                            epochs=data["epochs"], shuffle=False, verbose=0)
        return history.history["loss"]

    return step, lambda losses: mlp_results(np.float32(losses), model.get_weights())


def csv_epoch(tf, data):
    """make_csv_dataset over the census CSV (defaults: shuffle buffer 10,000), one epoch:
    reading, parsing, shuffling and batching, as a user's first epoch does."""

    def make():
        return tf.data.experimental.make_csv_dataset(
            data["csv"], batch_size=32, label_name="median_house_value", num_epochs=1)

    def step():
        batches = 0
        for _ in make():
            batches += 1
        return batches

    def collect(n):
        pairs = [(f["longitude"].numpy(), y.numpy()) for f, y in make()]
        return csv_results(n, np.concatenate([y for _, y in pairs]),
                           np.concatenate([x for x, _ in pairs]))

    return step, collect


def lstm_step(tf, keras, data):
    """One training step of LSTM(64) -> Dense(1) on (32, 100, 32) sequences, MSE and SGD."""
    model = keras.Sequential([keras.Input(data["x"].shape[1:]), keras.layers.LSTM(64),
                              keras.layers.Dense(1)])
    model.set_weights(data["weights"])
    return _mse_sgd_step(tf, keras, model, data)


def mnist_step(tf, keras, data):
    """One training step of the classic MNIST network on a batch of 32 images: sparse softmax
    cross-entropy on logits, SGD."""
    layers = keras.layers
    model = keras.Sequential([
        keras.Input((28, 28, 1)), layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(),
        layers.Flatten(), layers.Dense(128, activation="relu"), layers.Dense(10)])
    model.set_weights(data["weights"])
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = keras.optimizers.SGD(learning_rate=data["lr"])
    x, y = tf.constant(data["x"]), tf.constant(data["y"])

    def step():
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    return step, lambda loss: mlp_results(loss.numpy(), model.get_weights())


_WITH_KERAS = {"tutorial_sgd", "small_step", "small_step_traced", "large_step",
               "data_train_epoch", "fit_housing", "lstm_step", "mnist_step"}
_FUNCTIONS = {
    "tutorial_assign_sub": tutorial_assign_sub,
    "tutorial_sgd": tutorial_sgd,
    "scalar_chain": scalar_chain,
    "small_step": mlp_step,
    "small_step_traced": small_step_traced,
    "large_step": mlp_step,
    "hessian": hessian,
    "jacobian": jacobian,
    "jacobian_loop": jacobian_loop,
    "matmul_chain": matmul_chain,
    "matmul_chain_fwd": matmul_chain_fwd,
    "data_epoch": data_epoch,
    "data_train_epoch": data_train_epoch,
    "fit_housing": fit_housing,
    "csv_epoch": csv_epoch,
    "lstm_step": lstm_step,
    "mnist_step": mnist_step,
}


class _TFStyleImpl(Impl):
    """Runs the functions above with a TensorFlow-like module; keras is imported on first use."""

    def __init__(self):
        self.tf = None

    def _keras(self):
        raise NotImplementedError

    def supports(self, workload):
        return workload in _FUNCTIONS or super().supports(workload)

    def build(self, workload, data, **variant):
        function = _FUNCTIONS[workload]
        if workload in _WITH_KERAS:
            return function(self.tf, self._keras(), data)
        return function(self.tf, data)

    def version(self):
        return getattr(self.tf, "__version__", "?")


class TensorFlowImpl(_TFStyleImpl):
    """TensorFlow 2 eager, with its bundled Keras."""

    name = "tensorflow"
    import_statement = "import tensorflow"

    def load(self):
        import tensorflow as tf

        self.tf = tf

    def _keras(self):
        from tensorflow import keras

        return keras

    def threads(self):
        threading = self.tf.config.threading
        intra = threading.get_intra_op_parallelism_threads()
        inter = threading.get_inter_op_parallelism_threads()
        # 0 means TensorFlow's default: the TF_NUM_*_THREADS variables, else all cores.
        return {"intra_op": intra or "default", "inter_op": inter or "default"}

    def version(self):
        return f"{self.tf.__version__} (keras {self._keras().__version__})"

    def memory_probe(self):
        experimental = self.tf.config.experimental

        def probe(peak=False):
            if peak:
                return experimental.get_memory_info("CPU:0")["peak"]
            experimental.reset_memory_stats("CPU:0")
            return experimental.get_memory_info("CPU:0")["current"]

        return probe


class TapegradImpl(_TFStyleImpl):
    """tapegrad, imported as TensorFlow: `import tapegrad as tf; from tapegrad import keras`."""

    name = "tapegrad"
    import_statement = "import tapegrad"
    numpy_memory = True

    def load(self):
        import tapegrad as tf

        self.tf = tf

    def _keras(self):
        from tapegrad import keras

        return keras

    def version(self):
        """The version, and the commit of the working tree, which is what is timed."""
        root = Path(__file__).resolve().parent.parent

        def git(*args):
            return subprocess.run(
                ["git", "-C", str(root), *args], capture_output=True, text=True, check=False
            ).stdout.strip()

        own = self.tf.version.TAPEGRAD_VERSION  # tf.__version__ is the TensorFlow it follows
        commit = git("rev-parse", "--short", "HEAD")
        if not commit:
            return own
        dirty = ", src/ modified" if git("status", "--porcelain", "--", "src") else ""
        return f"{own} (git {commit}{dirty})"
