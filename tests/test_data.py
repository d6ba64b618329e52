"""tf.data: sources, element structure and inspection. Expected values (element specs,
cardinalities, errors) recorded from TensorFlow 2.21."""

import collections
import gc
import threading
import time

import numpy as np
import pytest

import tapegrad as tf
from tests.bad_input import assert_clear_error

Dataset = tf.data.Dataset
INF, UNKNOWN = tf.data.INFINITE_CARDINALITY, tf.data.UNKNOWN_CARDINALITY


def spec(shape, dtype):
    return tf.TensorSpec(shape, dtype)


def values(ds):
    return [_plain(v) for v in ds.as_numpy_iterator()]


def _plain(v):
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, tuple):
        return tuple(_plain(x) for x in v)
    return v.tolist() if isinstance(v, np.ndarray) else (v.item() if isinstance(
        v, np.generic) else v)


def test_lazy_import_and_constants():
    assert tf.data.AUTOTUNE == tf.data.experimental.AUTOTUNE == -1
    assert (INF, UNKNOWN) == (-1, -2)
    assert tf.data.experimental.INFINITE_CARDINALITY == INF


def test_from_tensor_slices_of_tuples_dicts_and_lists():
    ds = Dataset.from_tensor_slices({"b": [1, 2, 3], "a": np.zeros((3, 2))})
    assert ds.element_spec == {"b": spec((), tf.int32), "a": spec((2,), tf.float64)}
    assert list(ds.element_spec) == ["b", "a"]  # the dict keeps its order
    first = next(iter(ds))
    assert list(first) == ["b", "a"] and isinstance(first["a"], tf.Tensor)
    ds = Dataset.from_tensor_slices([[1, 2], [3, 4]])  # a list is one tensor
    assert ds.element_spec == spec((2,), tf.int32) and len(ds) == 2
    ds = Dataset.from_tensor_slices(([1, 2], [3.0, 4]))
    assert ds.element_spec == (spec((), tf.int32), spec((), tf.float32))
    x, y = next(iter(ds))
    assert (int(x), float(y)) == (1, 3.0) and x.dtype == tf.int32
    assert values(ds) == [(1, 3.0), (2, 4.0)]
    nested = Dataset.from_tensor_slices(((np.arange(3), {"k": np.ones((3, 2), np.float32)}),
                                         np.arange(3) * 2))
    assert values(nested)[1] == ((1, {"k": [1.0, 1.0]}), 2)
    Point = collections.namedtuple("Point", "x y")
    p = next(iter(Dataset.from_tensor_slices(Point([1, 2], [3, 4]))))
    assert isinstance(p, Point) and int(p.y) == 3


def test_from_tensor_slices_copies_arrays_and_keeps_dtypes():
    a = np.arange(4.0)
    ds = Dataset.from_tensor_slices(a)
    a[0] = 99.0
    assert values(ds) == [0.0, 1.0, 2.0, 3.0]
    assert ds.element_spec.dtype == tf.float64
    assert Dataset.from_tensor_slices(tf.constant([1.5])).element_spec.dtype == tf.float32
    assert values(Dataset.from_tensor_slices(["a", "bc"])) == [b"a", b"bc"]


def test_from_tensor_slices_errors():
    assert_clear_error(lambda: Dataset.from_tensor_slices(5), ValueError, "rank >= 1")
    assert_clear_error(lambda: Dataset.from_tensor_slices((np.zeros(3), np.zeros(2))),
                       ValueError, "Dimensions 3 and 2 are not compatible")
    assert_clear_error(lambda: Dataset.from_tensor_slices([[1], [2, 3]]), ValueError,
                       "non-rectangular")


def test_from_tensors_range_and_element_specs():
    assert Dataset.from_tensors([1, 2, 3]).element_spec == spec((3,), tf.int32)
    assert values(Dataset.from_tensors(([1, 2], "a"))) == [([1, 2], b"a")]
    r = Dataset.range(5)
    assert r.element_spec == spec((), tf.int64) and values(r) == [0, 1, 2, 3, 4]
    assert values(Dataset.range(10, 2, -3)) == [10, 7, 4]
    assert Dataset.range(2, 10, 3).cardinality().numpy() == 3
    assert Dataset.range(5, 2).cardinality().numpy() == 0
    assert Dataset.range(5, output_type=tf.int32).element_spec == spec((), tf.int32)
    assert repr(Dataset.from_tensor_slices(([1, 2], [3.0, 4]))) == (
        "<_TensorSliceDataset element_spec=(TensorSpec(shape=(), dtype=tapegrad.int32, "
        "name=None), TensorSpec(shape=(), dtype=tapegrad.float32, name=None))>")
    assert repr(Dataset.range(3).batch(2)).startswith("<_BatchDataset element_spec=")


