# A program in the style of a TensorFlow 2.21 guide (tests/test_guides_programs.py runs it).
import numpy as np
import tensorflow as tf
import keras

def r(x):
    return np.round(np.asarray(x, dtype=np.float64), 5).tolist()

x = tf.Variable(2.0)
y = tf.Variable(3.0)
with tf.GradientTape() as t:
    x_sq = x * x
    with t.stop_recording():
        y_sq = y * y
    z = x_sq + y_sq
grad = t.gradient(z, {"x": x, "y": y})
print(grad["x"], grad["y"])

@tf.custom_gradient
def clip_gradients(y):
    def backward(dy):
        return tf.clip_by_norm(dy, 0.5)
    return y, backward

v = tf.Variable(2.0)
with tf.GradientTape() as t:
    output = clip_gradients(v * v)
print(t.gradient(output, v))

@tf.custom_gradient
def log1pexp(x):
    e = tf.exp(x)
    def grad(upstream):
        return upstream * (1 - 1 / (1 + e))
    return tf.math.log(1 + e), grad

x = tf.constant(100.0)
with tf.GradientTape() as tape:
    tape.watch(x)
    y = log1pexp(x)
print(y.numpy(), tape.gradient(y, x).numpy())

@tf.custom_gradient
def scaled(x, scale=2.0):
    def grad(upstream):
        return upstream * scale
    return x * scale, grad

x = tf.constant([1.0, 2.0])
with tf.GradientTape() as tape:
    tape.watch(x)
    y = scaled(x)
print(tape.gradient(y, x))

w = tf.Variable(3.0)
@tf.custom_gradient
def uses_var(x):
    out = x * w
    def grad(upstream, variables=None):
        return upstream * w, [upstream * x * 10.0]
    return out, grad

x = tf.constant(2.0)
with tf.GradientTape() as tape:
    tape.watch(x)
    y = uses_var(x)
gx, gw = tape.gradient(y, [x, w])
print(gx.numpy(), gw.numpy())

@tf.custom_gradient
def op_with_fused_backprop(x):
    y, x_grad = fused_op(x)
    def first_order_gradient(dy):
        @tf.custom_gradient
        def first_order_custom(unused_x):
            def second_order_and_transpose(ddy):
                return ddy * 7.0
            return x_grad, second_order_and_transpose
        return dy * first_order_custom(x)
    return y, first_order_gradient

def fused_op(x):
    return x ** 3, 3 * x ** 2

x = tf.constant(2.0)
with tf.GradientTape() as t2:
    t2.watch(x)
    with tf.GradientTape() as t1:
        t1.watch(x)
        y = op_with_fused_backprop(x)
    dy = t1.gradient(y, x)
print(y.numpy(), dy.numpy(), t2.gradient(dy, x).numpy())

# multiple tapes
x0 = tf.constant(0.0)
x1 = tf.constant(0.0)
with tf.GradientTape() as tape0, tf.GradientTape() as tape1:
    tape0.watch(x0)
    tape1.watch(x1)
    y0 = tf.math.sin(x0)
    y1 = tf.nn.sigmoid(x1)
    y = y0 + y1
    ys = tf.reduce_sum(y)
print(tape0.gradient(ys, x0).numpy(), tape1.gradient(ys, x1).numpy())

# higher order
x = tf.Variable(1.0)
with tf.GradientTape() as t2:
    with tf.GradientTape() as t1:
        y = x * x * x
    dy_dx = t1.gradient(y, x)
d2y_dx2 = t2.gradient(dy_dx, x)
print("dy_dx:", dy_dx.numpy(), "d2y_dx2:", d2y_dx2.numpy())

# input gradient regularization
x = tf.constant(np.linspace(-1, 1, 14).reshape(7, 2).astype("float32"))
layer = keras.layers.Dense(1, activation=tf.nn.sigmoid, kernel_initializer="ones", bias_initializer="zeros")
with tf.GradientTape() as t2:
    with tf.GradientTape(watch_accessed_variables=False) as t1:
        t1.watch(x)
        y = layer(x)
        out = tf.reduce_sum(layer(x) ** 2)
    g1 = t1.gradient(out, x)
    g1_mag = tf.norm(g1)
