"""MNIST with a convolutional network: TensorFlow 2's "quickstart for experts".

A subclassed `keras.Model` (Conv2D(32, 3, relu) -> Flatten -> Dense(128, relu) -> Dense(10)),
fed by `tf.data` (shuffle, batch), trained by a custom loop whose train and test steps are
`tf.function`s: `GradientTape`, `SparseCategoricalCrossentropy(from_logits=True)`, Adam, and
`Mean` / `SparseCategoricalAccuracy` metrics reset each epoch. Only the two import lines
differ from TensorFlow's version (`--pool` adds the MaxPooling2D of the classic network).

    python examples/mnist_cnn.py --epochs 5
    python examples/mnist_cnn.py --epochs 2 --limit 10000 --pool

The data (11 MB) is downloaded once into ~/.keras/datasets. When it cannot be downloaded (no
network), the example says so and trains on synthetic digits instead (the ten digits of a 5x7
bitmap font, scaled, shifted, thickened, blended with another digit and noised; `--synthetic`
asks for them). Set TAPEGRAD_EXAMPLE_BACKEND=tensorflow to run it on real TensorFlow.
"""

import argparse
import os
import time

import numpy as np

if os.environ.get("TAPEGRAD_EXAMPLE_BACKEND", "tapegrad") == "tensorflow":
    import tensorflow as tf
    from tensorflow import keras
else:
    import tapegrad as tf
    from tapegrad import keras

# The digits 0-9 in a 5x7 bitmap font, one string of 7 rows of 5 bits each.
FONT = [
    "01110 10001 10011 10101 11001 10001 01110", "00100 01100 00100 00100 00100 00100 01110",
    "01110 10001 00001 00010 00100 01000 11111", "11111 00010 00100 00010 00001 10001 01110",
    "00010 00110 01010 10010 11111 00010 00010", "11111 10000 11110 00001 00001 10001 01110",
    "00110 01000 10000 11110 10001 10001 01110", "11111 00001 00010 00100 01000 01000 01000",
    "01110 10001 10001 01110 10001 10001 01110", "01110 10001 10001 01111 00001 00010 01100",
]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="MNIST CNN, TensorFlow's expert quickstart")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=int, default=None,
                        help="use only this many training images (and a fifth as many test "
                             "images)")
    parser.add_argument("--pool", action="store_true",
                        help="add MaxPooling2D after the convolution (the classic network)")
    parser.add_argument("--synthetic", action="store_true",
                        help="use synthetic digits even if MNIST can be downloaded")
    return parser.parse_args(argv)


def synthetic_digits(seed, n_train=6000, n_test=1000):
    """28x28 uint8 images of the ten digits: the font's glyph scaled 3x, thickened at random,
    shifted by up to 3 pixels, blended with another digit, varied in brightness, with
    noise."""
    rng = np.random.default_rng(seed)
    glyphs = np.array([[[c == "1" for c in row] for row in digit.split()] for digit in FONT])
    glyphs = np.kron(glyphs, np.ones((3, 3)))  # (10, 21, 15)
    canvas = np.zeros((10, 28, 28))
    canvas[:, 3:24, 6:21] = glyphs

    def make(n):
        labels = rng.integers(0, 10, n).astype(np.uint8)
        images = canvas[labels]
        thick = rng.random(n) < 0.5  # a bolder stroke for half of them
        images[thick] = np.maximum(images[thick], np.roll(images[thick], 1, axis=2))
        rows = (np.arange(28) - rng.integers(-3, 4, (n, 1))) % 28
        cols = (np.arange(28) - rng.integers(-3, 4, (n, 1))) % 28
        images = images[np.arange(n)[:, None, None], rows[:, :, None], cols[:, None, :]]
        # another digit blended in, faintly or not, so that the classes overlap
        mix = rng.uniform(0.0, 0.7, (n, 1, 1))
        images = (1 - mix) * images + mix * canvas[rng.integers(0, 10, n)]
        images = images * rng.uniform(120, 255, (n, 1, 1)) + rng.normal(0, 90, images.shape)
        return np.clip(images, 0, 255).astype(np.uint8), labels

    return make(n_train), make(n_test)


