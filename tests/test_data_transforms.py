"""tf.data transformations. Deterministic results recorded from TensorFlow 2.21; shuffle is
checked against the buffer algorithm's exact distribution (TensorFlow's RNG cannot be
matched)."""

import itertools
import math

import numpy as np
import pytest

import tapegrad as tf
from tapegrad.data._ordering import buffer_permutation
from tests.bad_input import assert_clear_error
from tests.test_data import spec, values

Dataset = tf.data.Dataset


def _generated(n, dtype=tf.int64):
    """range(n) from a generator: a dataset that is not indexable (the per-element paths)."""
    return Dataset.from_generator(lambda: iter(range(n)), output_signature=spec((), dtype))


def test_map_unpacks_tuples_and_traces_once():
    calls = []

    def f(a, b):
        calls.append(1)
        return tf.reduce_sum(a), b

    ds = Dataset.from_tensor_slices((np.arange(20.0).reshape(10, 2), np.arange(10)))
    mapped = ds.map(f)
    assert mapped.element_spec == (spec((), tf.float64), spec((), tf.int64))
    traces = len(calls)
    assert values(mapped.take(3)) == [(1.0, 0), (5.0, 1), (9.0, 2)]
    assert len(calls) == traces  # replayed, not called again per element
    d = Dataset.from_tensor_slices({"a": [1, 2]}).map(lambda e: e["a"] * 10)
    assert values(d) == [10, 20]
    assert Dataset.range(3).map(lambda x: [x, x]).element_spec == (spec((), tf.int64),) * 2


def test_elementwise_map_is_applied_per_batch_with_per_element_results():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((50, 3)).astype(np.float32)
    y = rng.integers(0, 5, 50)

    def f(a, b):
        scaled = tf.cast(b, tf.float32) / 3.0
        return tf.where(a > 0.0, a * 2.0 + 1.0, tf.exp(a)) - scaled, b * 2

    fast = Dataset.from_tensor_slices((x, y)).map(f)
    assert fast._indexable  # applied to chunks of rows at once
    slow = Dataset.zip((Dataset.from_generator(lambda: iter(x), output_signature=spec(
        (3,), tf.float32)), Dataset.from_generator(lambda: iter(y), output_signature=spec(
            (), tf.int64)))).map(f)
    assert not slow._indexable
    for (a1, b1), (a2, b2) in zip(fast.batch(7), slow.batch(7)):
        np.testing.assert_array_equal(a1.numpy(), a2.numpy())
        np.testing.assert_array_equal(b1.numpy(), b2.numpy())
    shuffled = Dataset.from_tensor_slices((x, np.arange(50))).shuffle(50, seed=1).map(
        lambda a, i: (tf.exp(a) * 2.0, i)).batch(50)
    a, i = next(iter(shuffled))
    want = np.stack([(tf.exp(tf.constant(x[k])) * 2.0).numpy() for k in i.numpy()])
    np.testing.assert_array_equal(a.numpy(), want)


def test_non_elementwise_map_runs_per_element():
    ds = Dataset.from_tensor_slices(np.arange(6.0).reshape(3, 2))
    total = ds.map(lambda v: tf.reduce_sum(v))
    assert not total._indexable and values(total) == [1.0, 5.0, 9.0]
    rows = Dataset.range(1, 4).map(lambda n: tf.fill([n], n))
    assert rows.element_spec == spec((None,), tf.int64)
    assert values(rows) == [[1], [2, 2], [3, 3, 3]]
    words = Dataset.from_tensor_slices(["a b", "c d e"]).map(tf.strings.split)
    assert words.element_spec == spec((None,), tf.string)
    assert values(words) == [[b"a", b"b"], [b"c", b"d", b"e"]]


def test_map_with_parallel_calls_keeps_order():
    ds = _generated(40).map(lambda x: x * x, num_parallel_calls=tf.data.AUTOTUNE)
    assert values(ds) == [i * i for i in range(40)]
    ds = _generated(10).map(lambda x: x + 1, num_parallel_calls=3, deterministic=False)
    assert values(ds) == list(range(1, 11))


def test_filter_with_indexed_and_generic_inputs():
    assert values(Dataset.range(10).filter(lambda x: x % 3 == 0)) == [0, 3, 6, 9]
    assert values(_generated(10).filter(lambda x: x % 3 == 0)) == [0, 3, 6, 9]
    ds = Dataset.from_tensor_slices((np.arange(6), np.arange(6) * 10))
    assert values(ds.filter(lambda a, b: b > 20).batch(2)) == [([3, 4], [30, 40]), ([5], [50])]
    assert_clear_error(lambda: Dataset.range(3).filter(lambda x: x), ValueError, "predicate",
                       "bool")


