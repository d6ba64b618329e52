# A program in the style of a TensorFlow 2.21 guide (tests/test_guides_programs.py runs it).
import numpy as np
import tensorflow as tf
import keras

print(tf.math.add(1, 2))
print(tf.math.add([1, 2], [3, 4]))
print(tf.math.square(5))
print(tf.math.reduce_sum([1, 2, 3]))
print(tf.math.square(2) + tf.math.square(3))
x = tf.linalg.matmul([[1]], [[2, 3]])
print(x)
print(x.shape)
print(x.dtype)
ndarray = np.ones([3, 3])
tensor = tf.math.multiply(ndarray, 42)
print(tensor)
print(np.add(tensor, 1))
print(tensor.numpy())
print(tf.config.list_physical_devices("GPU") == [] or True)
print(x.device.endswith("CPU:0"))

ds_tensors = tf.data.Dataset.from_tensor_slices([1, 2, 3, 4, 5, 6])
import os, tempfile
_, filename = tempfile.mkstemp()
with open(filename, "w") as f:
    f.write("Line 1\nLine 2\nLine 3\n  ")
ds_file = tf.data.TextLineDataset(filename)
ds_tensors = ds_tensors.map(tf.math.square).shuffle(2, seed=1).batch(2)
ds_file = ds_file.batch(2)
print("Elements of ds_tensors:")
for x in ds_tensors.unbatch().batch(6):
    print(sorted(x.numpy().tolist()))
print("\nElements in ds_file:")
for x in ds_file:
    print(x)
os.remove(filename)

layer = keras.layers.Dense(100)
layer = keras.layers.Dense(10, input_shape=(None, 5)) if False else keras.layers.Dense(10)
print(layer(tf.zeros([10, 5])).shape)
print([v.name for v in layer.variables])
print(layer.kernel.shape, layer.bias.shape)

class MyDenseLayer(keras.layers.Layer):
    def __init__(self, num_outputs):
        super(MyDenseLayer, self).__init__()
        self.num_outputs = num_outputs
    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=[int(input_shape[-1]), self.num_outputs],
                                      initializer="ones")
    def call(self, inputs):
        return tf.matmul(inputs, self.kernel)

layer = MyDenseLayer(10)
_ = layer(tf.zeros([10, 5]))
print([var.name for var in layer.trainable_variables])
print(layer.built, layer.kernel.shape)

class ResnetIdentityBlock(keras.Model):
    def __init__(self, filters):
        super(ResnetIdentityBlock, self).__init__(name="")
        self.d1 = keras.layers.Dense(filters, kernel_initializer="ones")
        self.bn1 = keras.layers.BatchNormalization()
        self.d2 = keras.layers.Dense(filters, kernel_initializer="ones")
        self.bn2 = keras.layers.BatchNormalization()
    def call(self, input_tensor, training=False):
        x = self.d1(input_tensor)
        x = self.bn1(x, training=training)
        x = tf.nn.relu(x)
        x = self.d2(x)
        x = self.bn2(x, training=training)
        x += input_tensor
        return tf.nn.relu(x)

block = ResnetIdentityBlock(3)
inp = tf.constant(np.linspace(-1, 1, 6).reshape(2, 3).astype("float32"))
print(np.round(block(inp).numpy(), 5))
print(np.round(block(inp, training=True).numpy(), 5))
print(len(block.layers), len(block.variables), len(block.trainable_variables))
print(sorted(v.name for v in block.variables))
print(np.round(block.bn1.moving_mean.numpy(), 5))

my_seq = keras.Sequential([keras.layers.Dense(3, kernel_initializer="ones"),
                           keras.layers.BatchNormalization(),
                           keras.layers.Dense(2, kernel_initializer="ones")])
print(my_seq(tf.zeros([1, 2, 3])).shape)
my_seq.summary(print_fn=lambda *a, **k: None)
print(my_seq.count_params())

class Linear(keras.layers.Layer):
    def __init__(self, units=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units
    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="ones", trainable=True)
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True)
        self.total = self.add_weight(shape=(), initializer="zeros", trainable=False)
    def call(self, inputs):
        self.total.assign_add(tf.reduce_sum(inputs))
        self.add_loss(1e-2 * tf.reduce_sum(self.w))
        return tf.matmul(inputs, self.w) + self.b
    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units})
        return config

lin = Linear(4, name="lin")
y = lin(tf.ones((2, 2)))
print(y.numpy().tolist(), lin.total.numpy(), [float(l) for l in lin.losses])
print(len(lin.weights), len(lin.trainable_weights), len(lin.non_trainable_weights))
cfg = lin.get_config()
print(cfg["units"], cfg["name"], cfg["trainable"])
lin2 = Linear.from_config(cfg)
print(lin2.units, lin2.name)

class Outer(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.lin1 = Linear(3)
        self.lin2 = Linear(1)
        self.dropout = keras.layers.Dropout(0.5)
    def call(self, x, training=None):
        return self.lin2(self.dropout(tf.nn.relu(self.lin1(x)), training=training))

o = Outer()
print(o(tf.ones((1, 2))).numpy().tolist(), len(o.weights), len(o.losses))
print([round(float(l), 4) for l in o.losses])

@keras.saving.register_keras_serializable(package="demo")
def my_act(x):
    return tf.nn.relu(x) * 2.0
d = keras.layers.Dense(2, activation=my_act, kernel_initializer="ones")
print(d(tf.constant([[1.0, -2.0]])).numpy().tolist())
print(keras.activations.serialize(my_act) if hasattr(keras.activations, "serialize") else "")