def load_data(args):
    if not args.synthetic:
        try:
            return keras.datasets.mnist.load_data(), "MNIST"
        except Exception as err:  # noqa: BLE001 - no network, a proxy, a broken download
            print(f"Could not load MNIST: {err}")
    print("Training on synthetic digits (6,000 training and 1,000 test images) instead.")
    return synthetic_digits(args.seed), "synthetic digits"


class MyModel(keras.Model):
    def __init__(self, pool=False):
        super().__init__()
        self.conv1 = keras.layers.Conv2D(32, 3, activation="relu")
        self.pool = keras.layers.MaxPooling2D() if pool else None
        self.flatten = keras.layers.Flatten()
        self.d1 = keras.layers.Dense(128, activation="relu")
        self.d2 = keras.layers.Dense(10)

    def call(self, x):
        x = self.conv1(x)
        if self.pool is not None:
            x = self.pool(x)
        x = self.flatten(x)
        x = self.d1(x)
        return self.d2(x)


def main(argv=None):
    args = parse_args(argv)
    keras.utils.set_random_seed(args.seed)
    ((x_train, y_train), (x_test, y_test)), source = load_data(args)
    if args.limit:
        x_train, y_train = x_train[:args.limit], y_train[:args.limit]
        x_test, y_test = x_test[:max(100, args.limit // 5)], y_test[:max(100, args.limit // 5)]
    print(f"{source}: {len(x_train)} training and {len(x_test)} test images")
    x_train, x_test = x_train / 255.0, x_test / 255.0
    # Add a channels dimension
    x_train = x_train[..., tf.newaxis].astype("float32")
    x_test = x_test[..., tf.newaxis].astype("float32")

    train_ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(
        10000, seed=args.seed).batch(32)
    test_ds = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(32)

    model = MyModel(pool=args.pool)
    loss_object = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = keras.optimizers.Adam()

    train_loss = keras.metrics.Mean(name="train_loss")
    train_accuracy = keras.metrics.SparseCategoricalAccuracy(name="train_accuracy")
    test_loss = keras.metrics.Mean(name="test_loss")
    test_accuracy = keras.metrics.SparseCategoricalAccuracy(name="test_accuracy")

    @tf.function
    def train_step(images, labels):
        with tf.GradientTape() as tape:
            # training=True is only needed if there are layers with different
            # behavior during training versus inference (e.g. Dropout).
            predictions = model(images, training=True)
            loss = loss_object(labels, predictions)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        train_loss(loss)
        train_accuracy(labels, predictions)

    @tf.function
    def test_step(images, labels):
        predictions = model(images, training=False)
        t_loss = loss_object(labels, predictions)
        test_loss(t_loss)
        test_accuracy(labels, predictions)

    start = time.perf_counter()
    for epoch in range(args.epochs):
        # Reset the metrics at the start of the next epoch
        train_loss.reset_state()
        train_accuracy.reset_state()
        test_loss.reset_state()
        test_accuracy.reset_state()

        for images, labels in train_ds:
            train_step(images, labels)
        for test_images, test_labels in test_ds:
            test_step(test_images, test_labels)

        print(
            f"Epoch {epoch + 1}, "
            f"Loss: {float(train_loss.result()):.4f}, "
            f"Accuracy: {float(train_accuracy.result()) * 100:.2f}, "
            f"Test Loss: {float(test_loss.result()):.4f}, "
            f"Test Accuracy: {float(test_accuracy.result()) * 100:.2f}"
        )
    elapsed = time.perf_counter() - start
    print(f"{args.epochs} epochs in {elapsed:.1f} s")
    return float(test_accuracy.result())


if __name__ == "__main__":
    main()
