"""The benchmark workloads: their sizes, their fixed data, and the NumPy floor.

Every library sees the same numbers: `make_data` draws them from a fixed seed. The
hand-written NumPy version of each workload (`NumpyImpl`), with analytic gradients, is both
the floor (what the arithmetic itself costs) and the reference that every other library's
answer is checked against, with `check`.

A library's versions of the workloads live in a subclass of `Impl`: one method per workload,
named like the workload, taking the data (and a variant's keywords) and returning a pair
`(step, collect)`. `step()` runs the workload once and is what gets timed; `collect(out)`
turns what the first `step()` returned into a dict of NumPy arrays to check.
"""

import itertools
import math

import numpy as np
from cnn_numpy import mnist_update

SEED = 20240501

# Order of the rows in the tables.
WORKLOADS = (
    "tutorial_assign_sub",
    "tutorial_sgd",
    "scalar_chain",
    "small_step",
    "small_step_traced",
    "large_step",
    "hessian",
    "jacobian",
    "jacobian_loop",
    "matmul_chain",
    "matmul_chain_fwd",
    "data_epoch",
    "data_train_epoch",
    "fit_housing",
    "csv_epoch",
    "lstm_step",
    "mnist_step",
    "import",
    "peak_memory",
    "mnist_memory",
)

# Workloads whose answers are checked against another workload's NumPy answer, and whose data
# is that workload's.
SAME_AS = {"jacobian_loop": "jacobian", "peak_memory": "large_step",
           "data_train_epoch": "data_epoch", "small_step_traced": "small_step",
           "mnist_memory": "mnist_step"}
# Workloads that measure the peak memory of one run of another (their SAME_AS), not its time.
MEMORY = ("peak_memory", "mnist_memory")

# Workloads reported per operation rather than per run: how many operations one run performs.
OPS_PER_RUN = {"scalar_chain": 1000}

TUTORIAL_STEPS = 100
TUTORIAL_LR = 0.1
CHAIN_LENGTH = OPS_PER_RUN["scalar_chain"]
CHAIN_A, CHAIN_B, CHAIN_X0 = 0.999, 0.001, 2.0
STEP_LR = 0.01
MLP_SIZES = {"small_step": (32, [8, 30, 1]), "large_step": (4096, [8, 256, 256, 1])}
DATA_BATCH, DATA_SHUFFLE = 32, 10_000
HESSIAN_N = 100
JACOBIAN_N = 256
MATMUL_N = 1024
FIT_EPOCHS = 10  # fit_housing (issue 10): Keras's fit on the housing data, batches of 32
# lstm_step (issue 13): LSTM(64) -> Dense(1) on sequences of 100 steps of 32 features, batch 32.
LSTM_SIZES = {"batch": 32, "steps": 100, "features": 32, "units": 64}
# mnist_step (issue 13): Conv2D(32, 3, relu) -> MaxPooling2D -> Flatten -> Dense(128, relu) ->
# Dense(10), sparse softmax cross-entropy on logits, SGD, batch 32 of 28x28x1 images.
MNIST_BATCH = 32

# Normwise tolerance by dtype: max|got - want| <= RTOL * max(max|want|, 1e-30).
RTOL = {np.dtype(np.float32): 2e-4, np.dtype(np.float64): 1e-9}