def test_iteration_gives_tensors_and_iterator_api():
    it = iter(Dataset.range(10).take(2))
    first = next(it)
    assert isinstance(first, tf.Tensor) and first.dtype == tf.int64 and int(first) == 0
    assert int(it.get_next()) == 1 and it.element_spec == spec((), tf.int64)
    assert_clear_error(it.get_next, tf.errors.OutOfRangeError, "End of sequence")
    with pytest.raises(StopIteration):
        next(it)
    batch = next(Dataset.range(10).batch(3).as_numpy_iterator())
    assert isinstance(batch, np.ndarray) and not batch.flags.writeable
    assert type(next(Dataset.range(3).as_numpy_iterator())) is np.int64
    assert bool(Dataset.range(0))  # a dataset is truthy even when empty


def test_cardinality_and_len():
    r = Dataset.range(10)
    f = r.filter(lambda x: x > 3)
    # (dataset, TensorFlow's cardinality)
    cases = [
        (f, UNKNOWN), (r.repeat(), INF), (r.take(3), 3), (r.repeat().take(3), 3),
        (Dataset.zip((r, f)), UNKNOWN), (Dataset.zip((r.repeat(), r.repeat())), INF),
        (Dataset.zip((r.repeat(), r.take(2))), 2),
        (r.concatenate(f), UNKNOWN), (r.repeat().concatenate(r), INF),
        (f.concatenate(r.repeat()), INF), (r.concatenate(r.take(2)), 12),
        (f.take(3), UNKNOWN), (r.take(-1), 10), (f.take(0), UNKNOWN), (r.skip(-1), 0),
        (r.repeat().skip(3), INF), (f.skip(2), UNKNOWN), (r.skip(3), 7), (r.skip(30), 0),
        (r.repeat(3), 30), (r.take(0).repeat(), 0), (f.repeat(2), UNKNOWN), (f.repeat(), INF),
        (r.repeat(0), 0), (r.batch(3), 4), (r.batch(3, True), 3), (r.repeat().batch(3), INF),
        (r.padded_batch(4), 3), (r.batch(2).rebatch(3), UNKNOWN), (r.batch(3).unbatch(),
                                                                    UNKNOWN),
        (r.window(3), 4), (r.window(3, drop_remainder=True), 3), (r.window(3, shift=2), 5),
        (r.window(3, shift=2, stride=2, drop_remainder=True), 3), (r.enumerate(), 10),
        (r.scan(np.int64(0), lambda s, x: (s, x)), 10), (r.take_while(lambda x: x < 3),
                                                        UNKNOWN),
        (r.unique(), UNKNOWN), (r.cache(), 10), (r.prefetch(1), 10),
        (r.flat_map(Dataset.from_tensors), UNKNOWN), (r.interleave(Dataset.from_tensors),
                                                      UNKNOWN),
        (r.map(lambda x: x), 10), (r.shuffle(3), 10), (r.shard(3, 1), 3), (r.shard(3, 2), 3),
        (Dataset.sample_from_datasets([r, r]), UNKNOWN),
        (Dataset.sample_from_datasets([r.repeat(), r.repeat()]), INF),
        (Dataset.choose_from_datasets([r, r], Dataset.range(2).repeat(3)), UNKNOWN),
    ]
    for ds, want in cases:
        card = ds.cardinality()
        assert card.dtype == tf.int64 and int(card) == want, (ds, want)
    assert len(r.batch(3)) == 4
    assert_clear_error(lambda: len(f), TypeError, "length is unknown")
    assert_clear_error(lambda: len(r.repeat()), TypeError, "infinite")
    assert tf.data.experimental.cardinality(r).numpy() == 10


def test_zip_and_concatenate():
    a, b = Dataset.range(3), Dataset.range(10, 15)
    assert values(Dataset.zip((a, b))) == [(0, 10), (1, 11), (2, 12)]
    assert values(Dataset.zip(a, b)) == values(Dataset.zip(datasets=(a, b)))
    z = Dataset.zip({"x": a, "y": (b, a)})
    assert values(z)[0] == {"x": 0, "y": (10, 0)}
    assert values(a.concatenate(b.take(2))) == [0, 1, 2, 10, 11]
    mixed = Dataset.from_tensors([1]).concatenate(Dataset.from_tensors([1, 2]))
    assert mixed.element_spec == spec((None,), tf.int32)
    assert_clear_error(lambda: a.concatenate(Dataset.from_tensors("a")), TypeError,
                       "incompatible")
    assert_clear_error(lambda: Dataset.zip((a, 3)), TypeError, "Dataset.zip", "int")


def test_from_generator_with_output_signature():
    def gen():
        yield (1, [1.5, 2.0])
        yield (2, np.array([3.0, 4.0]))

    ds = Dataset.from_generator(gen, output_signature=(spec((), tf.int32),
                                                       spec((None,), tf.float32)))
    assert ds.element_spec == (spec((), tf.int32), spec((None,), tf.float32))
    assert values(ds) == [(1, [1.5, 2.0]), (2, [3.0, 4.0])]
    assert values(ds) == values(ds)  # the generator is called again for each iteration
    assert int(ds.cardinality()) == UNKNOWN