def test_flat_map_interleave_and_window_orders():
    r = Dataset.range(10)
    windows = r.window(3, shift=2, stride=2).flat_map(lambda w: w.batch(5))
    assert values(windows) == [[0, 2, 4], [2, 4, 6], [4, 6, 8], [6, 8], [8]]
    assert values(r.window(4, drop_remainder=True).flat_map(lambda w: w.batch(4))) == [
        [0, 1, 2, 3], [4, 5, 6, 7]]
    spec_ = Dataset.zip((r, r)).window(2).element_spec
    assert spec_ == (tf.data.DatasetSpec(spec((), tf.int64)),) * 2
    pairs = Dataset.zip((r, r)).window(2).flat_map(lambda a, b: Dataset.zip((a, b)))
    assert values(pairs)[:3] == [(0, 0), (1, 1), (2, 2)]
    # TensorFlow's documented interleave example
    a = Dataset.range(1, 6)
    got = a.interleave(lambda x: Dataset.from_tensors(x).repeat(6), cycle_length=2,
                       block_length=4)
    assert values(got) == [1, 1, 1, 1, 2, 2, 2, 2, 1, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 3, 3,
                           4, 4, 5, 5, 5, 5, 5, 5]
    assert values(Dataset.range(3).flat_map(lambda x: Dataset.range(x))) == [0, 0, 1]
    assert_clear_error(lambda: values(Dataset.range(3).flat_map(lambda x: x)), TypeError,
                       "must return a `Dataset`")


def test_batch_padded_batch_unbatch_rebatch():
    r = Dataset.range(10)
    assert values(r.batch(4)) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert values(r.batch(4, drop_remainder=True)) == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert r.batch(4, drop_remainder=True).element_spec == spec((4,), tf.int64)
    assert values(_generated(5).batch(2)) == [[0, 1], [2, 3], [4]]
    assert values(r.batch(3).unbatch().batch(4)) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert values(r.batch(4).rebatch(3)) == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    strings = Dataset.from_tensor_slices(["a", "b", "c"]).batch(2)
    assert values(strings) == [[b"a", b"b"], [b"c"]]
    assert values(strings.unbatch()) == [b"a", b"b", b"c"]
    padded = Dataset.range(1, 5).map(lambda x: tf.fill([x], x)).padded_batch(2)
    assert padded.element_spec == spec((None, None), tf.int64)
    assert values(padded) == [[[1, 0], [2, 2]], [[3, 3, 3, 0], [4, 4, 4, 4]]]
    fixed = Dataset.range(1, 3).map(lambda x: tf.fill([x], x)).padded_batch(
        2, padded_shapes=[4], padding_values=tf.constant(-1, tf.int64))
    assert fixed.element_spec == spec((None, 4), tf.int64)
    assert values(fixed) == [[[1, -1, -1, -1], [2, 2, -1, -1]]]
    assert values(Dataset.from_tensor_slices([1, 2, 3]).padded_batch(2)) == [[1, 2], [3]]
    too_small = Dataset.range(1, 4).map(lambda x: tf.fill([x], x)).padded_batch(
        3, padded_shapes=[2])
    assert_clear_error(lambda: values(too_small), tf.errors.InvalidArgumentError,
                       "smaller size")


def test_batch_errors():
    ragged = Dataset.from_generator(lambda: iter([[1], [1, 2]]), output_signature=spec(
        (None,), tf.int32)).batch(2)
    assert_clear_error(lambda: values(ragged), tf.errors.InvalidArgumentError,
                       "Cannot batch tensors with different shapes in component 0",
                       "shape [1]", "shape [2]")
    assert_clear_error(lambda: Dataset.range(3).batch(0), tf.errors.InvalidArgumentError,
                       "Batch size must be greater than zero")
    assert_clear_error(lambda: Dataset.range(3).unbatch(), ValueError, "rank >= 1")
    assert_clear_error(lambda: Dataset.range(3).window(0), tf.errors.InvalidArgumentError,
                       "Window size")


def _exact_buffer_distribution(n, size):
    """P(permutation) of a shuffle buffer, by enumerating every equally likely draw."""
    counts = {}

    def walk(buffer, rest, out, weight):
        if not buffer:
            counts[tuple(out)] = counts.get(tuple(out), 0) + weight
            return
        for i in range(len(buffer)):
            nb = buffer[:i] + buffer[i + 1:]
            nr = rest
            if rest:
                nb = nb + [rest[0]]
                nr = rest[1:]
            walk(nb, nr, out + [buffer[i]], weight / len(buffer))

    walk(list(range(min(size, n))), list(range(size, n)), [], 1.0)
    return counts