def make_data(workload):
    """Returns the fixed inputs of `workload` as a dict of NumPy arrays and numbers."""
    workload = SAME_AS.get(workload, workload)
    rng = np.random.default_rng(SEED)
    if workload in ("tutorial_assign_sub", "tutorial_sgd"):
        return {"x0": 0.0, "lr": TUTORIAL_LR, "steps": TUTORIAL_STEPS}
    if workload == "scalar_chain":
        return {"x0": CHAIN_X0, "a": CHAIN_A, "b": CHAIN_B, "n": CHAIN_LENGTH}
    if workload in MLP_SIZES:
        batch, sizes = MLP_SIZES[workload]
        weights = []
        for fan_in, fan_out in itertools.pairwise(sizes):
            limit = math.sqrt(6.0 / (fan_in + fan_out))  # Glorot uniform, as Keras's default
            weights.append(rng.uniform(-limit, limit, (fan_in, fan_out)).astype(np.float32))
            weights.append((0.1 * rng.standard_normal(fan_out)).astype(np.float32))
        x = rng.standard_normal((batch, sizes[0])).astype(np.float32)
        y = np.sin(x.sum(axis=1, keepdims=True)).astype(np.float32)
        return {"weights": weights, "x": x, "y": y, "lr": STEP_LR, "units": sizes[1:]}
    if workload == "hessian":
        return {"x": rng.uniform(-2.0, 2.0, HESSIAN_N)}
    if workload == "jacobian":
        n = JACOBIAN_N
        return {
            "w": rng.standard_normal((n, n)) / math.sqrt(n),
            "b": 0.1 * rng.standard_normal(n),
            "x": rng.standard_normal(n),
        }
    if workload == "data_epoch":
        return housing_training_set()
    if workload == "fit_housing":
        return dict(housing_training_set(), epochs=FIT_EPOCHS)
    if workload == "csv_epoch":
        return {"csv": census_csv()}
    if workload == "lstm_step":
        b, t, f, u = (LSTM_SIZES[k] for k in ("batch", "steps", "features", "units"))

        def glorot(shape):
            limit = math.sqrt(6.0 / sum(shape))
            return rng.uniform(-limit, limit, shape).astype(np.float32)

        q, _ = np.linalg.qr(rng.standard_normal((4 * u, u)))  # Keras's orthogonal, transposed
        bias = np.zeros(4 * u, np.float32)
        bias[u : 2 * u] = 1.0  # unit_forget_bias
        weights = [glorot((f, 4 * u)), q.T.astype(np.float32), bias, glorot((u, 1)),
                   np.zeros(1, np.float32)]
        x = rng.standard_normal((b, t, f)).astype(np.float32)
        y = np.tanh(x[:, -10:, :4].sum(axis=(1, 2)) / 6.0)[:, None].astype(np.float32)
        return {"weights": weights, "x": x, "y": y, "lr": STEP_LR}
    if workload == "mnist_step":

        def glorot(shape, fan_in, fan_out):
            limit = math.sqrt(6.0 / (fan_in + fan_out))
            return rng.uniform(-limit, limit, shape).astype(np.float32)

        def bias(n):
            return (0.1 * rng.standard_normal(n)).astype(np.float32)

        weights = [glorot((3, 3, 1, 32), 9, 288), bias(32), glorot((5408, 128), 5408, 128),
                   bias(128), glorot((128, 10), 128, 10), bias(10)]
        x = rng.uniform(0.0, 1.0, (MNIST_BATCH, 28, 28, 1)).astype(np.float32)
        return {"weights": weights, "x": x, "y": rng.integers(0, 10, MNIST_BATCH),
                "lr": STEP_LR}
    if workload in ("matmul_chain", "matmul_chain_fwd"):
        n = MATMUL_N
        # Scaled so that A @ B has unit variance and tanh is not saturated.
        scale = n**-0.25
        return {k: (scale * rng.standard_normal((n, n))).astype(np.float32) for k in "abc"}
    raise KeyError(f"no data for workload {workload!r}")


def _sklearn_split(n, test_size, random_state):
    """(train, test) indices as scikit-learn's train_test_split draws them (ShuffleSplit)."""
    n_test = math.ceil(test_size * n)
    perm = np.random.RandomState(random_state).permutation(n)
    return perm[n_test:], perm[:n_test]


def housing_training_set():
    """The California housing tutorial's training set (examples/california_housing.py):
    split 75/25 twice (random_state 7, then 11) and standardized; float32, y of shape (n, 1).
    The MLP weights are those of `small_step`."""
    from tapegrad.datasets import fetch_california_housing

    housing = fetch_california_housing()
    full, _ = _sklearn_split(len(housing.target), 0.25, 7)
    train, _ = _sklearn_split(len(full), 0.25, 11)
    x, y = housing.data[full][train], housing.target[full][train]
    x = (x - x.mean(axis=0)) / x.std(axis=0)  # StandardScaler
    mlp = make_data("small_step")
    return {"x": x.astype(np.float32), "y": y.astype(np.float32)[:, None],
            "weights": mlp["weights"], "lr": STEP_LR, "units": mlp["units"],
            "batch": DATA_BATCH, "buffer": DATA_SHUFFLE}


def census_csv():
    """The census table (cal_housing.csv, 20,640 rows) as a CSV file, written once into the
    temporary folder from the copy tapegrad ships, in the original's format."""
    import os
    import tempfile

    from tapegrad.datasets._california import CSV_COLUMNS, load_table

    path = os.path.join(tempfile.gettempdir(), "tapegrad-bench-cal_housing.csv")
    if not os.path.exists(path):
        np.savetxt(path + ".tmp", load_table(), fmt="%.6f", delimiter=",",
                   header=",".join(CSV_COLUMNS), comments="")
        os.replace(path + ".tmp", path)
    return path


