"""The GradientTape tutorial this project grew from, run with tapegrad in place of TensorFlow.

`python -m tapegrad` runs it (so does `examples/gradient_tape_basics.py`). Replacing the two
imports below with `import tensorflow as tf` and `from tensorflow import keras` gives
TensorFlow's answers.
"""

import warnings

import tapegrad as tf
from tapegrad import keras
from tapegrad.numeric import derivative
from tapegrad.numeric import gradient as approximate_gradient


def step(text):
    print()
    print(f"== {text}")


def f(x):
    return 3 * x**2 + 2 * x - 1


def g(x1, x2):
    return (x1 + 5) * x2**2


def main():
    step("Numerical derivative of f(x) = 3x^2 + 2x - 1 at x = 1 by central differences (eps 1e-4)")
    print("f'(1) ~", derivative(f, 1.0, eps=1e-4))

    step("Numerical partial derivatives of g(x1, x2) = (x1 + 5) * x2^2 at (2, 3)")
    print("(dg/dx1, dg/dx2) ~", tuple(approximate_gradient(g, 2.0, 3.0)))

    step("The same with a GradientTape: record g on the tape, then ask for dz/dx1")
    x1, x2 = tf.Variable(2.0), tf.Variable(3.0)
    with tf.GradientTape() as tape:
        z = g(x1, x2)
    print("dz/dx1 =", tape.gradient(z, x1))

    step("A non-persistent tape computes one set of gradients only: a second call raises")
    try:
        tape.gradient(z, x2)
    except RuntimeError as err:
        print("RuntimeError:", err)

    step("A persistent tape answers every call")
    with tf.GradientTape(persistent=True) as tape:
        z = g(x1, x2)
    print("dz/dx1 =", tape.gradient(z, x1))
    print("dz/dx2 =", tape.gradient(z, x2))
    del tape

    step("Sources can be a list: the gradients come back as a list")
    with tf.GradientTape() as tape:
        z = g(x1, x2)
    print("[dz/dx1, dz/dx2] =", tape.gradient(z, [x1, x2]))

    step("A list of targets is summed: d(3x)/dx + d(x^2)/dx at x = 5 is 3 + 10")
    x = tf.Variable(5.0)
    with tf.GradientTape() as tape:
        z1, z2 = 3 * x, x**2
    print("gradient([3x, x^2], x) =", tape.gradient([z1, z2], x))

    step("Nested tapes give second derivatives (None where no path exists)")
    with tf.GradientTape(persistent=True) as outer:
        with tf.GradientTape() as inner:
            z = g(x1, x2)
        jacobian = inner.gradient(z, [x1, x2])
    hessian = [outer.gradient(d, [x1, x2]) for d in jacobian]
    del outer
    print("[[d2z/dx1dx1, d2z/dx1dx2], [d2z/dx2dx1, d2z/dx2dx2]] =")
    print("   ", [[None if h is None else float(h) for h in row] for row in hessian])

    step("Gradient descent on f: 100 steps of x.assign_sub(0.1 * df/dx) from x = 0")
    x = tf.Variable(0.0)
    for _ in range(100):
        with tf.GradientTape() as tape:
            y = f(x)
        x.assign_sub(0.1 * tape.gradient(y, x))
    print(repr(x), "  (the minimum is at -1/3)")

    step("The same with keras.optimizers.SGD(lr=0.1) and apply_gradients")
    x = tf.Variable(0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # `lr` is Keras's old name
        optimizer = keras.optimizers.SGD(lr=0.1)
    for _ in range(100):
        with tf.GradientTape() as tape:
            y = f(x)
        optimizer.apply_gradients([(tape.gradient(y, x), x)])
    print(repr(x))


if __name__ == "__main__":
    main()
