import tensorflow as tf
import keras
import numpy as np

# A small regression with a hand-written, tf.function-compiled training loop: the traced
# step prints once, AutoGraph turns Python control flow on tensors into graph ops.
rng = np.random.RandomState(42)
features = rng.uniform(-1, 1, size=(200, 3)).astype("float32")
targets = (features @ np.array([[1.5], [-2.0], [0.5]], "float32") + 0.3).astype("float32")
dataset = tf.data.Dataset.from_tensor_slices((features, targets)).batch(64)

keras.utils.set_random_seed(7)
model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(8, activation="tanh",
                          kernel_initializer="ones"), keras.layers.Dense(1, kernel_initializer="ones")])
optimizer = keras.optimizers.SGD(learning_rate=0.05)
loss_metric = keras.metrics.Mean()


@tf.function
def train_epoch(ds):
    print("tracing train_epoch")
    steps = tf.constant(0)
    for x, y in ds:
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x) - y))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        loss_metric.update_state(loss)
        steps += 1
    return steps


for epoch in range(5):
    loss_metric.reset_state()
    steps = train_epoch(dataset)
    print(f"epoch {epoch}: steps {int(steps)}, loss {float(loss_metric.result()):.5f}")
print("traces:", train_epoch.experimental_get_tracing_count())


@tf.function
def clipped_sum(values, limit):
    total = tf.constant(0.0)
    for i in tf.range(tf.shape(values)[0]):
        if total + values[i] > limit:
            break
        total += values[i]
    return total


print([round(float(clipped_sum(tf.constant([1.0, 2.0, 3.0, 4.0]), tf.constant(l))), 3)
       for l in (0.5, 3.5, 100.0)])


@tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
def running_max(xs):
    out = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
    best = xs[0]
    for i in tf.range(tf.shape(xs)[0]):
        best = tf.maximum(best, xs[i])
        out = out.write(i, best)
    return out.stack()


print(running_max(tf.constant([1.0, 3.0, 2.0, 5.0, 4.0])).numpy().tolist())
concrete = running_max.get_concrete_function()
print(concrete.structured_input_signature)
print(sorted({op.type for op in concrete.graph.get_operations()} & {"Placeholder", "Identity"}))
print(np.round(model.predict(features[:3], verbose=0).ravel(), 4).tolist())
