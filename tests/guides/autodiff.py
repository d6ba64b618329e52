# A program in the style of a TensorFlow 2.21 guide (tests/test_guides_programs.py runs it).
import numpy as np
import tensorflow as tf
import keras

np.set_printoptions(precision=5, suppress=True)

def show(name, v):
    if v is None:
        print(name, None)
    elif isinstance(v, dict):
        print(name, {k: show_arr(x) for k, x in v.items()})
    elif isinstance(v, (list, tuple)):
        print(name, [show_arr(x) for x in v])
    else:
        print(name, show_arr(v))

def show_arr(x):
    if x is None:
        return None
    return np.round(np.asarray(x, dtype=np.float64), 5).tolist()

x = tf.Variable(3.0)
with tf.GradientTape() as tape:
    y = x ** 2
show("dy_dx", tape.gradient(y, x))

w = tf.Variable(np.linspace(-1, 1, 6).reshape(3, 2).astype("float32"), name="w")
b = tf.Variable(tf.zeros(2, dtype=tf.float32), name="b")
x = [[1.0, 2.0, 3.0]]
with tf.GradientTape(persistent=True) as tape:
    y = x @ w + b
    loss = tf.reduce_mean(y ** 2)
[dl_dw, dl_db] = tape.gradient(loss, [w, b])
show("dl_dw", dl_dw); show("dl_db", dl_db)
my_vars = {"w": w, "b": b}
grad = tape.gradient(loss, my_vars)
show("dict grads", grad)
print("shapes", w.shape, dl_dw.shape)
del tape

layer = keras.layers.Dense(2, activation="relu", kernel_initializer="ones", bias_initializer="zeros")
x = tf.constant([[1.0, 2.0, 3.0]])
with tf.GradientTape() as tape:
    y = layer(x)
    loss = tf.reduce_mean(y ** 2)
grad = tape.gradient(loss, layer.trainable_variables)
for var, g in zip(layer.trainable_variables, grad):
    print(var.name, g.shape, show_arr(g))

x0 = tf.Variable(3.0, name="x0")
x1 = tf.Variable(3.0, name="x1", trainable=False)
x2 = tf.Variable(2.0, name="x2") + 1.0
x3 = tf.constant(3.0, name="x3")
with tf.GradientTape() as tape:
    y = (x0 ** 2) + (x1 ** 2) + (x2 ** 2)
grad = tape.gradient(y, [x0, x1, x2, x3])
for g in grad:
    print(g)
print([var.name for var in tape.watched_variables()])

x = tf.constant(3.0)
with tf.GradientTape() as tape:
    tape.watch(x)
    y = x ** 2
dy_dx = tape.gradient(y, x)
print(dy_dx.numpy())

x0 = tf.Variable(0.0)
x1 = tf.Variable(10.0)
with tf.GradientTape(watch_accessed_variables=False) as tape:
    tape.watch(x1)
    y0 = tf.math.sin(x0)
    y1 = tf.nn.softplus(x1)
    y = y0 + y1
    ys = tf.reduce_sum(y)
grad = tape.gradient(ys, {"x0": x0, "x1": x1})
print("dy/dx0:", grad["x0"])
print("dy/dx1:", grad["x1"].numpy())

x = tf.constant(3.0)
with tf.GradientTape(persistent=True) as tape:
    tape.watch(x)
    y = x * x
    z = y * y
print(tape.gradient(z, x).numpy(), tape.gradient(y, x).numpy())
del tape

x = tf.Variable(2.0)
with tf.GradientTape() as tape:
    y0 = x ** 2
    y1 = 1 / x
print(tape.gradient({"y0": y0, "y1": y1}, x).numpy())

x = tf.Variable(2.0)
with tf.GradientTape() as tape:
    y = x * [3.0, 4.0]
print(tape.gradient(y, x).numpy())

x = tf.linspace(-10.0, 10.0, 200 + 1)
with tf.GradientTape() as tape:
    tape.watch(x)
    y = tf.nn.sigmoid(x)
dy_dx = tape.gradient(y, x)
print("sigmoid grad sum", round(float(tf.reduce_sum(dy_dx)), 5), dy_dx.shape)

x = tf.constant(1.0)
v0 = tf.Variable(2.0)
v1 = tf.Variable(2.0)
with tf.GradientTape(persistent=True) as tape:
    tape.watch(x)
    if x > 0.0:
        result = v0
    else:
        result = v1 ** 2
dv0, dv1 = tape.gradient(result, [v0, v1])
print(dv0, dv1)
dx = tape.gradient(result, x)
print(dx)
del tape

x = tf.Variable(2.0)
y = tf.Variable(3.0)
with tf.GradientTape() as tape:
    z = y * y
print(tape.gradient(z, x))