GENERATOR_CASES = [  # (yielded, spec, TensorFlow's value or None for an error)
    (1.5, spec((), tf.int32), 1), (1, spec((), tf.float32), 1.0),
    (np.float64(1.25), spec((), tf.float32), 1.25), ("a", spec((), tf.string), b"a"),
    (True, spec((), tf.int32), 1), (1, spec((), tf.string), None),
    ([1, 2], spec((3,), tf.int32), None),
]


@pytest.mark.parametrize("value,signature,want", GENERATOR_CASES)
def test_from_generator_converts_as_tensorflow(value, signature, want):
    ds = Dataset.from_generator(lambda: iter([value]), output_signature=signature)
    if want is None:
        assert_clear_error(lambda: values(ds), tf.errors.InvalidArgumentError, "generator")
    else:
        assert values(ds) == [want]


def test_from_generator_structure_errors_and_older_arguments():
    sig = (spec((), tf.int32), spec((), tf.int32))
    for bad in (1, [1, 2]):
        ds = Dataset.from_generator(lambda b=bad: iter([b]), output_signature=sig)
        assert_clear_error(lambda d=ds: values(d), tf.errors.InvalidArgumentError,
                           "did not match the expected structure")
    ds = Dataset.from_generator(lambda: iter([[1, 2]]), output_types=tf.int32)
    assert ds.element_spec == spec(None, tf.int32) and str(ds.element_spec.shape) == "<unknown>"
    assert values(ds) == [[1, 2]]
    ds = Dataset.from_generator(lambda: iter([([1, 2], 3)]), output_types=(tf.int32, tf.float32),
                                output_shapes=((2,), ()))
    assert ds.element_spec == (spec((2,), tf.int32), spec((), tf.float32))
    ds = Dataset.from_generator(lambda a, b: iter([a, b]), output_types=tf.string,
                                args=("x", "y"))
    assert values(ds) == [b"x", b"y"]
    assert_clear_error(lambda: Dataset.from_generator(3, output_types=tf.int32), TypeError,
                       "callable")
    assert_clear_error(lambda: Dataset.from_generator(lambda: iter([])), TypeError,
                       "output_signature")


def test_options_merge_and_reject_unknown_names():
    options = tf.data.Options()
    options.deterministic = False
    options.threading.private_threadpool_size = 2
    ds = Dataset.range(3).with_options(options).map(lambda x: x)
    assert ds.options().deterministic is False
    assert ds.options().threading.private_threadpool_size == 2
    assert Dataset.range(3).options().deterministic is None
    assert values(ds) == [0, 1, 2]
    with pytest.raises(AttributeError, match="no_such_option"):
        options.no_such_option = 1
    assert_clear_error(lambda: Dataset.range(3).with_options({}), TypeError, "Options")


def test_iterating_in_a_traced_function_runs_eagerly():
    @tf.function
    def total(ds):
        s = tf.constant(0, tf.int64)
        for x in ds:
            s = s + x
        return s

    assert int(total(Dataset.range(5))) == 10
    assert int(total(Dataset.range(5).map(lambda x: 2 * x))) == 20

    @tf.function
    def first_plus_one(x):
        return next(iter(Dataset.from_tensors(x).map(lambda v: v + 1)))

    assert float(first_plus_one(tf.constant(1.0))) == 2.0
    assert float(first_plus_one(tf.constant(5.0))) == 6.0  # not a replay of the first call


def _prefetch_threads():
    return [t for t in threading.enumerate() if t.name == "tapegrad-data-prefetch"]


def test_prefetch_thread_stops_when_iteration_stops_early():
    closed = []

    def gen():
        try:
            yield from range(1000)
        finally:
            closed.append(True)

    ds = Dataset.from_generator(gen, output_signature=spec((), tf.int64)).prefetch(4)
    assert values(ds.take(3)) == [0, 1, 2]
    for x in ds:
        if int(x) == 5:
            break
    gc.collect()
    for _ in range(100):
        if not _prefetch_threads() and len(closed) == 2:
            break
        time.sleep(0.02)
    assert not _prefetch_threads() and len(closed) == 2


def test_prefetch_passes_errors_and_keeps_order():
    def gen():
        yield 1
        raise RuntimeError("broken generator")

    ds = Dataset.from_generator(gen, output_signature=spec((), tf.int32)).prefetch(2)
    with pytest.raises(RuntimeError, match="broken generator"):
        values(ds)
    slow = Dataset.from_generator(lambda: iter(range(50)), output_signature=spec((), tf.int32))
    assert values(slow.prefetch(tf.data.AUTOTUNE)) == list(range(50))
    assert values(Dataset.range(5).prefetch(0)) == list(range(5))
