"""tapegrad.debug on the tutorial's functions: a picture of the tape, why a gradient is None,
and where a NaN was born. `python examples/debugging_gradients.py [--svg PATH]`.

The tutorial (`tapegrad/tutorial.py`) defines f(x) = 3x^2 + 2x - 1 and
g(x1, x2) = (x1 + 5) * x2^2. These tools are tapegrad's own, beside TensorFlow's API: a
program that uses them runs on tapegrad only.
"""

import argparse

import numpy as np

import tapegrad as tf
from tapegrad import keras
from tapegrad.tutorial import f, g


def step(text):
    print()
    print(f"== {text}")


def picture(svg_path=None):
    step("A picture of the tape: g(x1, x2) = (x1 + 5) * x2^2")
    x1, x2 = tf.Variable(2.0, name="x1"), tf.Variable(3.0, name="x2")
    with tf.debug.explaining():  # notes each op's line, for the picture and the explanations
        with tf.GradientTape() as tape:
            z = g(x1, x2)
    graph = tf.debug.graph(tape, z, [x1, x2])
    graph.summary()
    print(graph.to_dot())
    if svg_path:
        # Graphviz's layout where the graphviz extra is installed, tapegrad's own otherwise
        with open(svg_path, "w", encoding="utf-8") as out:
            out.write(graph.to_svg())
        print("wrote", svg_path)


def why_none():
    x1, x2 = tf.Variable(2.0, name="x1"), tf.Variable(3.0, name="x2")

    step("Why is it None? A constant the tape does not watch")
    c = tf.constant(2.0)
    with tf.debug.explaining():
        with tf.GradientTape() as tape:
            z = g(c, x2)
    print(tf.debug.explain(tape, z, c))

    step("Why is it None? The value went through NumPy")
    with tf.debug.explaining():
        with tf.GradientTape() as tape:
            z = g(np.float32(x1.numpy()), x2)
    print(tf.debug.explain(tape, z, x1))

    step("Why is it None? `x2 = x2 + 1` made x2 a tensor: tape.gradient(..., explain=True)")
    with tf.debug.explaining():
        x2 = x2 + 1
        with tf.GradientTape() as tape:
            z = g(x1, x2)
        try:
            tape.gradient(z, [x1, x2], explain=True)
        except tf.debug.NoGradientError as err:
            print(err)

    step("Why is it None? Keras's 'No gradients provided' says too")
    w = tf.Variable(0.0, name="w")
    with tf.debug.explaining():
        with tf.GradientTape() as tape:
            y = f(tf.round(w))  # round has no gradient
        grads = tape.gradient(y, [w])
    try:
        keras.optimizers.SGD(0.1).apply_gradients(zip(grads, [w]))
    except ValueError as err:
        print(err)


def where_nan():
    step("Where was the NaN born? Descent on f with a learning rate too large (forward pass)")
    x = tf.Variable(0.0, name="x")
    try:
        with tf.debug.check_numerics(), np.errstate(over="ignore"):
            for _ in range(200):
                with tf.GradientTape() as tape:
                    y = f(x)
                x.assign_sub(1.0 * tape.gradient(y, x))  # |x| grows 5x a step
    except tf.errors.InvalidArgumentError as err:
        print(err)

    step("Where was the NaN born? sqrt at 0 (backward pass)")
    x1, x2 = tf.Variable(-5.0, name="x1"), tf.Variable(3.0, name="x2")
    try:
        with tf.debug.check_numerics():
            with tf.GradientTape() as tape:
                z = tf.sqrt(g(x1, x2))  # g is 0 at x1 = -5: sqrt's derivative is infinite
            tape.gradient(z, [x1, x2])
    except tf.errors.InvalidArgumentError as err:
        print(err)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--svg", help="also write the picture of g's tape to this SVG file")
    args = parser.parse_args(argv)
    picture(args.svg)
    why_none()
    where_nan()


if __name__ == "__main__":
    main()
