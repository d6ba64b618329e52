"""IMDB sentiment classification from raw text: TextVectorization, Embedding and an LSTM (or a
global average pooling of the embeddings), as Keras's "text classification from scratch".

The reviews are read with `keras.utils.text_dataset_from_directory` from the Large Movie
Review Dataset (aclImdb, 80 MB, downloaded once into ~/.keras/datasets). The model takes the
raw strings: TextVectorization (lower-casing, punctuation and the reviews' "<br />" removed,
the 20,000 most frequent words, 200 tokens per review) -> Embedding(mask_zero=True) ->
LSTM(32) (or GlobalAveragePooling1D, which is faster) -> Dense(1) on logits, trained with
Adam and binary cross-entropy. Only the two import lines differ from TensorFlow's version.

    python examples/text_classification.py --model lstm --epochs 3
    python examples/text_classification.py --model pool --epochs 5 --limit 5000

When the dataset cannot be downloaded (no network), the example says so and trains on
synthetic movie reviews (made-up sentences whose sentiment words decide the label, with
HTML breaks and punctuation to standardize); `--synthetic` asks for them. Set
TAPEGRAD_EXAMPLE_BACKEND=tensorflow to run it on real TensorFlow.
"""

import argparse
import os
import re
import shutil
import time

import numpy as np

if os.environ.get("TAPEGRAD_EXAMPLE_BACKEND", "tapegrad") == "tensorflow":
    import tensorflow as tf
    from tensorflow import keras
else:
    import tapegrad as tf
    from tapegrad import keras

URL = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
MAX_TOKENS = 20_000
SEQUENCE_LENGTH = 200


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="IMDB sentiment from raw text")
    parser.add_argument("--model", choices=("lstm", "pool"), default="lstm")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=int, default=None,
                        help="use only this many training reviews (and a fifth as many test "
                             "reviews)")
    parser.add_argument("--synthetic", action="store_true",
                        help="use synthetic reviews even if IMDB can be downloaded")
    return parser.parse_args(argv)


POSITIVE = ["great", "wonderful", "superb", "moving", "brilliant", "enjoyable", "touching", "funny", "charming", "masterpiece", "delightful", "gripping"]
NEGATIVE = ["awful", "boring", "dull", "terrible", "predictable", "waste", "bland", "clumsy", "tedious", "mess", "disappointing", "forgettable"]
NEUTRAL = ["the", "movie", "film", "plot", "actor", "actress", "scene", "story", "director", "script", "camera", "music", "ending", "character", "cast", "minutes", "dialogue", "sequel", "studio", "was", "is", "a", "an", "and", "of", "to", "in", "it", "this", "that", "with", "but", "for", "on", "as", "its", "at", "by", "from"]


def synthetic_reviews(seed, n):
    """`n` made-up reviews and labels: neutral filler with a few sentiment words, mostly of
    the label's polarity (some of the other, so that single words do not decide it)."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n)
    texts = []
    for label in labels:
        words = list(rng.choice(NEUTRAL, rng.integers(40, 160)))
        own, other = (POSITIVE, NEGATIVE) if label else (NEGATIVE, POSITIVE)
        for _ in range(rng.integers(2, 6)):
            words.insert(rng.integers(0, len(words)), rng.choice(own))
        for _ in range(rng.integers(0, 3)):
            words.insert(rng.integers(0, len(words)), rng.choice(other))
        text = " ".join(words)
        text = re.sub(r"(\w+) (\w+) (\w+) ", r"\1 \2, \3 ", text, count=3)  # punctuation
        texts.append(text.capitalize() + ("! <br /><br />" if rng.random() < 0.3 else "."))
    return np.array(texts), labels.astype("float32")


def imdb_reviews(args):
    """(train_texts, train_labels, test_texts, test_labels) of aclImdb, as arrays."""
    path = keras.utils.get_file("aclImdb_v1", URL, untar=True)
    candidates = (path, os.path.join(path, "aclImdb"), os.path.join(os.path.dirname(path),
                                                                    "aclImdb"))
    root = next(c for c in candidates if os.path.isdir(os.path.join(c, "train")))
    shutil.rmtree(os.path.join(root, "train", "unsup"), ignore_errors=True)  # unlabeled
    parts = []
    for split in ("train", "test"):
        ds = keras.utils.text_dataset_from_directory(os.path.join(root, split), batch_size=1024,
                                                     shuffle=True, seed=args.seed, verbose=False)
        texts, labels = [], []
        for x, y in ds:
            texts.extend(v.decode("utf-8") for v in np.asarray(x.numpy()).ravel())
            labels.extend(np.asarray(y.numpy()).ravel().tolist())
        parts += [np.array(texts), np.array(labels, "float32")]
    return parts


def load_data(args):
    if not args.synthetic:
        try:
            return imdb_reviews(args), "IMDB reviews"
        except Exception as err:  # no network, a proxy, a broken download: say so, go on
            print(f"Could not load the IMDB reviews: {err}")
    n_train = min(10_000, args.limit or 10_000)
    n_test = max(200, n_train // 5)
    print(f"Training on synthetic movie reviews ({n_train} training and {n_test} test reviews "
          "whose sentiment words decide the label) instead.")
    train = synthetic_reviews(args.seed, n_train)
    test = synthetic_reviews(args.seed + 1, n_test)
    return (*train, *test), "synthetic reviews"


def standardize(text):
    """Lower-case, drop the reviews' HTML line breaks and the punctuation."""
    text = tf.strings.lower(text)
    text = tf.strings.regex_replace(text, "<br />", " ")
    return tf.strings.regex_replace(text, "[^a-z0-9' ]", "")