def check(got, want):
    """Compares two dicts of arrays; returns (ok, {key: normwise relative error}, message)."""
    errors, problems = {}, []
    for key, ref in want.items():
        ref = np.asarray(ref)
        if key not in got:
            problems.append(f"{key}: missing")
            continue
        val = np.asarray(got[key])
        if val.shape != ref.shape:
            problems.append(f"{key}: shape {val.shape}, expected {ref.shape}")
            continue
        ref64, val64 = ref.astype(np.float64), val.astype(np.float64)
        scale = max(float(np.max(np.abs(ref64), initial=0.0)), 1e-30)
        err = float(np.max(np.abs(val64 - ref64), initial=0.0)) / scale
        errors[key] = err if math.isfinite(err) else float("inf")
        if not err <= RTOL.get(ref.dtype, RTOL[np.dtype(np.float32)]):
            problems.append(f"{key}: relative error {err:.3g}")
    return not problems, errors, "; ".join(problems)


class Impl:
    """One library's versions of the workloads; subclasses add one method per workload."""

    #: The library's name, as given to `--libs`.
    name = ""
    #: The statement timed by the `import` workload.
    import_statement = ""
    #: True when the library allocates its arrays through NumPy, so tracemalloc sees them.
    numpy_memory = False

    def load(self):
        """Imports the library; raises ModuleNotFoundError when it is not installed."""

    def version(self):
        """Returns the library's version string."""
        return ""

    def threads(self):
        """Returns the library's own thread settings, as a dict for the report."""
        return {}

    def memory_probe(self):
        """Returns None, or `probe(peak=False)` reading the allocator's current or peak bytes.

        Calling `probe()` also starts a new peak, so that `probe(peak=True)` after a step
        gives the step's own peak.
        """
        return

    def variants(self, workload):
        """Returns {label: keyword arguments} for each variant of `workload` to time."""
        return {self.name: {}}

    def supports(self, workload):
        """True when this library has a version of `workload`."""
        if workload == "import":
            return bool(self.import_statement)
        if workload in MEMORY:
            return self.supports(SAME_AS[workload])
        return callable(getattr(self, workload, None))

    def build(self, workload, data, **variant):
        """Returns (step, collect) for `workload`; see the module docstring."""
        return getattr(self, workload)(data, **variant)