def _check_against(want, orders, n):
    """Orders drawn by a shuffle: only ones the buffer can produce, and P(position t holds
    element e) within 5 standard errors of the exact value."""
    assert set(map(tuple, orders)) <= set(want)
    exact = np.zeros((n, n))
    for order, p in want.items():
        exact[np.arange(n), order] += p
    seen = np.zeros((n, n))
    for order in orders:
        seen[np.arange(n), order] += 1
    seen /= len(orders)
    se = np.sqrt(exact * (1 - exact) / len(orders)) + 1e-12
    assert (np.abs(seen - exact) <= 5 * se + 1e-9).all()


@pytest.mark.parametrize("n,size", [(6, 3), (5, 2), (4, 4)])
def test_shuffle_buffer_has_the_exact_distribution(n, size):
    want = _exact_buffer_distribution(n, size)
    rng = np.random.default_rng(5)
    _check_against(want, [buffer_permutation(n, size, rng).tolist() for _ in range(5000)], n)
    # the per-element buffer (any input) has the same distribution
    ds = _generated(n).shuffle(size, seed=7)
    _check_against(want, [values(ds) for _ in range(600)], n)


def test_shuffle_buffer_only_reaches_that_far_and_keeps_every_element():
    for ds in (Dataset.range(200).shuffle(10), _generated(200).shuffle(10)):
        out = values(ds)
        assert sorted(out) == list(range(200))
        assert all(v < t + 10 for t, v in enumerate(out))  # the buffer holds 10 ahead
    assert values(Dataset.range(20).shuffle(1)) == list(range(20))


def test_shuffle_seeds_and_reshuffling():
    r = Dataset.range(50)
    a, b = r.shuffle(50, seed=3), r.shuffle(50, seed=3)
    first = values(a)
    assert first == values(b) and first != list(range(50))
    assert values(a) != first  # a new order each iteration
    fixed = r.shuffle(50, seed=3, reshuffle_each_iteration=False)
    assert values(fixed) == values(fixed)
    tf.random.set_seed(11)
    once = values(r.shuffle(50))
    tf.random.set_seed(11)
    assert values(r.shuffle(50)) == once
    tf.random.set_seed(None)
    repeated = values(r.shuffle(50, seed=1).repeat(2))
    assert sorted(repeated[:50]) == list(range(50)) and repeated[:50] != repeated[50:]
    assert_clear_error(lambda: r.shuffle(0), tf.errors.InvalidArgumentError,
                       "buffer_size must be greater than zero")
    assert sorted(values(r.shuffle(tf.data.UNKNOWN_CARDINALITY))) == list(range(50))


def test_repeat_take_skip_shard():
    r = Dataset.range(5)
    for d in (r, _generated(5)):
        assert values(d.repeat(2)) == [0, 1, 2, 3, 4] * 2
        assert values(d.repeat().take(7)) == [0, 1, 2, 3, 4, 0, 1]
        assert values(d.take(3)) == [0, 1, 2] and values(d.take(-1)) == list(range(5))
        assert values(d.skip(3)) == [3, 4] and values(d.skip(-1)) == []
        assert values(d.take(0)) == [] and values(d.shard(2, 1)) == [1, 3]
    assert values(Dataset.range(0).repeat()) == []
    assert values(r.batch(2).repeat(2)) == [[0, 1], [2, 3], [4]] * 2
    assert_clear_error(lambda: r.shard(2, 2), tf.errors.InvalidArgumentError, "index 2")


def test_cache_in_memory_and_in_files(tmp_path):
    calls = []

    def gen():
        calls.append(1)
        yield from range(4)

    ds = Dataset.from_generator(gen, output_signature=spec((), tf.int64)).cache()
    assert values(ds.take(2)) == [0, 1]  # a partial iteration is not kept
    assert values(ds) == [0, 1, 2, 3] and values(ds) == [0, 1, 2, 3] and len(calls) == 2
    shuffled = Dataset.range(20).shuffle(20).cache()
    assert values(shuffled) == values(shuffled)  # the first order is kept
    path = str(tmp_path / "cache" / "data")
    calls.clear()
    on_disk = Dataset.from_generator(gen, output_signature=spec((), tf.int64)).cache(path)
    assert values(on_disk) == [0, 1, 2, 3]
    again = Dataset.from_generator(gen, output_signature=spec((), tf.int64)).cache(path)
    assert values(again) == [0, 1, 2, 3] and len(calls) == 1  # read back from the files
    (tmp_path / "foreign.index").write_bytes(b"TensorFlow")
    foreign = Dataset.range(2).cache(str(tmp_path / "foreign"))
    assert_clear_error(lambda: values(foreign), tf.errors.InvalidArgumentError,
                       "not written by tapegrad")


