"""The workloads written for the peers: PyTorch, JAX (eager and jit) and HIPS autograd.

Each is written the way that library's documentation teaches: `torch.autograd.grad` and
`torch.optim.SGD`, `jax.grad` and `jax.hessian`, `autograd.grad`. JAX's dispatch is
asynchronous, so its steps end with `block_until_ready`.
"""

import os

import numpy as np
from workloads import Impl, mlp_results


def _tutorial_f(x):
    return 3 * x**2 + 2 * x - 1


def _chain(a, b, n):
    """Returns the function `x -> y` of `n` multiply-adds `y = y * a + b`."""

    def chain(x):
        y = x
        for _ in range(n):
            y = y * a + b
        return y

    return chain


def _mlp_loss(maximum, mean):
    """Returns `loss(params, x, y)` of the relu network, for a NumPy-like module's functions."""

    def loss(params, x, y):
        n_layers = len(params) // 2
        h = x
        for i in range(n_layers):
            h = h @ params[2 * i] + params[2 * i + 1]
            if i < n_layers - 1:
                h = maximum(h, 0.0)
        return mean((h - y) ** 2)

    return loss


class TorchImpl(Impl):
    """PyTorch eager; the Hessian and Jacobian also with `vectorize=True` (label torch-vec)."""

    name = "torch"
    import_statement = "import torch"

    def load(self):
        import torch

        self.torch = torch

    def version(self):
        return self.torch.__version__

    def threads(self):
        return {
            "intra_op": self.torch.get_num_threads(),
            "inter_op": self.torch.get_num_interop_threads(),
        }

    def variants(self, workload):
        if workload in ("hessian", "jacobian"):
            return {"torch": {"vectorize": False}, "torch-vec": {"vectorize": True}}
        return super().variants(workload)

    def tutorial_assign_sub(self, data):
        torch = self.torch

        def step():
            x = torch.tensor(data["x0"], requires_grad=True)
            for _ in range(data["steps"]):
                (grad,) = torch.autograd.grad(_tutorial_f(x), x)
                with torch.no_grad():
                    x.sub_(data["lr"] * grad)
            return x

        return step, lambda x: {"x": x.detach().numpy()}

    def tutorial_sgd(self, data):
        torch = self.torch

        def step():
            x = torch.tensor(data["x0"], requires_grad=True)
            optimizer = torch.optim.SGD([x], lr=data["lr"])
            for _ in range(data["steps"]):
                optimizer.zero_grad()
                _tutorial_f(x).backward()
                optimizer.step()
            return x

        return step, lambda x: {"x": x.detach().numpy()}

    def scalar_chain(self, data):
        torch = self.torch
        x = torch.tensor(data["x0"], requires_grad=True)
        chain = _chain(data["a"], data["b"], data["n"])

        def step():
            y = chain(x)
            return y, torch.autograd.grad(y, x)[0]

        return step, lambda out: {"y": out[0].detach().numpy(), "grad": out[1].numpy()}

    def _mlp_step(self, data):
        torch = self.torch
        weights = data["weights"]
        modules = []
        for i in range(0, len(weights), 2):
            linear = torch.nn.Linear(*weights[i].shape)
            with torch.no_grad():
                linear.weight.copy_(torch.from_numpy(weights[i].T))
                linear.bias.copy_(torch.from_numpy(weights[i + 1]))
            modules += [linear, torch.nn.ReLU()]
        model = torch.nn.Sequential(*modules[:-1])
        optimizer = torch.optim.SGD(model.parameters(), lr=data["lr"])
        x, y = torch.from_numpy(data["x"]), torch.from_numpy(data["y"])

        def step():
            optimizer.zero_grad()
            loss = torch.nn.functional.mse_loss(model(x), y)
            loss.backward()
            optimizer.step()
            return loss

        def collect(loss):
            params = [p.detach().numpy() for p in model.parameters()]
            params[::2] = [w.T for w in params[::2]]
            return mlp_results(loss.detach().numpy(), params)

        return step, collect

    small_step = _mlp_step
    large_step = _mlp_step

    def lstm_step(self, data):
        torch = self.torch
        kernel, rkernel, bias, dense_w, dense_b = data["weights"]
        lstm = torch.nn.LSTM(kernel.shape[0], rkernel.shape[0], batch_first=True)
        linear = torch.nn.Linear(*dense_w.shape)
        with torch.no_grad():  # PyTorch's gates are i, f, g, o: Keras's order, transposed
            lstm.weight_ih_l0.copy_(torch.from_numpy(kernel.T))
            lstm.weight_hh_l0.copy_(torch.from_numpy(rkernel.T))
            lstm.bias_ih_l0.copy_(torch.from_numpy(bias))
            lstm.bias_hh_l0.zero_()
            linear.weight.copy_(torch.from_numpy(dense_w.T))
            linear.bias.copy_(torch.from_numpy(dense_b))
        # One bias, as Keras's: PyTorch's second one stays zero (trained, it would take the
        # same step as the first, so their sum would move twice as far).
        lstm.bias_hh_l0.requires_grad_(False)
        params = [p for p in (*lstm.parameters(), *linear.parameters()) if p.requires_grad]
        optimizer = torch.optim.SGD(params, lr=data["lr"])
        x, y = torch.from_numpy(data["x"]), torch.from_numpy(data["y"])

        def step():
            optimizer.zero_grad()
            out, _ = lstm(x)
            loss = torch.nn.functional.mse_loss(linear(out[:, -1]), y)
            loss.backward()
            optimizer.step()
            return loss

        def collect(loss):
            w_ih, w_hh, b_ih, b_hh = (p.detach().numpy() for p in lstm.parameters())
            w, b = (p.detach().numpy() for p in linear.parameters())
            return mlp_results(loss.detach().numpy(), [w_ih.T, w_hh.T, b_ih + b_hh, w.T, b])

        return step, collect

    def mnist_step(self, data):
        torch = self.torch
        nn = torch.nn
        model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                              nn.Linear(5408, 128), nn.ReLU(), nn.Linear(128, 10))
        kernel, kernel_bias, w1, b1, w2, b2 = data["weights"]
        # Keras flattens (h, w, c); PyTorch (c, h, w): the first dense kernel's rows follow.
        w1_chw = w1.reshape(13, 13, 32, 128).transpose(2, 0, 1, 3).reshape(5408, 128)
        with torch.no_grad():
            for param, value in zip(model.parameters(), (
                    kernel.transpose(3, 2, 0, 1), kernel_bias, w1_chw.T, b1, w2.T, b2)):
                param.copy_(torch.from_numpy(np.ascontiguousarray(value)))
        optimizer = torch.optim.SGD(model.parameters(), lr=data["lr"])
        x = torch.from_numpy(np.ascontiguousarray(data["x"].transpose(0, 3, 1, 2)))
        y = torch.from_numpy(data["y"])

        def step():
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(x), y)
            loss.backward()
            optimizer.step()
            return loss

        def collect(loss):
            k, kb, a, ab, b, bb = (p.detach().numpy() for p in model.parameters())
            a = a.T.reshape(32, 13, 13, 128).transpose(1, 2, 0, 3).reshape(5408, 128)
            return mlp_results(loss.detach().numpy(), [k.transpose(2, 3, 1, 0), kb, a, ab, b.T,
                                                       bb])

        return step, collect

    def hessian(self, data, vectorize):
        torch = self.torch
        x = torch.from_numpy(data["x"])

        def f(x):
            return torch.sum(torch.sin(x) * x**2) + torch.sum(x) ** 2

        def step():
            return torch.autograd.functional.hessian(f, x, vectorize=vectorize)

        return step, lambda h: {"hessian": h.numpy()}

    def jacobian(self, data, vectorize):
        torch = self.torch
        w, b, x = (torch.from_numpy(data[k]) for k in "wbx")

        def step():
            return torch.autograd.functional.jacobian(
                lambda x: torch.tanh(w @ x + b), x, vectorize=vectorize
            )

        return step, lambda j: {"jacobian": j.numpy()}

    def matmul_chain(self, data):
        torch = self.torch
        a, b, c = (torch.from_numpy(data[k]).requires_grad_() for k in "abc")

        def step():
            loss = torch.sum(torch.tanh(a @ b) @ c)
            return (loss, *torch.autograd.grad(loss, (a, b, c)))

        names = ("loss", "da", "db", "dc")
        return step, lambda out: {k: t.detach().numpy() for k, t in zip(names, out)}

    def matmul_chain_fwd(self, data):
        torch = self.torch
        a, b, c = (torch.from_numpy(data[k]) for k in "abc")

        def step():
            with torch.no_grad():
                return torch.sum(torch.tanh(a @ b) @ c)

        return step, lambda loss: {"loss": loss.numpy()}