dg1_mag = t2.gradient(g1_mag, layer.trainable_variables)
print([var.shape for var in dg1_mag], r(dg1_mag[0]), r(dg1_mag[1]))

# jacobian / hessian of a model
x = tf.constant(np.linspace(-1, 1, 10).reshape(5, 2).astype("float32"))
layer1 = keras.layers.Dense(3, activation=tf.nn.relu, kernel_initializer="ones")
layer2 = keras.layers.Dense(2, kernel_initializer="ones")
with tf.GradientTape() as t2:
    with tf.GradientTape() as t1:
        x2 = layer1(x)
        y = layer2(x2)
        loss = tf.reduce_mean(y ** 2)
    g = t1.gradient(loss, layer1.kernel)
h = t2.jacobian(g, layer1.kernel)
print(g.shape, h.shape)
n_params = tf.reduce_prod(layer1.kernel.shape)
g_vec = tf.reshape(g, [n_params, 1])
h_mat = tf.reshape(h, [n_params, n_params])
eps = 1e-3
eye_eps = tf.eye(h_mat.shape[0]) * eps
update = tf.linalg.solve(h_mat + eye_eps, g_vec)
print(r(tf.reduce_sum(update)))

# forward accumulator
x = tf.constant([1.0, 2.0, 3.0])
v = tf.constant([1.0, 0.0, 0.0])
with tf.autodiff.ForwardAccumulator(primals=x, tangents=v) as acc:
    y = tf.reduce_sum(tf.sin(x) * x)
print(r(acc.jvp(y)))

v = tf.Variable([1.0, 2.0])
with tf.autodiff.ForwardAccumulator(v, tf.constant([1.0, -2.0])) as acc:
    y = v * v
print(acc.jvp(y))

def hvp(f, primals, tangents):
    with tf.autodiff.ForwardAccumulator(primals, tangents) as acc:
        with tf.GradientTape() as tape:
            tape.watch(primals)
            out = f(primals)
        backward = tape.gradient(out, primals)
    return acc.jvp(backward)

print(r(hvp(lambda z: tf.reduce_sum(z ** 3), tf.constant([1.0, 2.0]), tf.constant([1.0, 1.0]))))

x = tf.constant([[2.0, 3.0], [1.0, 4.0]])
targets = tf.constant([[1.0], [-1.0]])
kernel = tf.Variable([[1.0], [1.0]])
with tf.autodiff.ForwardAccumulator(primals=kernel, tangents=tf.constant([[1.0], [0.0]])) as acc:
    loss = tf.reduce_sum((x @ kernel - targets) ** 2.0)
print(acc.jvp(loss))

# unconnected / integer
with tf.autodiff.ForwardAccumulator(x, tf.ones_like(x)) as acc:
    z = tf.constant(5.0) * 2
print(acc.jvp(z), acc.jvp(z, unconnected_gradients=tf.UnconnectedGradients.ZERO))

# gradient through a stateful op
x = tf.Variable(1.0)
with tf.GradientTape() as tape:
    x.assign(x * 3.0)
    y = x * 2.0
print(tape.gradient(y, x))
v = tf.Variable(4.0)
with tf.GradientTape() as tape:
    y = v.assign_add(1.0) * 2.0
print(tape.gradient(y, v))

# recompute_grad
@tf.recompute_grad
def block(x):
    return tf.tanh(x) * 2.0
x = tf.constant([0.5, -0.25])
with tf.GradientTape() as tape:
    tape.watch(x)
    y = tf.reduce_sum(block(x))
print(r(tape.gradient(y, x)))

# batch jacobian with persistent tape
x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
with tf.GradientTape() as tape:
    tape.watch(x)
    y = tf.concat([x ** 2, tf.sin(x)], axis=1)
print(r(tape.batch_jacobian(y, x)))

# jacobian of a nested structure output? (targets must be a tensor) sources as list
a = tf.Variable([1.0, 2.0]); b = tf.Variable(3.0)
with tf.GradientTape() as tape:
    y = a * b
ja, jb = tape.jacobian(y, [a, b])
print(r(ja), r(jb))
