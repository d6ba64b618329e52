"""Text and categorical preprocessing: TextVectorization, StringLookup, IntegerLookup,
CategoryEncoding, Hashing, and tf.strings' FarmHash and SipHash buckets. Expected values
marked "Keras" were recorded from Keras 3.15 on TensorFlow 2.21; the last tests compare with
Keras itself where it is installed."""

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras

layers = keras.layers

TEXTS = np.array(["The cat, the hat!", "A cat; a DOG... ÄÖ é", "x"])
WORDS = [b"", b"a", b"ab", b"abc", b"abcd", b"hello", b"hello wor", b"0123456789abcdef",
         b"0123456789abcdefg", b"x" * 31, b"y" * 32, b"z" * 33,
         b"the quick brown fox jumps over the lazy dog!", b"q" * 64, b"r" * 65,
         bytes(range(200)), b"\xff" * 127, "中文".encode(), b"w" * 128, b"v" * 129]
# tf.strings.to_hash_bucket_fast(WORDS, 2**63 - 1) and to_hash_bucket_strong(..., key=[12345,
# 67890]), recorded from TensorFlow 2.21: every length branch of FarmHash's Fingerprint64.
FAST = [1936946117179621456, 3694432073954588132, 3066228220894225695, 2640714258260161385,
        1897425971756105985, 3786372426573024489, 568376189322566502, 6105018409752412263,
        2800675501336285771, 5265493245336272416, 6963001497674513743, 6594686257597725552,
        4086591376996860913, 7839288502534202488, 8125297036318867178, 525935771297148851,
        7752428273512062270, 6104483040626166955, 1651997402916279192, 3651744563223810619]
STRONG = [3320497352430948231, 3800837644910221272, 3228636251235184725, 4318779984798963827,
          4862006283349461470, 3319413051241744522, 3314281269351429748, 206899701513427345,
          5227764848237698921, 7517291053128309108, 8689537097403242978, 7599090676460148603,
          984607436728009292, 1625637216633674374, 8021881586163709075, 3887008790718056830,
          6160762273853177901, 4086875077833115771, 2203229059535592230, 149174777192676276]


def test_hash_buckets_are_tensorflows():
    big = 2**63 - 1
    assert tf.strings.to_hash_bucket_fast(WORDS, big).numpy().tolist() == FAST
    assert tf.strings.to_hash_bucket_strong(WORDS, big, key=[12345, 67890]).numpy().tolist() \
        == STRONG
    out = tf.strings.to_hash_bucket_fast(tf.constant([[b"a", b"b"]]), 7)
    assert out.dtype == tf.int64 and out.shape == (1, 2)
    with pytest.raises(tf.errors.InvalidArgumentError, match="num_buckets"):
        tf.strings.to_hash_bucket_fast(["a"], 0)


def test_text_vectorization_int_mode_is_keras():
    layer = layers.TextVectorization()
    layer.adapt(TEXTS)
    # Keras: ASCII-only lower-casing, punctuation stripped, ties broken by token (high to low).
    assert layer.get_vocabulary() == ["", "[UNK]", "the", "cat", "a", "é", "ÄÖ", "x", "hat",
                                      "dog"]
    out = layer(TEXTS)
    assert out.dtype == tf.int64
    assert out.numpy().tolist() == [[2, 3, 2, 8, 0, 0], [4, 3, 4, 9, 6, 5], [7, 0, 0, 0, 0, 0]]
    cut = layers.TextVectorization(output_sequence_length=3, vocabulary=["cat", "the"])
    assert cut(["the cat the", "dog", "cat cat cat cat"]).numpy().tolist() == [
        [3, 2, 3], [1, 0, 0], [2, 2, 2]]
    assert layer.vocabulary_size() == 10
    assert layer.get_vocabulary(include_special_tokens=False)[:2] == ["the", "cat"]