class JaxImpl(Impl):
    """JAX eager (op by op, label jax) and with the whole function under `jax.jit` (jax-jit)."""

    name = "jax"
    import_statement = "import jax"

    def load(self):
        import jax
        import jax.numpy as jnp

        self.jax, self.jnp = jax, jnp

    def version(self):
        return self.jax.__version__

    def threads(self):
        return {"XLA_FLAGS": os.environ.get("XLA_FLAGS", "") or "default (all cores)"}

    def variants(self, workload):
        return {"jax": {"jit": False}, "jax-jit": {"jit": True}}

    def _maybe_jit(self, function, jit):
        return self.jax.jit(function) if jit else function

    def tutorial_assign_sub(self, data, jit):
        jax, jnp = self.jax, self.jnp
        grad_f = jax.grad(_tutorial_f)
        update = self._maybe_jit(lambda x: x - data["lr"] * grad_f(x), jit)

        def step():
            x = jnp.asarray(data["x0"], dtype=jnp.float32)
            for _ in range(data["steps"]):
                x = update(x)
            return x.block_until_ready()

        return step, lambda x: {"x": np.asarray(x)}

    def tutorial_sgd(self, data, jit):
        return self.tutorial_assign_sub(data, jit)

    def scalar_chain(self, data, jit):
        jax, jnp = self.jax, self.jnp
        value_and_grad = jax.value_and_grad(_chain(data["a"], data["b"], data["n"]))
        value_and_grad = self._maybe_jit(value_and_grad, jit)
        x = jnp.asarray(data["x0"], dtype=jnp.float32)

        def step():
            return jax.block_until_ready(value_and_grad(x))

        return step, lambda out: {"y": np.asarray(out[0]), "grad": np.asarray(out[1])}

    def _mlp_step(self, data, jit):
        jax, jnp = self.jax, self.jnp
        loss_fn = _mlp_loss(lambda h, z: jax.nn.relu(h), jnp.mean)
        lr = data["lr"]

        def train(params, x, y):
            loss, grads = jax.value_and_grad(loss_fn)(params, x, y)
            return loss, [p - lr * g for p, g in zip(params, grads)]

        train = self._maybe_jit(train, jit)
        state = [[jnp.asarray(w) for w in data["weights"]]]
        x, y = jnp.asarray(data["x"]), jnp.asarray(data["y"])

        def step():
            loss, state[0] = jax.block_until_ready(train(state[0], x, y))
            return loss

        return step, lambda loss: mlp_results(np.asarray(loss), [np.asarray(w) for w in state[0]])

    small_step = _mlp_step
    large_step = _mlp_step

    def hessian(self, data, jit):
        jax, jnp = self.jax, self.jnp
        jax.config.update("jax_enable_x64", True)
        x = jnp.asarray(data["x"])
        hessian = jax.hessian(lambda x: jnp.sum(jnp.sin(x) * x**2) + jnp.sum(x) ** 2)
        hessian = self._maybe_jit(hessian, jit)
        return (lambda: hessian(x).block_until_ready()), lambda h: {"hessian": np.asarray(h)}

    def jacobian(self, data, jit):
        jax, jnp = self.jax, self.jnp
        jax.config.update("jax_enable_x64", True)
        w, b, x = (jnp.asarray(data[k]) for k in "wbx")
        jacobian = self._maybe_jit(jax.jacrev(lambda x: jnp.tanh(w @ x + b)), jit)
        return (lambda: jacobian(x).block_until_ready()), lambda j: {"jacobian": np.asarray(j)}

    def matmul_chain(self, data, jit):
        jax, jnp = self.jax, self.jnp
        a, b, c = (jnp.asarray(data[k]) for k in "abc")
        value_and_grad = jax.value_and_grad(
            lambda a, b, c: jnp.sum(jnp.tanh(a @ b) @ c), argnums=(0, 1, 2)
        )
        value_and_grad = self._maybe_jit(value_and_grad, jit)

        def step():
            loss, grads = jax.block_until_ready(value_and_grad(a, b, c))
            return (loss, *grads)

        names = ("loss", "da", "db", "dc")
        return step, lambda out: {k: np.asarray(t) for k, t in zip(names, out)}

    def matmul_chain_fwd(self, data, jit):
        jnp = self.jnp
        a, b, c = (jnp.asarray(data[k]) for k in "abc")
        forward = self._maybe_jit(lambda a, b, c: jnp.sum(jnp.tanh(a @ b) @ c), jit)
        return (lambda: forward(a, b, c).block_until_ready()), lambda loss: {
            "loss": np.asarray(loss)
        }