x = tf.Variable(2.0)
for epoch in range(2):
    with tf.GradientTape() as tape:
        y = x + 1
    print(type(x).__name__ in ("ResourceVariable", "Variable", "UninitializedVariable"), tape.gradient(y, x))
    x = x + 1

x = tf.constant(10)
with tf.GradientTape() as g:
    g.watch(x)
    y = x * x
print(g.gradient(y, x))

x0 = tf.Variable(3.0)
x1 = tf.Variable(0.0)
with tf.GradientTape() as tape:
    x1.assign_add(x0)
    y = x1 ** 2
print(tape.gradient(y, x0))

image = tf.Variable([[1.0, 2.0, 3.0]])
delta = tf.Variable(0.1)
with tf.GradientTape() as tape:
    new_image = tf.image.adjust_contrast(image, delta) if False else image * delta
print(tape.gradient(new_image, [image, delta])[1].numpy())

x = tf.Variable([2.0, 2.0])
y = tf.Variable(3.0)
with tf.GradientTape() as tape:
    z = y ** 2
print(tape.gradient(z, x, unconnected_gradients=tf.UnconnectedGradients.ZERO))
print(tape.gradient is not None)

# stop_recording and reset
x = tf.Variable(2.0)
y = tf.Variable(3.0)
with tf.GradientTape() as t:
    x_sq = x * x
    with t.stop_recording():
        y_sq = y * y
    z = x_sq + y_sq
grad = t.gradient(z, {"x": x, "y": y})
print("dz/dx:", grad["x"])
print("dz/dy:", grad["y"])

x = tf.Variable(2.0)
y = tf.Variable(3.0)
reset = True
with tf.GradientTape() as t:
    y_sq = y * y
    if reset:
        t.reset()
    z = x * x + y_sq
grad = t.gradient(z, {"x": x, "y": y})
print("dz/dx:", grad["x"])
print("dz/dy:", grad["y"])

# stop_gradient
x = tf.Variable(2.0)
y = tf.Variable(3.0)
with tf.GradientTape() as t:
    y_sq = y ** 2
    z = x ** 2 + tf.stop_gradient(y_sq)
grad = t.gradient(z, {"x": x, "y": y})
print("dz/dx:", grad["x"]); print("dz/dy:", grad["y"])

# output_gradients
x = tf.Variable([1.0, 2.0, 3.0])
with tf.GradientTape() as tape:
    y = x * x
print(tape.gradient(y, x, output_gradients=tf.constant([1.0, 0.5, 0.0])))

# jacobian
x = tf.linspace(-3.0, 3.0, 7)
delta = tf.Variable(0.0)
with tf.GradientTape() as tape:
    y = tf.nn.sigmoid(x + delta)
dy_dx = tape.jacobian(y, delta)
print(y.shape, dy_dx.shape, show_arr(dy_dx))

x = tf.constant(np.linspace(-1, 1, 14).reshape(7, 2).astype("float32"))
layer = keras.layers.Dense(3, activation=tf.nn.relu, kernel_initializer="ones", bias_initializer="zeros")
with tf.GradientTape(persistent=True) as tape:
    y = layer(x)
j = tape.jacobian(y, layer.kernel)
print(j.shape, layer.kernel.shape)
g = tape.gradient(y, layer.kernel)
print("g.shape:", g.shape)
j_sum = tf.reduce_sum(j, axis=[0, 1])
delta = tf.reduce_max(abs(g - j_sum)).numpy()
assert delta < 1e-3
print("delta:", delta)

x = tf.Variable([1.0, 2.0, 3.0])
with tf.GradientTape(persistent=True) as tape:
    y = x ** 2 * tf.reduce_sum(x)
J = tape.jacobian(y, x)
print(show_arr(J))
print(tape.jacobian(y, x, experimental_use_pfor=False).shape)

layer1 = keras.layers.Dense(4, activation=tf.nn.elu, kernel_initializer="ones")
layer2 = keras.layers.Dense(4, activation=tf.nn.elu, kernel_initializer="ones")
x = tf.constant(np.linspace(-1, 1, 12).reshape(3, 4).astype("float32"))
with tf.GradientTape(persistent=True, watch_accessed_variables=False) as tape:
    tape.watch(x)
    y = layer1(x)
    y = layer2(y)
print(y.shape)
j = tape.jacobian(y, x)
print(j.shape)
jb = tape.batch_jacobian(y, x)
print(jb.shape, show_arr(jb[0]))
j_sum = tf.reduce_sum(j, axis=2)
print(j_sum.shape)
j_select = tf.einsum("bxby->bxy", j)
print(j_select.shape)
print(float(tf.reduce_max(tf.abs(j_select - jb))))
print(tape.gradient(y, x, unconnected_gradients="zero").shape)
print(tape.gradient(tf.constant(1.0), x, unconnected_gradients="zero"))
