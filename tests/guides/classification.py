# A program in the style of a TensorFlow 2.21 guide (tests/test_guides_programs.py runs it).
import numpy as np
import tensorflow as tf
import keras

def fixed(shape, seed):
    n = int(np.prod(shape))
    return (np.sin(np.arange(1, n + 1) * (0.7 + 0.1 * seed) + seed) * 0.3).reshape(shape).astype("float32")

def set_fixed(model):
    model.set_weights([fixed(w.shape, i) for i, w in enumerate(model.get_weights())])

rng = np.random.default_rng(0)
train_images = rng.integers(0, 256, size=(240, 8, 8)).astype("uint8")
train_labels = (train_images.reshape(240, -1).mean(1) > 127.5).astype("uint8") + 2 * (train_images[:, 0, 0] > 128)
test_images = rng.integers(0, 256, size=(60, 8, 8)).astype("uint8")
test_labels = (test_images.reshape(60, -1).mean(1) > 127.5).astype("uint8") + 2 * (test_images[:, 0, 0] > 128)
class_names = ["a", "b", "c", "d"]
print(train_images.shape, len(train_labels), train_labels[:10])
train_images = train_images / 255.0
test_images = test_images / 255.0

model = keras.Sequential([
    keras.Input(shape=(8, 8)),
    keras.layers.Flatten(),
    keras.layers.Dense(16, activation="relu"),
    keras.layers.Dense(4),
])
set_fixed(model)
model.compile(optimizer="adam",
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
history = model.fit(train_images, train_labels, epochs=4, batch_size=32, shuffle=False, verbose=0)
print({k: [round(v, 4) for v in vs] for k, vs in history.history.items()})
test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=0)
print("\nTest accuracy:", round(test_acc, 4), round(test_loss, 4))

probability_model = keras.Sequential([model, keras.layers.Softmax()])
predictions = probability_model.predict(test_images, verbose=0)
print(predictions.shape, np.round(predictions[0], 4))
print(np.argmax(predictions[0]), test_labels[0])
print(np.argmax(predictions, axis=1)[:20].tolist())
img = test_images[1]
img = np.expand_dims(img, 0)
print(img.shape)
predictions_single = probability_model.predict(img, verbose=0)
print(np.round(predictions_single, 4), np.argmax(predictions_single[0]))
print(model.output_shape if hasattr(model, "output_shape") else None, len(model.layers))
print(probability_model(img).shape)
print(round(float(tf.reduce_sum(predictions_single)), 5))
print(model.metrics_names)
out = model.predict_on_batch(test_images[:2]); print(np.round(out, 3))
print([round(float(v), 4) for v in model.train_on_batch(train_images[:32], train_labels[:32])])
print(round(float(model.test_on_batch(test_images, test_labels)[1]), 4))
