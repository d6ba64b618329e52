import tensorflow as tf
import numpy as np

# -- Functions and tracing ---------------------------------------------------------------------


@tf.function
def add(a, b):
    return a + b


print(add(tf.ones([2, 2]), tf.ones([2, 2])).numpy())

v = tf.Variable(1.0)
with tf.GradientTape() as tape:
    result = add(v, 1.0)
print(tape.gradient(result, v).numpy())


@tf.function
def dense_layer(x, w, b):
    return add(tf.matmul(x, w), b)


print(dense_layer(tf.ones([3, 2]), tf.ones([2, 2]), tf.ones([2])).numpy())


@tf.function
def double(a):
    print("Tracing with", a)
    return a + a


print(double(tf.constant(1)).numpy())
print(double(tf.constant(1.1)).numpy())
print(double(tf.constant("a")).numpy())
print(double(tf.constant(2)).numpy())
print("traces:", double.experimental_get_tracing_count())

# -- Concrete functions and graphs -------------------------------------------------------------

double_strings = double.get_concrete_function(tf.TensorSpec(shape=None, dtype=tf.string))
print(double_strings(tf.constant("b")).numpy())
print(double_strings.structured_input_signature)
print(double_strings.structured_outputs)
try:
    double_strings(tf.constant(1))
except (TypeError, tf.errors.InvalidArgumentError) as e:
    print("Caught", type(e).__name__)

graph = double_strings.graph
for node in graph.get_operations():
    print(node.type)

# -- Input signatures and retracing ------------------------------------------------------------


@tf.function(input_signature=(tf.TensorSpec(shape=[None], dtype=tf.int32),))
def next_collatz(x):
    print("Tracing with", x)
    return tf.where(x % 2 == 0, x // 2, 3 * x + 1)


print(next_collatz(tf.constant([1, 2])).numpy())
print(next_collatz(tf.constant([3, 4, 5])).numpy())
try:
    next_collatz(tf.constant([[1, 2], [3, 4]]))
except (ValueError, TypeError) as e:
    print("Caught", type(e).__name__)


@tf.function
def train_one_step(num_steps):
    print("Tracing with num_steps =", num_steps)
    return tf.cast(num_steps, tf.float32) * 0.5


train_one_step(num_steps=10)
train_one_step(num_steps=20)
train_one_step(num_steps=10)
train_one_step(num_steps=tf.constant(10))
train_one_step(num_steps=tf.constant(20))
print("traces:", train_one_step.experimental_get_tracing_count())

# -- Python side effects -----------------------------------------------------------------------


@tf.function
def f(x):
    print("Traced with", x)
    tf.print("Executed with", x)


f(1)
f(1)
f(2)

external_list = []


@tf.function
def side_effect(x):
    print("Python side effect")
    external_list.append(x)


side_effect(1)
side_effect(1)
side_effect(1)
print(len(external_list))

counter = tf.Variable(0)


@tf.function
def count():
    counter.assign_add(1)
    return counter.read_value()


print([int(count()) for _ in range(3)])

# -- Variables -----------------------------------------------------------------------------------


class Count(tf.Module):
    def __init__(self):
        self.count = None

    @tf.function
    def __call__(self):
        if self.count is None:
            self.count = tf.Variable(0)
        return self.count.assign_add(1)


c = Count()
print(c().numpy(), c().numpy())


@tf.function
def make_variable(x):
    v = tf.Variable(1.0)
    return v + x


try:
    make_variable(tf.constant(1.0))
except ValueError:
    print("Caught ValueError: variables may be created on the first call only")

# -- AutoGraph ---------------------------------------------------------------------------------


@tf.function
def fizzbuzz(n):
    for i in tf.range(1, n + 1):
        if i % 15 == 0:
            tf.print("FizzBuzz")
        elif i % 3 == 0:
            tf.print("Fizz")
        elif i % 5 == 0:
            tf.print("Buzz")
        else:
            tf.print(i)


fizzbuzz(tf.constant(6))


@tf.function
def sum_even(items):
    s = 0
    for c in items:
        if c % 2 > 0:
            continue
        s += c
    return s


print(sum_even(tf.constant([10, 12, 15, 20])).numpy())


@tf.function
def collatz_steps(n):
    steps = tf.constant(0)
    while n > 1:
        n = tf.where(n % 2 == 0, n // 2, 3 * n + 1)
        steps += 1
    return steps


print(collatz_steps(tf.constant(27)).numpy())


@tf.function
def clip_norm(x, limit):
    norm = tf.norm(x)
    if norm > limit:
        x = x * (limit / norm)
    return x


print(np.round(clip_norm(tf.constant([3.0, 4.0]), 1.0).numpy(), 4))
print(np.round(clip_norm(tf.constant([0.3, 0.4]), 1.0).numpy(), 4))


@tf.function
def accumulate(n):
    ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
    for i in tf.range(n):
        ta = ta.write(i, tf.cast(i, tf.float32) ** 2)
    return ta.stack()


print(accumulate(tf.constant(5)).numpy())

dataset = tf.data.Dataset.range(1, 8).map(lambda x: tf.cast(x, tf.float32)).batch(3)


@tf.function
def dataset_sum(ds):
    total = tf.constant(0.0)
    for batch in ds:
        total += tf.reduce_sum(batch)
    return total


print(dataset_sum(dataset).numpy())

# -- A training loop ---------------------------------------------------------------------------

w = tf.Variable([[0.5], [-0.25]])
b = tf.Variable([0.1])
x = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]])
y = tf.constant([[1.0], [2.0], [3.0], [4.0]])
optimizer = tf.keras.optimizers.SGD(learning_rate=0.01)


@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y))
    grads = tape.gradient(loss, [w, b])
    optimizer.apply_gradients(zip(grads, [w, b]))
    return loss


for step in range(5):
    print(step, round(float(train_step(x, y)), 5))
print(np.round(w.numpy().ravel(), 5), np.round(b.numpy(), 5))
print("traces:", train_step.experimental_get_tracing_count())
