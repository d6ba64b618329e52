"""Text classification with a Transformer block, in the style of Keras's example
("Text classification with Transformer", keras.io/examples/nlp): IMDB reviews as word ids
(`keras.datasets.imdb`), token and position embeddings, one Transformer block
(MultiHeadAttention, LayerNormalization, a feed-forward network, Dropout), global average
pooling and a softmax over the two classes. Only the import lines differ between tapegrad and
Keras 3 (set TAPEGRAD_EXAMPLE_BACKEND=tensorflow to run it on Keras 3 with TensorFlow).

    python examples/transformer_classification.py --epochs 2

Without network the example says so and trains on synthetic id sequences whose
"sentiment ids" decide the label (`--synthetic` asks for them).
"""

import argparse
import os
import time

import numpy as np

if os.environ.get("TAPEGRAD_EXAMPLE_BACKEND", "tapegrad") == "tensorflow":
    import keras
    from keras import layers, ops
else:
    from tapegrad import keras
    from tapegrad.keras import layers, ops

VOCAB_SIZE = 20_000  # only the 20k most frequent words
MAXLEN = 200  # only the first 200 words of each review


class TransformerBlock(layers.Layer):
    def __init__(self, embed_dim, num_heads, ff_dim, rate=0.1):
        super().__init__()
        self.att = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
        self.ffn = keras.Sequential(
            [layers.Dense(ff_dim, activation="relu"), layers.Dense(embed_dim)]
        )
        self.layernorm1 = layers.LayerNormalization(epsilon=1e-6)
        self.layernorm2 = layers.LayerNormalization(epsilon=1e-6)
        self.dropout1 = layers.Dropout(rate)
        self.dropout2 = layers.Dropout(rate)

    def call(self, inputs):
        attn_output = self.att(inputs, inputs)
        attn_output = self.dropout1(attn_output)
        out1 = self.layernorm1(inputs + attn_output)
        ffn_output = self.ffn(out1)
        ffn_output = self.dropout2(ffn_output)
        return self.layernorm2(out1 + ffn_output)


class TokenAndPositionEmbedding(layers.Layer):
    def __init__(self, maxlen, vocab_size, embed_dim):
        super().__init__()
        self.token_emb = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)
        self.pos_emb = layers.Embedding(input_dim=maxlen, output_dim=embed_dim)

    def call(self, x):
        maxlen = ops.shape(x)[-1]
        positions = ops.arange(start=0, stop=maxlen, step=1)
        positions = self.pos_emb(positions)
        x = self.token_emb(x)
        return x + positions


def synthetic_imdb(seed, n_train=5000, n_test=1000):
    """Id sequences like `imdb.load_data`'s: ids 4.. of random lengths; a few ids of a
    "positive" or "negative" set, mostly of the label's, decide the label."""
    rng = np.random.default_rng(seed)
    positive, negative = rng.choice(np.arange(100, 1000), (2, 20), replace=False)

    def make(n):
        labels = rng.integers(0, 2, n)
        seqs = []
        for label in labels:
            seq = list(rng.integers(4, VOCAB_SIZE, rng.integers(60, 300)))
            own, other = (positive, negative) if label else (negative, positive)
            for ids, count in ((own, rng.integers(3, 8)), (other, rng.integers(0, 3))):
                for _ in range(count):
                    seq.insert(rng.integers(0, len(seq)), int(rng.choice(ids)))
            seqs.append([1] + seq)
        return seqs, labels

    return make(n_train), make(n_test)


def load_data(args):
    if not args.synthetic:
        try:
            return keras.datasets.imdb.load_data(num_words=VOCAB_SIZE), "IMDB"
        except Exception as err:  # no network: say so, go on
            print(f"Could not load IMDB: {err}")
    n_train = min(5000, args.limit or 5000)
    print(f"Training on synthetic id sequences ({n_train} training and {max(100, n_train // 5)} "
          "test) instead.")
    return synthetic_imdb(args.seed, n_train, max(100, n_train // 5)), "synthetic sequences"


def main(argv=None):
    parser = argparse.ArgumentParser(description="Text classification with a Transformer")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--synthetic", action="store_true")
    parser.add_argument("--maxlen", type=int, default=MAXLEN,
                        help="words kept per review (Keras's example: 200)")
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(args.seed)

    ((x_train, y_train), (x_val, y_val)), source = load_data(args)
    if args.limit:
        x_train, y_train = x_train[:args.limit], y_train[:args.limit]
        x_val, y_val = x_val[:max(100, args.limit // 5)], y_val[:max(100, args.limit // 5)]
    print(f"{source}: {len(x_train)} training sequences, {len(x_val)} validation sequences")
    maxlen = args.maxlen
    x_train = keras.utils.pad_sequences(x_train, maxlen=maxlen)
    x_val = keras.utils.pad_sequences(x_val, maxlen=maxlen)

    embed_dim = 32  # Embedding size for each token
    num_heads = 2  # Number of attention heads
    ff_dim = 32  # Hidden layer size in feed forward network inside transformer

    inputs = layers.Input(shape=(maxlen,))
    embedding_layer = TokenAndPositionEmbedding(maxlen, VOCAB_SIZE, embed_dim)
    x = embedding_layer(inputs)
    transformer_block = TransformerBlock(embed_dim, num_heads, ff_dim)
    x = transformer_block(x)
    x = layers.GlobalAveragePooling1D()(x)
    x = layers.Dropout(0.1)(x)
    x = layers.Dense(20, activation="relu")(x)
    x = layers.Dropout(0.1)(x)
    outputs = layers.Dense(2, activation="softmax")(x)

    model = keras.Model(inputs=inputs, outputs=outputs)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    start = time.perf_counter()
    history = model.fit(x_train, np.asarray(y_train), batch_size=32, epochs=args.epochs,
                        validation_data=(x_val, np.asarray(y_val)), verbose=0)
    elapsed = time.perf_counter() - start
    for epoch, (acc, val) in enumerate(zip(history.history["accuracy"],
                                           history.history["val_accuracy"])):
        print(f"epoch {epoch + 1}: accuracy {acc:.4f}, validation accuracy {val:.4f}")
    print(f"{model.count_params()} parameters; {args.epochs} epochs in {elapsed:.1f} s")
    return history.history["val_accuracy"][-1]


if __name__ == "__main__":
    main()
