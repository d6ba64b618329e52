# A program in the style of TensorFlow 2.21's "Get started with TensorBoard" guide
# (tests/test_guides_programs.py runs it): Keras's TensorBoard callback in fit, and a custom
# training loop logging with tf.summary. It then reads its event files back with a small
# reader of its own and prints what TensorBoard would show.
import os
import shutil
import struct
import tempfile

import numpy as np
import tensorflow as tf
import keras

rng = np.random.default_rng(7)
x_train = rng.normal(size=(64, 16)).astype("float32")
y_train = x_train[:, :3].argmax(axis=1)
x_test = rng.normal(size=(32, 16)).astype("float32")
y_test = x_test[:, :3].argmax(axis=1)
initial_weights = [rng.normal(scale=0.3, size=s).astype("float32")
                   for s in [(16, 8), (8,), (8, 3), (3,)]]

def create_model():
    model = keras.models.Sequential([
        keras.Input((16,)),
        keras.layers.Dense(8, activation="relu", name="hidden"),
        keras.layers.Dense(3, activation="softmax", name="probabilities"),
    ], name="mlp")
    model.set_weights(initial_weights)
    return model

logs = tempfile.mkdtemp()

# Using TensorBoard with Keras Model.fit()
model = create_model()
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
log_dir = os.path.join(logs, "fit")
tensorboard_callback = tf.keras.callbacks.TensorBoard(log_dir=log_dir, histogram_freq=1)
model.fit(x=x_train, y=y_train, epochs=3, batch_size=16, shuffle=False, verbose=0,
          validation_data=(x_test, y_test), callbacks=[tensorboard_callback])

# Using TensorBoard with other methods
train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(16)
test_dataset = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(16)
loss_object = keras.losses.SparseCategoricalCrossentropy()
optimizer = keras.optimizers.Adam()
train_loss = keras.metrics.Mean("train_loss", dtype=tf.float32)
train_accuracy = keras.metrics.SparseCategoricalAccuracy("train_accuracy")
test_loss = keras.metrics.Mean("test_loss", dtype=tf.float32)
test_accuracy = keras.metrics.SparseCategoricalAccuracy("test_accuracy")

def train_step(model, optimizer, x_train, y_train):
    with tf.GradientTape() as tape:
        predictions = model(x_train, training=True)
        loss = loss_object(y_train, predictions)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    train_loss(loss)
    train_accuracy(y_train, predictions)

def test_step(model, x_test, y_test):
    predictions = model(x_test)
    loss = loss_object(y_test, predictions)
    test_loss(loss)
    test_accuracy(y_test, predictions)

train_summary_writer = tf.summary.create_file_writer(os.path.join(logs, "gradient_tape/train"))
test_summary_writer = tf.summary.create_file_writer(os.path.join(logs, "gradient_tape/test"))

model = create_model()
EPOCHS = 3
for epoch in range(EPOCHS):
    for (x, y) in train_dataset:
        train_step(model, optimizer, x, y)
    with train_summary_writer.as_default():
        tf.summary.scalar("loss", train_loss.result(), step=epoch)
        tf.summary.scalar("accuracy", train_accuracy.result(), step=epoch)
        tf.summary.histogram("hidden/kernel", model.layers[0].kernel, step=epoch)
    for (x, y) in test_dataset:
        test_step(model, x, y)
    with test_summary_writer.as_default():
        tf.summary.scalar("loss", test_loss.result(), step=epoch)
        tf.summary.scalar("accuracy", test_accuracy.result(), step=epoch)
    template = "Epoch {}, Loss: {:.4f}, Accuracy: {:.2f}, Test Loss: {:.4f}, Test Accuracy: {:.2f}"
    print(template.format(epoch + 1, train_loss.result(), train_accuracy.result() * 100,
                          test_loss.result(), test_accuracy.result() * 100))
    train_loss.reset_state()
    test_loss.reset_state()
    train_accuracy.reset_state()
    test_accuracy.reset_state()

with train_summary_writer.as_default(step=0):
    tf.summary.text("notes", "Trained for **3** epochs")
    tf.summary.image("first inputs", tf.reshape(x_train[:2], (2, 4, 4, 1)), max_outputs=2)
try:
    with test_summary_writer.as_default():
        tf.summary.scalar("oops", 1.0)
except ValueError as e:
    print("without a step:", e)
print("without a writer:", bool(tf.summary.scalar("nowhere", 1.0, step=0)))
train_summary_writer.close()
test_summary_writer.close()

# What the event files hold: TFRecords of Event protocol buffers
def varint(data, pos):
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, pos

def fields(data):
    pos = 0
    while pos < len(data):
        key, pos = varint(data, pos)
        if key & 7 == 0:
            value, pos = varint(data, pos)
        elif key & 7 == 1:
            value, pos = data[pos:pos + 8], pos + 8
        else:
            size, pos = varint(data, pos)
            value, pos = data[pos:pos + size], pos + size
        yield key >> 3, value

def read_summaries(path):
    data = open(path, "rb").read()
    pos = 0
    while pos < len(data):
        (length,) = struct.unpack_from("<Q", data, pos)
        event = dict(fields(data[pos + 12:pos + 12 + length]))
        pos += length + 16
        for number, value in fields(event.get(5, b"")):
            v = dict(fields(value))
            plugin = dict(fields(dict(fields(v[9]))[1]))[1].decode()
            tensor = dict(fields(v[8]))
            strings = [s for n, s in fields(v[8]) if n == 8]
            yield event.get(2, 0), v[1].decode(), plugin, tensor, strings

for root, dirs, files in sorted(os.walk(logs)):
    dirs.sort()
    for name in sorted(files):
        print(os.path.relpath(root, logs), name.split(".")[:3], name.endswith(".v2"))
        rows = {}
        for step, tag, plugin, tensor, strings in read_summaries(os.path.join(root, name)):
            if plugin == "scalars":
                shown = "%.4f" % struct.unpack("<f", tensor[4])[0]
            elif plugin == "histograms":
                buckets = np.frombuffer(tensor[4], "<f8").reshape(-1, 3)
                shown = "%d buckets, %d values" % (len(buckets), buckets[:, 2].sum())
            elif plugin == "images":
                shown = "%s images %sx%s" % (len(strings) - 2, strings[0].decode(),
                                             strings[1].decode())
            elif plugin == "text":
                shown = strings[0].decode()
            else:
                shown = "model config"
            rows.setdefault((tag, plugin), []).append("%d: %s" % (step, shown))
        for (tag, plugin), values in rows.items():
            print("   ", tag, f"({plugin})", "; ".join(values))
shutil.rmtree(logs)