def test_enumerate_scan_reduce_take_while_unique_apply():
    r = Dataset.range(10)
    assert values(Dataset.range(3).enumerate(start=5)) == [(5, 0), (6, 1), (7, 2)]
    assert values(_generated(2).enumerate()) == [(0, 0), (1, 1)]
    scanned = r.scan(np.int64(0), lambda s, x: (s + x, s * 10))
    assert values(scanned) == [0, 0, 10, 30, 60, 100, 150, 210, 280, 360]
    assert int(r.reduce(np.int64(0), lambda s, x: s + x)) == 45
    count, total = r.reduce((np.int64(0), np.int64(0)), lambda s, x: (s[0] + 1, s[1] + x))
    assert (int(count), int(total)) == (10, 45)
    assert_clear_error(lambda: r.reduce(np.int32(0), lambda s, x: tf.cast(x, tf.float32)),
                       TypeError, "dtype")
    assert values(r.take_while(lambda x: x < 4)) == [0, 1, 2, 3]
    assert values(Dataset.from_tensor_slices([1, 2, 2, 3, 1]).unique()) == [1, 2, 3]
    assert values(Dataset.from_tensor_slices(["a", "b", "a"]).unique()) == [b"a", b"b"]
    assert_clear_error(lambda: Dataset.from_tensor_slices([[1.0]]).unique(), TypeError,
                       "unique")
    assert values(r.apply(lambda d: d.take(2))) == [0, 1]
    assert_clear_error(lambda: r.apply(lambda d: 3), TypeError, "apply")
    assert int(Dataset.from_tensors(7).get_single_element()) == 7
    assert_clear_error(lambda: r.get_single_element(), tf.errors.InvalidArgumentError,
                       "more than one")


def test_sample_and_choose_from_datasets():
    r = Dataset.range(10)
    plus = r.map(lambda x: x + 100)
    sampled = values(Dataset.sample_from_datasets([r, plus], seed=3))
    assert sorted(sampled) == list(range(10)) + list(range(100, 110))
    small = [v for v in sampled if v < 100]
    assert small == sorted(small)  # each dataset keeps its order
    only_first = values(Dataset.sample_from_datasets([r, plus], weights=[1.0, 0.0], seed=1))
    assert only_first == list(range(10))
    stop = values(Dataset.sample_from_datasets([r.take(2), plus], seed=0,
                                               stop_on_empty_dataset=True))
    assert len(stop) < 12
    chosen = Dataset.choose_from_datasets([r, plus], Dataset.range(2).repeat(3))
    assert values(chosen) == [0, 100, 1, 101, 2, 102]
    choice = Dataset.from_tensor_slices(np.array([0, 0, 1]))
    assert values(tf.data.experimental.choose_from_datasets(
        [r.take(1), plus], choice, stop_on_empty_dataset=False)) == [0, 100]
    assert_clear_error(lambda: Dataset.choose_from_datasets([r], Dataset.range(2).map(
        lambda x: tf.cast(x, tf.int32))), TypeError, "int64")
    assert_clear_error(lambda: Dataset.sample_from_datasets([r, plus], weights=[1.0]),
                       ValueError, "weights")


def test_a_training_pipeline_reads_every_row_once_per_epoch():
    x = np.arange(100, dtype=np.float32).reshape(50, 2)
    ds = Dataset.from_tensor_slices((x, x[:, 0])).shuffle(30).batch(8).prefetch(
        tf.data.AUTOTUNE)
    for _ in range(2):
        seen = np.concatenate([b.numpy() for _, b in ds])
        assert sorted(seen.tolist()) == x[:, 0].tolist()
    assert [len(b) for b, _ in ds] == [8] * 6 + [2]
    assert math.ceil(50 / 8) == len(ds)
    assert list(itertools.islice((int(a[0, 0]) for a, _ in Dataset.from_tensor_slices(
        (x, x)).batch(10)), 2)) == [0, 20]


def test_dataset_functions_never_warn_about_retracing():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for n in range(3):  # many datasets, elements of many shapes: one trace per shape
            ds = Dataset.range(1, 12).map(lambda x: tf.fill([x], x)).map(lambda v: v * 2)
            assert len(values(ds)) == 11
