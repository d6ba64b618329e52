# A program in the style of a TensorFlow 2.21 guide (tests/test_guides_programs.py runs it).
import numpy as np
import tensorflow as tf
import keras

my_tensor = tf.constant([[1.0, 2.0], [3.0, 4.0]])
my_variable = tf.Variable(my_tensor)
bool_variable = tf.Variable([False, False, False, True])
complex_variable = tf.Variable([5 + 4j, 6 + 1j])
print("Shape: ", my_variable.shape)
print("DType: ", my_variable.dtype)
print("As NumPy: ", my_variable.numpy())
print(bool_variable.dtype, complex_variable.dtype)
print("A variable:", my_variable)
print("\nViewed as a tensor:", tf.convert_to_tensor(my_variable))
print("\nIndex of highest value:", tf.math.argmax(my_variable))
print("\nCopying and reshaping: ", tf.reshape(my_variable, [1, 4]))

a = tf.Variable([2.0, 3.0])
a.assign([1, 2])
print(a)
try:
    a.assign([1.0, 2.0, 3.0])
except Exception as e:
    print(f"{type(e).__name__}")
a = tf.Variable([2.0, 3.0])
b = tf.Variable(a)
a.assign([5, 6])
print(a.numpy())
print(b.numpy())
print(a.assign_add([2, 3]).numpy())
print(a.assign_sub([7, 9]).numpy())

a = tf.Variable(my_tensor, name="Mark")
b = tf.Variable(my_tensor + 1, name="Mark")
print(a == b)
print(a.name, b.name)
step_counter = tf.Variable(1, trainable=False)
print(step_counter.trainable, a.trainable, step_counter.dtype)
v = tf.Variable(1.0, synchronization=tf.VariableSynchronization.ON_READ,
                aggregation=tf.VariableAggregation.MEAN, trainable=False)
print(v.synchronization == tf.VariableSynchronization.ON_READ, v.aggregation == tf.VariableAggregation.MEAN)
v = tf.Variable(2.0, synchronization=tf.VariableSynchronization.AUTO)
print(v.trainable)
with tf.device("CPU:0"):
    a = tf.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    b = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    c = tf.matmul(a, b)
print(c)
print(a.device.endswith("CPU:0"))

v = tf.Variable(tf.zeros([2, 2]), shape=tf.TensorShape(None))
v.assign(tf.ones([3]))
print(v.shape, v.numpy())
v = tf.Variable([1.0, 2.0], dtype=tf.float64)
print(v.dtype, v.value(), v.read_value().numpy())
print((v * 2).dtype, (v + tf.constant(1.0, tf.float64)).numpy(), v[0].numpy())
v.assign(v * 3)
print(v.numpy(), float(v[1]))
x = tf.Variable(tf.ones((2, 3)))
print(x.get_shape(), tf.shape(x).numpy(), x.shape.rank)
w = tf.Variable(tf.ones([3, 1]), name="weights")
print(w.name, tf.matmul(tf.ones([2, 3]), w).numpy().ravel())
try:
    tf.Variable(1.0) + tf.constant(1)
except Exception as e:
    print("mixed:", type(e).__name__)
v = tf.Variable(5)
v.assign_add(1)
print(v.numpy(), v.dtype)
v = tf.Variable(tf.random.uniform([2]) * 0 + 1)
print(v.numpy())
print(tf.Variable(3.0).numpy() + 1, int(tf.Variable(3)))
