# A program in the style of a TensorFlow 2.21 guide (tests/test_guides_programs.py runs it).
import numpy as np
import tensorflow as tf
import keras

TRUE_W, TRUE_B = 3.0, 2.0
NUM_EXAMPLES = 201
x = tf.linspace(-2.0, 2.0, NUM_EXAMPLES)
x = tf.cast(x, tf.float32)
def f(x):
    return x * TRUE_W + TRUE_B
noise = tf.constant(np.sin(np.arange(NUM_EXAMPLES) * 1.7).astype("float32"))
y = f(x) + noise

class MyModel(tf.Module):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.w = tf.Variable(5.0)
        self.b = tf.Variable(0.0)
    def __call__(self, x):
        return self.w * x + self.b

model = MyModel()
print("Variables:", [v.numpy() for v in model.variables])
assert model(3.0).numpy() == 15.0

def loss(target_y, predicted_y):
    return tf.reduce_mean(tf.square(target_y - predicted_y))

print("Current loss: %1.6f" % loss(y, model(x)).numpy())

def train(model, x, y, learning_rate):
    with tf.GradientTape() as t:
        current_loss = loss(y, model(x))
    dw, db = t.gradient(current_loss, [model.w, model.b])
    model.w.assign_sub(learning_rate * dw)
    model.b.assign_sub(learning_rate * db)

weights, biases = [], []
epochs = range(10)
def report(model, loss):
    return f"W = {model.w.numpy():1.4f}, b = {model.b.numpy():1.4f}, loss={loss:2.5f}"

def training_loop(model, x, y):
    for epoch in epochs:
        train(model, x, y, learning_rate=0.1)
        weights.append(model.w.numpy())
        biases.append(model.b.numpy())
        current_loss = loss(y, model(x))
        print(f"Epoch {epoch:2d}:")
        print("    ", report(model, current_loss))

current_loss = loss(y, model(x))
print("Starting:")
print("    ", report(model, current_loss))
training_loop(model, x, y)

class MyModelKeras(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.w = tf.Variable(5.0)
        self.b = tf.Variable(0.0)
    def call(self, x):
        return self.w * x + self.b

keras_model = MyModelKeras()
training_loop(keras_model, x, y)

class MyModelKeras(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.w = self.add_weight(shape=(), initializer=keras.initializers.Constant(5.0))
        self.b = self.add_weight(shape=(), initializer="zeros")
    def call(self, x):
        return self.w * x + self.b

keras_model = MyModelKeras()
keras_model.compile(
    run_eagerly=False,
    optimizer=keras.optimizers.SGD(learning_rate=0.1),
    loss=keras.losses.MeanSquaredError(),
)
print(x.shape[0])
history = keras_model.fit(x, y, epochs=10, batch_size=1000, verbose=0)
print([round(v, 4) for v in history.history["loss"]])  # TF varies in the 6th digit
print(round(float(keras_model.w.numpy()), 5), round(float(keras_model.b.numpy()), 5))
print(sorted(history.history), history.epoch, history.params)
print(len(keras_model.trainable_variables), len(keras_model.variables))

keras_model = MyModelKeras()
keras_model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse", metrics=["mae"])
history = keras_model.fit(x, y, epochs=3, batch_size=50, verbose=0, shuffle=False)
print({k: [round(v, 4) for v in vs] for k, vs in history.history.items()})
print([round(float(v), 4) for v in keras_model.evaluate(x, y, verbose=0)])
print(np.round(keras_model.predict(tf.constant([0.0, 1.0]), verbose=0), 4))
print(keras_model.evaluate(x, y, verbose=0, return_dict=True).keys())
