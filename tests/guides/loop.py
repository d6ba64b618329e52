# A program in the style of a TensorFlow 2.21 guide (tests/test_guides_programs.py runs it).
import numpy as np
import tensorflow as tf
import keras

def fixed(shape, seed):
    n = int(np.prod(shape))
    return (np.sin(np.arange(1, n + 1) * (0.7 + 0.1 * seed) + seed) * 0.3).reshape(shape).astype("float32")

inputs = keras.Input(shape=(12,), name="digits")
x1 = keras.layers.Dense(16, activation="relu")(inputs)
x2 = keras.layers.Dense(16, activation="relu")(x1)
outputs = keras.layers.Dense(3, name="predictions")(x2)
model = keras.Model(inputs=inputs, outputs=outputs)
model.set_weights([fixed(w.shape, i) for i, w in enumerate(model.get_weights())])

optimizer = keras.optimizers.SGD(learning_rate=1e-2)
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

rng = np.random.default_rng(5)
x_all = rng.normal(size=(300, 12)).astype("float32")
y_all = (np.argmax(x_all[:, :3] + 0.5 * x_all[:, 3:6], axis=1)).astype("int64")
x_train, y_train = x_all[:200], y_all[:200]
x_val, y_val = x_all[200:250], y_all[200:250]
x_test, y_test = x_all[250:], y_all[250:]
batch_size = 32
train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(batch_size)
val_dataset = tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(batch_size)

epochs = 2
for epoch in range(epochs):
    print(f"\nStart of epoch {epoch}")
    for step, (x_batch_train, y_batch_train) in enumerate(train_dataset):
        with tf.GradientTape() as tape:
            logits = model(x_batch_train, training=True)
            loss_value = loss_fn(y_batch_train, logits)
        grads = tape.gradient(loss_value, model.trainable_weights)
        optimizer.apply(grads, model.trainable_weights)
        if step % 3 == 0:
            print(f"Training loss (for 1 batch) at step {step}: {float(loss_value):.4f}")
            print(f"Seen so far: {(step + 1) * batch_size} samples")

model.set_weights([fixed(w.shape, i) for i, w in enumerate(model.get_weights())])
optimizer = keras.optimizers.Adam(learning_rate=1e-3)
train_acc_metric = keras.metrics.SparseCategoricalAccuracy()
val_acc_metric = keras.metrics.SparseCategoricalAccuracy()
loss_tracker = keras.metrics.Mean(name="loss")

for epoch in range(epochs):
    for step, (x_batch_train, y_batch_train) in enumerate(train_dataset):
        with tf.GradientTape() as tape:
            logits = model(x_batch_train, training=True)
            loss_value = loss_fn(y_batch_train, logits)
        grads = tape.gradient(loss_value, model.trainable_weights)
        optimizer.apply_gradients(zip(grads, model.trainable_weights))
        train_acc_metric.update_state(y_batch_train, logits)
        loss_tracker.update_state(loss_value)
    train_acc = train_acc_metric.result()
    print(f"Training acc over epoch: {float(train_acc):.4f} loss {float(loss_tracker.result()):.4f}")
    train_acc_metric.reset_state()
    loss_tracker.reset_state()
    for x_batch_val, y_batch_val in val_dataset:
        val_logits = model(x_batch_val, training=False)
        val_acc_metric.update_state(y_batch_val, val_logits)
    val_acc = val_acc_metric.result()
    val_acc_metric.reset_state()
    print(f"Validation acc: {float(val_acc):.4f}")

@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        logits = model(x, training=True)
        loss_value = loss_fn(y, logits)
        loss_value += sum(model.losses)
    grads = tape.gradient(loss_value, model.trainable_weights)
    optimizer.apply(grads, model.trainable_weights)
    train_acc_metric.update_state(y, logits)
    return loss_value

@tf.function
def test_step(x, y):
    val_logits = model(x, training=False)
    val_acc_metric.update_state(y, val_logits)

for epoch in range(epochs):
    losses = []
    for step, (x_batch_train, y_batch_train) in enumerate(train_dataset):
        loss_value = train_step(x_batch_train, y_batch_train)
        losses.append(round(float(loss_value), 4))
    print(losses[:3], losses[-1])
    print(f"Training acc over epoch: {float(train_acc_metric.result()):.4f}")
    train_acc_metric.reset_state()
    for x_batch_val, y_batch_val in val_dataset:
        test_step(x_batch_val, y_batch_val)
    print(f"Validation acc: {float(val_acc_metric.result()):.4f}")
    val_acc_metric.reset_state()
print(int(optimizer.iterations))

class ActivityRegularizationLayer(keras.layers.Layer):
    def call(self, inputs):
        self.add_loss(1e-2 * tf.reduce_sum(inputs))
        return inputs

inputs = keras.Input(shape=(12,))
x = keras.layers.Dense(8, activation="relu")(inputs)
x = ActivityRegularizationLayer()(x)
outputs = keras.layers.Dense(3)(x)
model = keras.Model(inputs=inputs, outputs=outputs)
model.set_weights([fixed(w.shape, i) for i, w in enumerate(model.get_weights())])
optimizer = keras.optimizers.SGD(0.05)

@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        logits = model(x, training=True)
        loss_value = loss_fn(y, logits)
        loss_value += sum(model.losses)
    grads = tape.gradient(loss_value, model.trainable_weights)
    optimizer.apply(grads, model.trainable_weights)
    return loss_value

for epoch in range(2):
    for step, (xb, yb) in enumerate(train_dataset):
        loss_value = train_step(xb, yb)
    print(round(float(loss_value), 4))

m = keras.metrics.AUC(num_thresholds=50)
m.update_state([0, 1, 1, 0], [0.1, 0.8, 0.4, 0.5])
print(round(float(m.result()), 4))
p = keras.metrics.Precision(); r = keras.metrics.Recall()
p.update_state([0, 1, 1, 1], [1, 0, 1, 1]); r.update_state([0, 1, 1, 1], [1, 0, 1, 1])
print(round(float(p.result()), 4), round(float(r.result()), 4))
mae = keras.metrics.MeanAbsoluteError(); mae.update_state([[1.0], [2.0]], [[1.5], [1.0]], sample_weight=[1.0, 3.0])
print(round(float(mae.result()), 4), [v.name for v in mae.variables])
acc = keras.metrics.Accuracy(); acc.update_state([1, 2, 3], [1, 2, 4]); print(round(float(acc.result()), 4))
cat = keras.metrics.CategoricalAccuracy(); cat.update_state([[0, 1], [1, 0]], [[0.2, 0.8], [0.3, 0.7]]); print(float(cat.result()))
tk = keras.metrics.SparseTopKCategoricalAccuracy(k=2); tk.update_state([2, 0], [[0.1, 0.5, 0.4], [0.2, 0.3, 0.5]]); print(float(tk.result()))
