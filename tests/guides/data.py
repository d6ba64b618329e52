# A program in the style of a TensorFlow 2.21 guide (tests/test_guides_programs.py runs it).
import numpy as np
import tensorflow as tf
import keras

dataset = tf.data.Dataset.from_tensor_slices([8, 3, 0, 8, 2, 1])
print(dataset.element_spec)
for elem in dataset:
    print(elem.numpy(), end=" ")
print()
it = iter(dataset)
print(next(it).numpy())
print(dataset.reduce(0, lambda state, value: state + value).numpy())
dataset1 = tf.data.Dataset.from_tensor_slices(tf.constant(np.arange(40, dtype="float32").reshape(4, 10)))
print(dataset1.element_spec)
dataset2 = tf.data.Dataset.from_tensor_slices(
    (tf.constant(np.linspace(0, 1, 4, dtype="float32")), tf.constant(np.arange(20).reshape(4, 5), dtype=tf.int32)))
print(dataset2.element_spec)
dataset3 = tf.data.Dataset.zip((dataset1, dataset2))
print(dataset3.element_spec)
for a, (b, c) in dataset3.take(2):
    print("shapes: {a.shape}, {b.shape}, {c.shape}".format(a=a, b=b, c=c))
features = np.arange(12, dtype="float32").reshape(6, 2); labels = np.array([0, 1, 0, 1, 1, 0])
ds = tf.data.Dataset.from_tensor_slices((features, labels))
print(ds)
print(len(ds), ds.cardinality().numpy())
def count(stop):
    i = 0
    while i < stop:
        yield i
        i += 1
ds_counter = tf.data.Dataset.from_generator(count, args=[25], output_types=tf.int32, output_shapes=())
for count_batch in ds_counter.repeat().batch(10).take(4):
    print(count_batch.numpy())
def gen_series():
    i = 0
    while True:
        size = (i * 7) % 5 + 1
        yield i, np.arange(size, dtype="float32")
        i += 1
ds_series = tf.data.Dataset.from_generator(gen_series, output_signature=(
    tf.TensorSpec(shape=(), dtype=tf.int32), tf.TensorSpec(shape=(None,), dtype=tf.float32)))
print(ds_series.element_spec)
ds_series_batch = ds_series.shuffle(1).padded_batch(3)
ids, sequence_batch = next(iter(ds_series_batch))
print(ids.numpy())
print(sequence_batch.numpy())
inc_dataset = tf.data.Dataset.range(100)
dec_dataset = tf.data.Dataset.range(0, -100, -1)
dataset = tf.data.Dataset.zip((inc_dataset, dec_dataset))
batched_dataset = dataset.batch(4)
for batch in batched_dataset.take(2):
    print([arr.numpy() for arr in batch])
print(batched_dataset.element_spec)
print(dataset.batch(7, drop_remainder=True).element_spec)
dataset = tf.data.Dataset.range(100).map(lambda x: tf.fill([tf.cast(x, tf.int32)], x))
dataset = dataset.padded_batch(4, padded_shapes=(None,))
for batch in dataset.take(2):
    print(batch.numpy())
print(list(tf.data.Dataset.range(5).repeat(2).batch(3).as_numpy_iterator()))
print(list(tf.data.Dataset.range(8).window(3, shift=2, drop_remainder=True).flat_map(lambda w: w.batch(3)).as_numpy_iterator()))
print(list(tf.data.Dataset.range(10).filter(lambda x: x % 3 == 0).as_numpy_iterator()))
print(list(tf.data.Dataset.range(6).skip(2).take(3).as_numpy_iterator()))
print(list(tf.data.Dataset.range(4).enumerate(start=10).as_numpy_iterator()))
print(list(tf.data.Dataset.range(3).concatenate(tf.data.Dataset.range(7, 9)).as_numpy_iterator()))
print(list(tf.data.Dataset.range(5).map(lambda x: (x, x * 2), num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE).as_numpy_iterator()))
print(list(tf.data.Dataset.range(6).unbatch().as_numpy_iterator()) if False else list(tf.data.Dataset.range(6).batch(4).unbatch().as_numpy_iterator()))
print(list(tf.data.Dataset.range(3).interleave(lambda x: tf.data.Dataset.from_tensors(x).repeat(2), cycle_length=2).as_numpy_iterator()))
print(sorted(tf.data.Dataset.range(10).shuffle(10, seed=3).as_numpy_iterator()))
ds = tf.data.Dataset.from_tensor_slices({"a": [1, 2, 3], "b": [4.0, 5.0, 6.0]})
print(ds.element_spec)
for d in ds.batch(2):
    print({k: v.numpy().tolist() for k, v in d.items()})
ds = tf.data.Dataset.range(10).map(lambda x: tf.py_function(lambda y: y * 10, [x], tf.int64))
print(list(ds.take(3).as_numpy_iterator()))
print(list(tf.data.Dataset.range(7).batch(2).rebatch(3).as_numpy_iterator()) if hasattr(tf.data.Dataset, "rebatch") else "")
ds = tf.data.Dataset.range(12).batch(3).map(lambda b: tf.reduce_sum(b)).cache()
print(list(ds.as_numpy_iterator()), list(ds.as_numpy_iterator()))
print(tf.data.Dataset.range(5).take_while(lambda x: x < 3).cardinality().numpy(), list(tf.data.Dataset.range(5).take_while(lambda x: x < 3).as_numpy_iterator()))
ds = tf.data.Dataset.from_tensor_slices(np.arange(20, dtype="float32").reshape(10, 2)).map(lambda x: (x, tf.reduce_sum(x)))
model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, kernel_initializer="ones")])
model.compile(keras.optimizers.SGD(0.001), "mse")
print([round(v, 4) for v in model.fit(ds.batch(4), epochs=2, verbose=0).history["loss"]])
print(round(float(model.evaluate(ds.batch(5), verbose=0)), 4), model.predict(ds.map(lambda x, y: x).batch(3), verbose=0).shape)
print(list(tf.data.Dataset.range(9).group_by_window(lambda x: x % 2, lambda k, w: w.batch(2), window_size=2).as_numpy_iterator()) if hasattr(tf.data.Dataset, "group_by_window") else "")
print(list(tf.data.Dataset.range(10).bucket_by_sequence_length if False else []))
print(list(tf.data.Dataset.range(6).scan(tf.constant(0, tf.int64), lambda s, x: (s + x, s + x)).as_numpy_iterator()) if hasattr(tf.data.Dataset, "scan") else "")
print(list(tf.data.experimental.sample_from_datasets if False else []))
print(list(tf.data.Dataset.range(5).apply(lambda d: d.map(lambda x: x + 1)).as_numpy_iterator()))
print(list(tf.data.Dataset.range(4).batch(2).map(lambda x: tf.reverse(x, [0])).as_numpy_iterator()))
print(list(tf.data.Dataset.from_tensors([1, 2]).repeat(2).as_numpy_iterator()))
print(list(tf.data.Dataset.range(3).map(lambda x: tf.strings.as_string(x)).as_numpy_iterator()))
print(list(tf.data.Dataset.range(10).shard(3, 1).as_numpy_iterator()))
print(list(tf.data.Dataset.range(5).unique().as_numpy_iterator()) if hasattr(tf.data.Dataset, "unique") else "")
print(tf.data.Dataset.range(10).batch(3).cardinality().numpy(), tf.data.Dataset.range(10).repeat().cardinality().numpy(), tf.data.Dataset.range(10).filter(lambda x: True).cardinality().numpy())