def build_model(vectorize, kind):
    inputs = keras.Input(shape=(1,), dtype="string")
    x = vectorize(inputs)
    x = keras.layers.Embedding(MAX_TOKENS, 64, mask_zero=True)(x)
    if kind == "lstm":
        x = keras.layers.LSTM(32)(x)
    else:
        x = keras.layers.GlobalAveragePooling1D()(x)
    x = keras.layers.Dropout(0.3)(x)
    outputs = keras.layers.Dense(1)(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(1e-3 if kind == "lstm" else 5e-3),
                  loss=keras.losses.BinaryCrossentropy(from_logits=True),
                  metrics=[keras.metrics.BinaryAccuracy(threshold=0.0)])
    return model


def main(argv=None):
    args = parse_args(argv)
    keras.utils.set_random_seed(args.seed)
    (x_train, y_train, x_test, y_test), source = load_data(args)
    if args.limit:
        x_train, y_train = x_train[:args.limit], y_train[:args.limit]
        x_test, y_test = x_test[:max(200, args.limit // 5)], y_test[:max(200, args.limit // 5)]
    print(f"{source}: {len(x_train)} training and {len(x_test)} test reviews")

    start = time.perf_counter()
    vectorize = keras.layers.TextVectorization(max_tokens=MAX_TOKENS, standardize=standardize,
                                               output_sequence_length=SEQUENCE_LENGTH)
    vectorize.adapt(x_train)
    adapted = time.perf_counter() - start
    print(f"vocabulary of {vectorize.vocabulary_size()} tokens, learned in {adapted:.1f} s; "
          f"the most frequent: {vectorize.get_vocabulary()[2:8]}")

    model = build_model(vectorize, args.model)
    train_ds = (tf.data.Dataset.from_tensor_slices((x_train[:, None], y_train))
                .shuffle(10_000, seed=args.seed).batch(args.batch_size)
                .prefetch(tf.data.AUTOTUNE))
    test_ds = tf.data.Dataset.from_tensor_slices((x_test[:, None], y_test)).batch(256)
    start = time.perf_counter()
    history = model.fit(train_ds, epochs=args.epochs, validation_data=test_ds, verbose=0)
    elapsed = time.perf_counter() - start
    for epoch, (acc, val) in enumerate(zip(history.history["binary_accuracy"],
                                           history.history["val_binary_accuracy"])):
        print(f"epoch {epoch + 1}: accuracy {acc:.4f}, test accuracy {val:.4f}")
    loss, accuracy = model.evaluate(test_ds, verbose=0)
    print(f"{args.model}: test accuracy {accuracy:.4f} (loss {loss:.4f}); {args.epochs} epochs "
          f"in {elapsed:.1f} s")
    samples = np.array([["A wonderful, moving film: superb!"], ["Boring and predictable."]])
    scores = tf.sigmoid(model.predict(tf.constant(samples), verbose=0)).numpy().ravel()
    for text, score in zip(samples.ravel(), scores):
        print(f"  {score:.2f} positive: {text}")
    return accuracy


if __name__ == "__main__":
    main()