def test_text_vectorization_vector_modes_are_keras():
    multi = layers.TextVectorization(output_mode="multi_hot")
    multi.adapt(TEXTS)
    assert multi.get_vocabulary()[0] == "[UNK]"  # no padding token outside "int" mode
    assert multi(TEXTS).numpy().tolist() == [[0, 1, 1, 0, 0, 0, 0, 1, 0],
                                             [0, 0, 1, 1, 1, 1, 0, 0, 1],
                                             [0, 0, 0, 0, 0, 0, 1, 0, 0]]
    count = layers.TextVectorization(output_mode="count", ngrams=2)
    count.adapt(TEXTS)
    assert count.get_vocabulary()[:10] == ["[UNK]", "the", "cat", "a", "é", "ÄÖ é", "ÄÖ", "x",
                                           "the hat", "the cat"]
    assert count(TEXTS).numpy()[1].tolist() == [0, 0, 1, 2, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 1, 1,
                                                1]
    tfidf = layers.TextVectorization(output_mode="tf_idf")
    tfidf.adapt(TEXTS)
    out = tfidf(TEXTS)
    assert out.dtype == tf.float32
    np.testing.assert_allclose(out.numpy()[0], [0.0, 1.833, 0.693, 0, 0, 0, 0, 0.916, 0],
                               atol=1e-3)


def test_text_vectorization_character_split_and_no_split():
    chars = layers.TextVectorization(output_sequence_length=4, max_tokens=5, split="character")
    chars.adapt(TEXTS)
    assert chars.get_vocabulary() == ["", "[UNK]", " ", "t", "a"]
    assert chars(TEXTS).numpy().tolist() == [[3, 1, 1, 2], [4, 2, 1, 4], [1, 0, 0, 0]]
    whole = layers.TextVectorization(split=None, output_sequence_length=3)
    whole.adapt(TEXTS)
    assert whole(TEXTS).numpy().tolist() == [3, 4, 2]  # Keras: rank 1 stays rank 1
    assert whole(TEXTS[:, None]).numpy().tolist() == [[3, 0, 0], [4, 0, 0], [2, 0, 0]]


def test_text_vectorization_callables_datasets_and_configs():
    def standardize(x):
        return tf.strings.regex_replace(tf.strings.lower(x), "[aeiou]", "")

    def split(x):
        return tf.strings.split(x, sep="t")

    layer = layers.TextVectorization(standardize=standardize, split=split)
    layer.adapt(["tatbtctatb"])  # "ttbtcttb" split at "t": b twice, c once, "" is padding
    assert layer.get_vocabulary() == ["", "[UNK]", "b", "c"]
    assert layer(["bot cat"]).numpy().tolist() == [[2, 1, 0]]  # "bt ct": b, " c" (OOV), ""
    data = tf.data.Dataset.from_tensor_slices(["red blue", "blue", "green blue"]).batch(2)
    from_dataset = layers.TextVectorization()
    from_dataset.adapt(data)
    assert from_dataset.get_vocabulary() == ["", "[UNK]", "blue", "red", "green"]
    from_generator = layers.TextVectorization()
    from_generator.adapt(iter([np.array(["red blue"]), np.array(["blue", "green blue"])]))
    assert from_generator.get_vocabulary() == from_dataset.get_vocabulary()
    twice = layers.TextVectorization(max_tokens=3)
    twice.adapt(["b b a", "c"])
    assert twice.get_vocabulary() == ["", "[UNK]", "b"]
    config = from_dataset.get_config()
    assert config["vocabulary_size"] == 5 and config["vocabulary"] is None
    given = layers.TextVectorization(vocabulary=["red", "blue"], output_sequence_length=2)
    clone = layers.TextVectorization.from_config(given.get_config())
    assert clone(["blue red x"]).numpy().tolist() == [[3, 2]]
    given.set_vocabulary(["x"])
    assert given(["x y"]).numpy().tolist() == [[2, 1]]
    with pytest.raises(ValueError, match="static vocabulary"):
        given.adapt(["a"])
    with pytest.raises(ValueError, match="output_sequence_length"):
        layers.TextVectorization(output_mode="multi_hot", output_sequence_length=3)