class NumpyImpl(Impl):
    """Hand-written NumPy with analytic gradients: the floor and the reference."""

    name = "numpy"
    import_statement = "import numpy"
    numpy_memory = True

    def version(self):
        return np.__version__

    def threads(self):
        try:
            from threadpoolctl import threadpool_info
        except ImportError:
            return {}
        return {f"blas ({i['internal_api']})": i["num_threads"] for i in threadpool_info()}

    def tutorial_assign_sub(self, data):
        three, two, one = np.float32(3.0), np.float32(2.0), np.float32(1.0)
        six, lr = np.float32(6.0), np.float32(data["lr"])

        def step():
            x = np.float32(data["x0"])
            for _ in range(data["steps"]):
                y = three * x * x + two * x - one  # noqa: F841 -- the forward pass is part of it
                x = x - lr * (six * x + two)
            return x

        return step, lambda x: {"x": np.float32(x)}

    def tutorial_sgd(self, data):
        return self.tutorial_assign_sub(data)

    def scalar_chain(self, data):
        a, b, n = np.float32(data["a"]), np.float32(data["b"]), data["n"]

        def step():
            y = np.float32(data["x0"])
            for _ in range(n):
                y = y * a + b
            grad = np.float32(1.0)
            for _ in range(n):
                grad = grad * a
            return y, grad

        return step, lambda out: {"y": out[0], "grad": out[1]}

    def _mlp_step(self, data):
        weights = [w.copy() for w in data["weights"]]
        update = mlp_update(weights, np.float32(data["lr"]))
        x, y = data["x"], data["y"]
        return (lambda: update(x, y)), lambda loss: mlp_results(loss, weights)

    small_step = _mlp_step
    small_step_traced = _mlp_step  # the floor of a traced step is the same NumPy step
    large_step = _mlp_step

    def fit_housing(self, data):
        """Keras's fit without shuffling, by hand: SGD on batches of 32 in order, each epoch's
        loss the batch losses' mean weighted by batch size, as fit's history records it."""
        x, y, size, epochs = data["x"], data["y"], data["batch"], data["epochs"]
        weights = [w.copy() for w in data["weights"]]

        def step():
            for w, w0 in zip(weights, data["weights"]):
                w[...] = w0
            update = mlp_update(weights, np.float32(data["lr"]))
            history = []
            for _ in range(epochs):
                total = count = 0.0
                for start in range(0, len(x), size):
                    xb, yb = x[start:start + size], y[start:start + size]
                    total += float(update(xb, yb)) * len(xb)
                    count += len(xb)
                history.append(total / count)
            return history

        return step, lambda history: mlp_results(np.float32(history), weights)

    def lstm_step(self, data):
        weights = [w.copy() for w in data["weights"]]
        update = lstm_update(weights, np.float32(data["lr"]))
        x, y = data["x"], data["y"]
        return (lambda: update(x, y)), lambda loss: mlp_results(loss, weights)

    def mnist_step(self, data):
        weights = [w.copy() for w in data["weights"]]
        update = mnist_update(weights, np.float32(data["lr"]))
        x, y = data["x"], data["y"]
        return (lambda: update(x, y)), lambda loss: mlp_results(loss, weights)

    def hessian(self, data):
        x = data["x"]

        def step():
            s, c, x2 = np.sin(x), np.cos(x), x * x
            h = np.full((x.size, x.size), 2.0)
            h[np.diag_indices(x.size)] += (2.0 - x2) * s + 4.0 * x * c
            return h

        return step, lambda h: {"hessian": h}

    def jacobian(self, data):
        w, b, x = data["w"], data["b"], data["x"]

        def step():
            t = np.tanh(w @ x + b)
            return (1.0 - t * t)[:, None] * w

        return step, lambda j: {"jacobian": j}

    def matmul_chain(self, data):
        a, b, c = data["a"], data["b"], data["c"]

        def step():
            # The reverse pass written out as an engine runs it: the ones-seed is not exploited.
            t = np.tanh(a @ b)
            out = t @ c
            loss = out.sum()
            seed = np.ones_like(out)
            dc = t.T @ seed
            dz = (seed @ c.T) * (1.0 - t * t)
            return loss, dz @ b.T, a.T @ dz, dc

        return step, lambda out: dict(zip(("loss", "da", "db", "dc"), out))

    def matmul_chain_fwd(self, data):
        a, b, c = data["a"], data["b"], data["c"]
        return (lambda: (np.tanh(a @ b) @ c).sum()), lambda loss: {"loss": loss}


    def data_epoch(self, data):
        """One epoch of shuffled batches of 32, sliced by hand: the floor of tf.data."""
        x, y, size = data["x"], data["y"], data["batch"]

        def step():
            perm = np.random.permutation(len(x))
            batches = 0
            for start in range(0, len(x), size):
                idx = perm[start:start + size]
                xb, yb = x[idx], y[idx]  # noqa: F841 -- the slices are the work
                batches += 1
            return batches

        return step, lambda n: data_results(n, x)

    def data_train_epoch(self, data):
        """The same epoch with the tutorial's training step on each batch."""
        x, y, size = data["x"], data["y"], data["batch"]
        update = mlp_update([w.copy() for w in data["weights"]], np.float32(data["lr"]))

        def step():
            perm = np.random.permutation(len(x))
            batches = 0
            for start in range(0, len(x), size):
                idx = perm[start:start + size]
                update(x[idx], y[idx])
                batches += 1
            return batches

        return step, lambda n: data_results(n, x)

    def csv_epoch(self, data):
        """The census CSV parsed by NumPy, then one epoch of shuffled batches of 32."""
        path = data["csv"]

        def step():
            table = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float32)
            perm = np.random.permutation(len(table))
            batches = 0
            for start in range(0, len(table), DATA_BATCH):
                rows = table[perm[start:start + DATA_BATCH]]  # noqa: F841
                batches += 1
            return batches, table

        def collect(out):
            return csv_results(out[0], out[1][:, -1], out[1][:, 0])

        return step, collect


def mlp_update(weights, lr):
    """`update(x, y)`: one SGD step of the MLP on a batch, MSE loss, written out by hand; it
    updates `weights` in place and returns the loss."""
    n_layers = len(weights) // 2

    def update(x, y):
        acts = [x]
        for i in range(n_layers):
            h = acts[-1] @ weights[2 * i] + weights[2 * i + 1]
            acts.append(np.maximum(h, 0) if i < n_layers - 1 else h)
        diff = acts[-1] - y
        loss = np.mean(diff * diff)
        grad = diff * np.float32(2.0 / diff.size)
        grads = [None] * len(weights)
        for i in reversed(range(n_layers)):
            if i < n_layers - 1:
                grad = grad * (acts[i + 1] > 0)  # relu's output gives its mask
            grads[2 * i] = acts[i].T @ grad
            grads[2 * i + 1] = grad.sum(axis=0)
            if i:
                grad = grad @ weights[2 * i].T
        for w, g in zip(weights, grads):
            w -= lr * g
        return loss

    return update