class AutogradImpl(Impl):
    """HIPS autograd, which traces NumPy calls through `autograd.numpy`."""

    name = "autograd"
    import_statement = "import autograd"
    numpy_memory = True

    def load(self):
        import autograd
        import autograd.numpy as anp

        self.autograd, self.anp = autograd, anp

    def version(self):
        from importlib.metadata import version

        return version("autograd")

    def tutorial_assign_sub(self, data):
        grad_f = self.autograd.grad(_tutorial_f)

        def step():
            x = np.float32(data["x0"])
            for _ in range(data["steps"]):
                x = x - data["lr"] * grad_f(x)
            return x

        return step, lambda x: {"x": np.asarray(x)}

    def tutorial_sgd(self, data):
        return self.tutorial_assign_sub(data)

    def scalar_chain(self, data):
        value_and_grad = self.autograd.value_and_grad(_chain(data["a"], data["b"], data["n"]))
        x = np.float32(data["x0"])
        return (lambda: value_and_grad(x)), lambda out: {"y": out[0], "grad": out[1]}

    def _mlp_step(self, data):
        anp = self.anp
        value_and_grad = self.autograd.value_and_grad(_mlp_loss(anp.maximum, anp.mean))
        params = [w.copy() for w in data["weights"]]
        x, y, lr = data["x"], data["y"], data["lr"]

        def step():
            loss, grads = value_and_grad(params, x, y)
            params[:] = [p - lr * g for p, g in zip(params, grads)]
            return loss

        return step, lambda loss: mlp_results(loss, params)

    small_step = _mlp_step
    large_step = _mlp_step

    def hessian(self, data):
        anp = self.anp
        hessian = self.autograd.hessian(lambda x: anp.sum(anp.sin(x) * x**2) + anp.sum(x) ** 2)
        return (lambda: hessian(data["x"])), lambda h: {"hessian": h}

    def jacobian(self, data):
        anp = self.anp
        w, b = data["w"], data["b"]
        jacobian = self.autograd.jacobian(lambda x: anp.tanh(anp.dot(w, x) + b))
        return (lambda: jacobian(data["x"])), lambda j: {"jacobian": j}

    def matmul_chain(self, data):
        anp = self.anp
        value_and_grad = self.autograd.value_and_grad(
            lambda abc: anp.sum(anp.tanh(abc[0] @ abc[1]) @ abc[2])
        )
        abc = tuple(data[k] for k in "abc")

        def step():
            loss, grads = value_and_grad(abc)
            return (loss, *grads)

        return step, lambda out: dict(zip(("loss", "da", "db", "dc"), out))

    def matmul_chain_fwd(self, data):
        anp = self.anp
        a, b, c = (data[k] for k in "abc")
        return (lambda: anp.sum(anp.tanh(a @ b) @ c)), lambda loss: {"loss": loss}