def test_text_model_end_to_end_with_string_input():
    vectorize = layers.TextVectorization(max_tokens=20, output_sequence_length=5)
    vectorize.adapt(["good movie", "bad movie", "good good fun", "bad awful"])
    inputs = keras.Input(shape=(1,), dtype="string")
    ids = vectorize(inputs)
    assert ids.shape == (None, 5) and ids.dtype == "int64"
    x = layers.Embedding(20, 4, mask_zero=True)(ids)
    x = layers.LSTM(3)(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(inputs, outputs)
    model.compile("adam", "binary_crossentropy")
    texts = np.array([["good movie"], ["bad movie"], ["good fun"], ["awful bad"]])
    model.fit(texts, np.array([1, 0, 1, 0]), epochs=2, verbose=0)
    assert model.predict(texts, verbose=0).shape == (4, 1)
    free = layers.TextVectorization(vocabulary=["a"])(keras.Input(shape=(1,), dtype="string"))
    assert free.shape == (None, None)


def test_string_lookup_is_keras():
    data = np.array([["a", "b", "c"], ["a", "a", "d"]])
    lookup = layers.StringLookup()
    lookup.adapt(data)
    assert lookup.get_vocabulary() == ["[UNK]", "a", "d", "c", "b"]
    assert lookup(data).numpy().tolist() == [[1, 4, 3], [1, 1, 2]]
    assert lookup(tf.constant(["d", "zzz"])).numpy().tolist() == [2, 0]
    one_hot = layers.StringLookup(output_mode="one_hot", vocabulary=["a", "d", "c", "b"])
    assert one_hot(np.array(["a", "z"])).numpy().tolist() == [[0, 1, 0, 0, 0], [1, 0, 0, 0, 0]]
    count = layers.StringLookup(output_mode="count", vocabulary=["a", "d", "c", "b"])
    assert count(data).numpy().tolist() == [[0, 1, 0, 1, 1], [0, 2, 1, 0, 0]]
    # Several OOV slots: FarmHash's fingerprint modulo their number (Keras, recorded)
    oov = layers.StringLookup(num_oov_indices=3, mask_token="", vocabulary=["a", "b"])
    assert oov(np.array([["a", "", "x", "yy", "b"]])).numpy().tolist() == [[4, 0, 3, 2, 5]]
    assert oov.get_vocabulary() == ["", "[UNK]", "[UNK]", "[UNK]", "a", "b"]
    many = layers.StringLookup(vocabulary=["a"], num_oov_indices=5)
    assert many(np.array([f"w{i}" for i in range(10)])).numpy().tolist() == [
        3, 2, 4, 3, 1, 2, 2, 2, 0, 1]
    inverse = layers.StringLookup(vocabulary=["a", "b"], invert=True)
    assert inverse(np.array([[0, 1, 2, 5]])).numpy().tolist() == [[b"[UNK]", b"a", b"b",
                                                                  b"[UNK]"]]
    with pytest.raises(tf.errors.InvalidArgumentError, match="num_oov_indices=0"):
        layers.StringLookup(vocabulary=["a"], num_oov_indices=0)(np.array(["b"]))
    with pytest.raises(ValueError, match="repeated"):
        layers.StringLookup(vocabulary=["a", "a"])
    with pytest.raises(ValueError, match="larger than the maximum"):
        layers.StringLookup(vocabulary=["a", "b", "c"], max_tokens=3)


def test_integer_lookup_is_keras(tmp_path):
    lookup = layers.IntegerLookup()
    lookup.adapt(np.array([[5, 5, 7], [9, -1, 5]]))
    assert lookup.get_vocabulary() == [-1, 5, 9, 7]
    assert lookup(np.array([[5, 7, 3]])).numpy().tolist() == [[1, 3, 0]]
    floormod = layers.IntegerLookup(num_oov_indices=2, vocabulary=[5, 7])
    assert floormod(np.array([3, 4, 5, 100])).numpy().tolist() == [1, 0, 2, 0]
    farmhash = layers.IntegerLookup(num_oov_indices=3, oov_method="farmhash", vocabulary=[5, 7])
    assert farmhash(np.array([3, 4, 5, 100])).numpy().tolist() == [0, 2, 3, 0]
    path = tmp_path / "vocab.txt"
    path.write_text("10\n20\n")
    from_file = layers.StringLookup(vocabulary=str(path))
    assert from_file(np.array(["20", "30"])).numpy().tolist() == [2, 0]
    tfidf = layers.IntegerLookup(output_mode="tf_idf", vocabulary=[1, 2], idf_weights=[0.5, 2.0])
    np.testing.assert_allclose(tfidf(np.array([[1, 1, 2, 9]])).numpy(), [[1.25, 1.0, 2.0]])


def test_category_encoding_and_hashing_are_keras():
    count = layers.CategoryEncoding(4, output_mode="count")
    out = count(np.array([[0, 1, 1], [3, 3, 2]]))
    assert out.dtype == tf.float32 and out.numpy().tolist() == [[1, 2, 0, 0], [0, 0, 1, 2]]
    assert layers.CategoryEncoding(4, output_mode="one_hot")(np.array([[0], [3]])).numpy() \
        .tolist() == [[1, 0, 0, 0], [0, 0, 0, 1]]
    assert layers.CategoryEncoding(4)(np.array([0, 3])).numpy().tolist() == [1, 0, 0, 1]
    weighted = count(np.array([[0, 1, 1]]), count_weights=np.array([[0.5, 1.0, 2.0]]))
    assert weighted.numpy().tolist() == [[0.5, 3.0, 0.0, 0.0]]
    with pytest.raises(tf.errors.InvalidArgumentError, match="num_tokens=4"):
        count(np.array([[4]]))
    # Keras (recorded):
    hashing = layers.Hashing(5)
    assert hashing(np.array([["a"], ["b"], ["c"]])).numpy().tolist() == [[4], [2], [2]]
    assert hashing(np.array([[1.5], [2.0]])).numpy().tolist() == [[4], [4]]
    assert layers.Hashing(17)(np.array([[12, 345, -7]])).numpy().tolist() == [[11, 11, 6]]
    assert layers.Hashing(5, mask_value="a", salt=7)(np.array([["a", "b", "c"]])).numpy() \
        .tolist() == [[0, 2, 1]]
    assert layers.Hashing(5, output_mode="multi_hot")(np.array([["a", "b"], ["c", "d"]])) \
        .numpy().tolist() == [[0, 0, 1, 0, 1], [1, 0, 1, 0, 0]]
    assert layers.Hashing(1000)(np.array([f"w{i}" for i in range(8)])).numpy().tolist() == [
        158, 967, 64, 503, 301, 732, 417, 662]
    assert layers.Hashing.from_config(layers.Hashing(3, salt=[1, 2]).get_config()).salt == [1, 2]


# -- against Keras 3 itself -----------------------------------------------------------------------


def test_text_layers_match_keras(tf_keras_real):
    _, k3 = tf_keras_real
    corpus = np.array(["It's a truly GREAT movie!!", "not great, not terrible", "great great",
                       "terrible... truly", "a b c d e f g"])
    for kwargs in ({}, {"max_tokens": 6, "output_sequence_length": 4},
                   {"output_mode": "multi_hot", "ngrams": (1, 3)},
                   {"output_mode": "count", "standardize": "lower"},
                   {"output_mode": "tf_idf", "max_tokens": 8, "pad_to_max_tokens": True}):
        ours, theirs = layers.TextVectorization(**kwargs), k3.layers.TextVectorization(**kwargs)
        ours.adapt(corpus)
        theirs.adapt(corpus)
        assert ours.get_vocabulary() == [str(v) for v in theirs.get_vocabulary()]
        np.testing.assert_allclose(ours(corpus).numpy(), np.asarray(theirs(corpus)), rtol=1e-6)
        a, b = ours.get_config(), theirs.get_config()
        for config in (a, b):
            config.pop("name")
            config.pop("dtype")
        assert a == b


def test_hashing_matches_keras(tf_keras_real):
    _, k3 = tf_keras_real
    values = np.array([[f"token{i}" for i in range(40)]])
    for kwargs in ({"num_bins": 97}, {"num_bins": 7, "salt": [3, 9]},
                   {"num_bins": 11, "mask_value": "token3"}):
        np.testing.assert_array_equal(layers.Hashing(**kwargs)(values).numpy(),
                                      np.asarray(k3.layers.Hashing(**kwargs)(values)))


def test_sequential_starting_with_text_vectorization_takes_strings():
    # TF's text classification tutorial exports Sequential([vectorize_layer, model, sigmoid]);
    # as in Keras 3, the model's input layer takes the first layer's dtype (string here)
    vectorize = keras.layers.TextVectorization(max_tokens=20, output_sequence_length=4)
    vectorize.adapt(["good film", "bad film", "good plot"])
    inner = keras.Sequential([keras.layers.Embedding(20, 2),
                              keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(1)])
    export = keras.Sequential([vectorize, inner, keras.layers.Activation("sigmoid")])
    out = export.predict(tf.constant(["good film", "bad plot", "unseen words"]), verbose=0)
    assert out.shape == (3, 1) and np.all((out > 0) & (out < 1))
    assert export.inputs[0].dtype == "string"
    lookup = keras.layers.StringLookup(vocabulary=["a", "b"])
    assert keras.Sequential([lookup]).predict(tf.constant([["a", "c"]]), verbose=0).tolist() == [
        [1, 0]]