def _sigmoid(x):
    return 0.5 * np.tanh(0.5 * x) + 0.5


def lstm_update(weights, lr):
    """`update(x, y)`: one SGD step of LSTM -> Dense(1) with MSE loss, written out by hand as
    one would in NumPy (the input projections of all steps in one product, the gates saved by
    the forward loop, the recurrent kernel's gradient in one product over all steps); it
    updates `weights` (kernel, recurrent kernel, bias, dense kernel, dense bias) in place and
    returns the loss. Gates i, f, g, o, as Keras's."""
    kernel, rkernel, bias, dense_w, dense_b = weights
    u = rkernel.shape[0]

    def update(x, y):
        b, t, _ = x.shape
        xt = x.transpose(1, 0, 2)
        z = xt @ kernel + bias  # (t, b, 4u)
        gates = np.empty((t, b, 4 * u), np.float32)
        cs = np.empty((t + 1, b, u), np.float32)
        hs = np.empty((t + 1, b, u), np.float32)
        cs[0] = 0.0
        hs[0] = 0.0
        for s in range(t):
            a = z[s] + hs[s] @ rkernel
            gate = gates[s]
            gate[:, : 2 * u] = _sigmoid(a[:, : 2 * u])
            gate[:, 2 * u : 3 * u] = np.tanh(a[:, 2 * u : 3 * u])
            gate[:, 3 * u :] = _sigmoid(a[:, 3 * u :])
            i, f, g, o = gate[:, :u], gate[:, u : 2 * u], gate[:, 2 * u : 3 * u], gate[:, 3 * u :]
            cs[s + 1] = f * cs[s] + i * g
            hs[s + 1] = o * np.tanh(cs[s + 1])
        h = hs[t]
        pred = h @ dense_w + dense_b
        diff = pred - y
        loss = np.mean(diff * diff)
        dpred = diff * np.float32(2.0 / diff.size)
        g_dense_w = h.T @ dpred
        g_dense_b = dpred.sum(axis=0)
        dh = dpred @ dense_w.T
        dc = np.zeros_like(dh)
        dz = np.empty_like(gates)
        for s in range(t - 1, -1, -1):
            gate = gates[s]
            i, f, g, o = gate[:, :u], gate[:, u : 2 * u], gate[:, 2 * u : 3 * u], gate[:, 3 * u :]
            tc = np.tanh(cs[s + 1])
            dc = dc + dh * o * (1.0 - tc * tc)
            d = dz[s]
            d[:, :u] = dc * g * i * (1.0 - i)
            d[:, u : 2 * u] = dc * cs[s] * f * (1.0 - f)
            d[:, 2 * u : 3 * u] = dc * i * (1.0 - g * g)
            d[:, 3 * u :] = dh * tc * o * (1.0 - o)
            dh = d @ rkernel.T
            dc = dc * f
        flat_dz = dz.reshape(t * b, 4 * u)
        g_kernel = xt.reshape(t * b, -1).T @ flat_dz
        g_rkernel = hs[:t].reshape(t * b, u).T @ flat_dz
        g_bias = flat_dz.sum(axis=0)
        for w, grad in zip(weights, (g_kernel, g_rkernel, g_bias, g_dense_w, g_dense_b)):
            w -= lr * grad
        return loss

    return update


def data_results(batches, x):
    """An epoch's answer: the number of batches and the sum of every input seen."""
    return {"batches": np.float64(batches), "x_sum": np.float64(np.sum(x, dtype=np.float64))}


def csv_results(batches, labels, longitudes):
    """A CSV epoch's answer: batches, the labels' and the first column's sums (float64)."""
    return {"batches": np.float64(batches),
            "label_sum": np.float64(np.sum(labels, dtype=np.float64)),
            "longitude_sum": np.float64(np.sum(longitudes, dtype=np.float64))}


def mlp_results(loss, weights):
    """The dict checked for a training step: the loss and every updated weight."""
    results = {"loss": np.asarray(loss)}
    results.update({f"w{i}": np.asarray(w) for i, w in enumerate(weights)})
    return results
