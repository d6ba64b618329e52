"""Fashion-MNIST classification, TensorFlow's beginner tutorial, fed through tf.data.

Flatten -> Dense(128, relu) -> Dense(10) on `keras.datasets.fashion_mnist`, with the images
scaled to [0, 1] in a `tf.data` pipeline (shuffle, map, batch, prefetch), trained with
`model.fit` (accuracy printed per epoch), evaluated, and a PNG of a few test images with the
predicted labels. Only the two import lines differ from TensorFlow's version.

    python examples/fashion_mnist.py --epochs 10 --out fashion_mnist.png

The data (30 MB) is downloaded once into ~/.keras/datasets. When it cannot be downloaded
(no network), the example says so and trains on a small synthetic set of 28x28 images
instead (`--synthetic` asks for it). The PNG is drawn with matplotlib when it is installed,
else written by `tf.io.encode_png` with the labels printed. Set
TAPEGRAD_EXAMPLE_BACKEND=tensorflow to run it on real TensorFlow.
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

CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Fashion-MNIST through tf.data")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=int, default=None,
                        help="use only this many training images (a quick run)")
    parser.add_argument("--synthetic", action="store_true",
                        help="use the synthetic images even if Fashion-MNIST can be loaded")
    parser.add_argument("--out", default="fashion_mnist.png", help="PNG of test predictions")
    return parser.parse_args(argv)


def synthetic_data(seed, n_train=6000, n_test=1000):
    """28x28 uint8 images of 10 classes: a smooth random shape per class, varied in
    brightness and position, plus noise. Learnable like the real thing, only easier."""
    rng = np.random.default_rng(seed)
    coarse = rng.uniform(0, 1, (10, 7, 7))
    templates = np.kron(coarse, np.ones((4, 4)))  # 28x28 blocks
    templates = (templates > 0.5) * templates

    def make(n):
        labels = rng.integers(0, 10, n).astype(np.uint8)
        other = rng.integers(0, 10, n)  # a second shape blended in makes classes overlap
        mix = rng.uniform(0.0, 0.6, (n, 1, 1))
        rows = (np.arange(28) - rng.integers(-3, 4, (n, 1))) % 28  # shifted copies
        cols = (np.arange(28) - rng.integers(-3, 4, (n, 1))) % 28
        images = templates[labels[:, None, None], rows[:, :, None], cols[:, None, :]]
        images = (1 - mix) * images + mix * templates[other]
        images = images * rng.uniform(120, 255, (n, 1, 1)) + rng.normal(0, 60, images.shape)
        return np.clip(images, 0, 255).astype(np.uint8), labels

    return make(n_train), make(n_test)


def load_data(args):
    if not args.synthetic:
        try:
            return keras.datasets.fashion_mnist.load_data(), "Fashion-MNIST"
        except Exception as err:  # no network, a proxy, a broken download: say so, go on
            print(f"Could not load Fashion-MNIST: {err}")
    print("Training on a small synthetic set of 28x28 images (6,000 training and 1,000 test "
          "images of 10 made-up classes) instead.")
    return synthetic_data(args.seed), "synthetic images"


def scale(image, label):
    return tf.cast(image, tf.float32) / 255.0, label


def save_predictions(path, images, labels, predicted):
    """The first test images with their predicted (and true) labels, as a PNG."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        grid = np.concatenate([np.pad(img, 2) for img in images], axis=1)
        tf.io.write_file(path, tf.io.encode_png(grid[..., None]))
        print(f"{len(images)} test images saved to {path} (left to right; matplotlib is not "
              "installed, so the labels are printed here):")
        for i, (p, t) in enumerate(zip(predicted, labels)):
            print(f"  {i + 1}: predicted {CLASS_NAMES[p]} (true {CLASS_NAMES[t]})")
        return
    plt.figure(figsize=(10, 4.5))
    for i, (img, p, t) in enumerate(zip(images, predicted, labels)):
        plt.subplot(2, (len(images) + 1) // 2, i + 1)
        plt.xticks([])
        plt.yticks([])
        plt.imshow(img, cmap=plt.cm.binary)
        plt.xlabel(f"{CLASS_NAMES[p]}\n({CLASS_NAMES[t]})", color="blue" if p == t else "red")
    plt.suptitle("predicted (true) labels of test images")
    plt.savefig(path, dpi=100, bbox_inches="tight")
    print(f"{len(images)} test images with predicted labels saved to {path}")


def main(argv=None):
    args = parse_args(argv)
    keras.utils.set_random_seed(args.seed)
    ((x_train, y_train), (x_test, y_test)), source = load_data(args)
    if args.limit:  # a quick run: fewer training images, and a fifth as many test images
        x_train, y_train = x_train[:args.limit], y_train[:args.limit]
        x_test, y_test = x_test[:max(100, args.limit // 5)], y_test[:max(100, args.limit // 5)]
    print(f"{source}: {len(x_train)} training and {len(x_test)} test images")

    train_ds = (tf.data.Dataset.from_tensor_slices((x_train, y_train))
                .shuffle(10_000, seed=args.seed)
                .map(scale, num_parallel_calls=tf.data.AUTOTUNE)
                .batch(32)
                .prefetch(tf.data.AUTOTUNE))
    test_ds = tf.data.Dataset.from_tensor_slices((x_test, y_test)).map(scale).batch(32)

    model = keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10),
    ])
    model.compile(optimizer="adam",
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])

    start = time.perf_counter()
    history = model.fit(train_ds, epochs=args.epochs, validation_data=test_ds, verbose=0)
    elapsed = time.perf_counter() - start
    for epoch, (acc, val) in enumerate(zip(history.history["accuracy"],
                                           history.history["val_accuracy"])):
        print(f"epoch {epoch + 1:2d}: accuracy {acc:.4f}, test accuracy {val:.4f}")
    test_loss, test_acc = model.evaluate(test_ds, verbose=0)
    print(f"test accuracy: {test_acc:.4f} (loss {test_loss:.4f}); {args.epochs} epochs in "
          f"{elapsed:.1f} s")

    logits = model.predict(test_ds.take(1), verbose=0)
    predicted = np.argmax(tf.nn.softmax(logits).numpy(), axis=1)[:10]
    save_predictions(args.out, x_test[:10], y_test[:10], predicted)
    return test_acc


if __name__ == "__main__":
    main()
