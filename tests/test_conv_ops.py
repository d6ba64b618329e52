"""tf.nn's convolutions and pools: values against direct loops over positions, the adjoint
identities between a convolution and its transposes, data formats, TensorFlow's tie routing
and errors (derivatives: the generated checks of tests/test_gradients.py)."""

import itertools

import numpy as np
import pytest
from bad_input import assert_clear_error

import tapegrad as tf

RNG = np.random.default_rng(0)


def normal(*shape):
    return RNG.standard_normal(shape)


def same_pads(size, k, s, d=1):
    out = -(-size // s)
    total = max((out - 1) * s + (k - 1) * d + 1 - size, 0)
    return total // 2, total - total // 2


def loop_conv(x, w, strides, pads, dilations):
    """A direct convolution, one output position at a time (the oracle)."""
    n = x.ndim - 2
    xp = np.pad(x, [(0, 0)] + list(pads) + [(0, 0)])
    kernel, groups = w.shape[:-2], x.shape[-1] // w.shape[-2]
    out = [(xp.shape[1 + i] - (kernel[i] - 1) * dilations[i] - 1) // strides[i] + 1
           for i in range(n)]
    y = np.zeros([x.shape[0]] + out + [w.shape[-1]])
    cin, cout = w.shape[-2], w.shape[-1] // groups
    for o in itertools.product(*(range(m) for m in out)):
        for k in itertools.product(*(range(m) for m in kernel)):
            at = tuple(oi * s + ki * d for oi, s, ki, d in zip(o, strides, k, dilations))
            for g in range(groups):
                patch = xp[(slice(None),) + at + (slice(g * cin, (g + 1) * cin),)]
                y[(slice(None),) + o + (slice(g * cout, (g + 1) * cout),)] += (
                    patch @ w[k + (slice(None), slice(g * cout, (g + 1) * cout))])
    return y


def loop_pool(x, ksize, strides, pads, reduce):
    xp = np.pad(x, [(0, 0)] + list(pads) + [(0, 0)], constant_values=np.nan)
    out = [(xp.shape[1 + i] - ksize[i]) // strides[i] + 1 for i in range(len(ksize))]
    y = np.zeros([x.shape[0]] + out + [x.shape[-1]])
    for o in itertools.product(*(range(m) for m in out)):
        window = xp[(slice(None),) + tuple(slice(oi * s, oi * s + k) for oi, s, k in
                                           zip(o, strides, ksize))]
        y[(slice(None),) + o] = reduce(window.reshape(x.shape[0], -1, x.shape[-1]), axis=1)
    return y


@pytest.mark.parametrize("shape, kernel, strides, padding, dilations", [
    ((2, 7, 8, 3), (3, 3, 3, 4), (2, 2), "SAME", (1, 1)),
    ((2, 7, 8, 3), (3, 2, 3, 4), (1, 1), "VALID", (2, 2)),
    ((2, 9, 8, 3), (3, 2, 3, 4), (2, 3), "SAME", (2, 1)),
    ((2, 5, 6, 3), (3, 3, 3, 4), (1, 1), ((2, 1), (0, 3)), (1, 1)),
    ((2, 5, 6, 4), (3, 3, 2, 6), (1, 1), "SAME", (1, 1)),  # 2 groups
])
def test_conv2d_values_match_a_loop_over_positions(shape, kernel, strides, padding, dilations):
    x, w = normal(*shape), normal(*kernel)
    if isinstance(padding, str):
        pads = [same_pads(shape[1 + i], kernel[i], strides[i], dilations[i])
                if padding == "SAME" else (0, 0) for i in range(2)]
        arg = padding
    else:
        pads, arg = padding, [[0, 0], *padding, [0, 0]]
    got = tf.nn.conv2d(x, w, strides, arg, dilations=dilations)
    np.testing.assert_allclose(got, loop_conv(x, w, strides, pads, dilations), atol=1e-12)


def test_conv1d_and_conv3d_values_match_a_loop_over_positions():
    x, w = normal(2, 9, 3), normal(4, 3, 5)
    np.testing.assert_allclose(tf.nn.conv1d(x, w, 2, "SAME"),
                               loop_conv(x, w, (2,), [same_pads(9, 4, 2)], (1,)), atol=1e-12)
    x, w = normal(1, 4, 5, 6, 2), normal(2, 3, 2, 2, 3)
    pads = [same_pads(4, 2, 1), same_pads(5, 3, 2), same_pads(6, 2, 2)]
    np.testing.assert_allclose(tf.nn.conv3d(x, w, [1, 1, 2, 2, 1], "SAME"),
                               loop_conv(x, w, (1, 2, 2), pads, (1, 1, 1)), atol=1e-12)


def test_channels_first_is_channels_last_transposed():
    x, w = normal(2, 3, 7, 8), normal(3, 3, 3, 4)
    last = tf.nn.conv2d(np.transpose(x, (0, 2, 3, 1)), w, 2, "SAME")
    first = tf.nn.conv2d(x, w, 2, "SAME", data_format="NCHW")
    np.testing.assert_allclose(first, np.transpose(last, (0, 3, 1, 2)), atol=1e-12)
    pooled = tf.nn.max_pool2d(x, 2, 2, "VALID", data_format="NCHW")
    np.testing.assert_allclose(
        pooled, np.transpose(tf.nn.max_pool2d(np.transpose(x, (0, 2, 3, 1)), 2, 2, "VALID"),
                             (0, 3, 1, 2)))


def test_transposed_convolutions_are_the_adjoints_of_convolution():
    # <conv(x, w), y> = <x, conv_transpose(y, w)>: the transpose is conv's input gradient.
    x, w = normal(2, 7, 7, 3), normal(3, 3, 3, 4)
    y = normal(2, 4, 4, 4)
    xt = tf.nn.conv2d_transpose(y, w, [2, 7, 7, 3], 2, "SAME")
    assert xt.shape == (2, 7, 7, 3)
    lhs = np.sum(np.asarray(tf.nn.conv2d(x, w, 2, "SAME")) * y)
    np.testing.assert_allclose(lhs, np.sum(np.asarray(xt) * x))
    x1, w1, y1 = normal(2, 9, 3), normal(3, 3, 5), normal(2, 4, 5)
    lhs = np.sum(np.asarray(tf.nn.conv1d(x1, w1, 2, "VALID")) * y1)
    rhs = np.sum(np.asarray(tf.nn.conv1d_transpose(y1, w1, [2, 9, 3], 2, "VALID")) * x1)
    np.testing.assert_allclose(lhs, rhs)
    x3, w3, y3 = normal(1, 4, 6, 6, 2), normal(2, 3, 3, 2, 3), normal(1, 2, 2, 2, 3)
    lhs = np.sum(np.asarray(tf.nn.conv3d(x3, w3, [1, 2, 3, 3, 1], "SAME")) * y3)
    rhs = np.sum(np.asarray(tf.nn.conv3d_transpose(y3, w3, [1, 4, 6, 6, 2], [1, 2, 3, 3, 1])) * x3)
    np.testing.assert_allclose(lhs, rhs)


def test_conv_transpose_is_the_input_gradient_of_conv():
    x, w, y = tf.constant(normal(2, 7, 7, 3)), normal(3, 3, 3, 4), normal(2, 4, 4, 4)
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = tf.nn.conv2d(x, w, 2, "SAME")
    np.testing.assert_allclose(tape.gradient(out, x, output_gradients=y),
                               tf.nn.conv_transpose(y, w, [2, 7, 7, 3], 2, "SAME"))


def test_depthwise_is_one_convolution_per_channel_and_separable_adds_a_pointwise_step():
    x, w, p = normal(2, 6, 7, 3), normal(3, 3, 3, 2), normal(1, 1, 6, 4)
    got = np.asarray(tf.nn.depthwise_conv2d(x, w, [1, 2, 2, 1], "SAME"))
    for c in range(3):
        alone = tf.nn.conv2d(x[..., c:c + 1], w[:, :, c:c + 1, :], 2, "SAME")
        np.testing.assert_allclose(got[..., 2 * c:2 * c + 2], alone, atol=1e-12)
    sep = tf.nn.separable_conv2d(x, w, p, [1, 2, 2, 1], "SAME")
    np.testing.assert_allclose(sep, tf.nn.conv2d(got, p, 1, "VALID"), atol=1e-12)


def test_convolution_takes_any_rank_and_refuses_strides_with_dilations():
    x, w = normal(2, 7, 6, 3), normal(3, 3, 3, 2)
    np.testing.assert_allclose(tf.nn.convolution(x, w, padding="SAME", dilations=[2, 1]),
                               tf.nn.conv2d(x, w, 1, "SAME", dilations=[2, 1]))
    assert tf.nn.convolution(normal(2, 9, 3), normal(2, 3, 4)).shape == (2, 8, 4)
    assert_clear_error(lambda: tf.nn.convolution(x, w, strides=2, dilations=2),
                       tf.errors.InvalidArgumentError, "strides", "dilations")


def test_integer_convolution_stays_integer():
    x = np.arange(2 * 4 * 4 * 2, dtype=np.int32).reshape(2, 4, 4, 2)
    y = tf.nn.conv2d(x, np.ones((2, 2, 2, 3), np.int32), 1, "VALID")
    assert y.dtype == tf.int32
    np.testing.assert_array_equal(y, loop_conv(x, np.ones((2, 2, 2, 3)), (1, 1), [(0, 0)] * 2,
                                               (1, 1)))


@pytest.mark.parametrize("ksize, strides, padding", [
    ((3, 3), (2, 2), "SAME"), ((2, 3), (1, 2), "VALID"), ((2, 2), (2, 2), "SAME"),
])
def test_pools_match_a_loop_over_windows(ksize, strides, padding):
    x = normal(2, 7, 8, 3)
    pads = [same_pads(x.shape[1 + i], ksize[i], strides[i]) if padding == "SAME" else (0, 0)
            for i in range(2)]
    np.testing.assert_allclose(tf.nn.max_pool2d(x, ksize, strides, padding),
                               loop_pool(x, ksize, strides, pads, np.nanmax))
    # "SAME" averages only the input elements a window covers, as TensorFlow does
    np.testing.assert_allclose(tf.nn.avg_pool2d(x, ksize, strides, padding),
                               loop_pool(x, ksize, strides, pads, np.nanmean))


def test_padding_never_wins_a_max_pool():
    x = -1.0 - np.abs(normal(1, 3, 3, 1))
    y = np.asarray(tf.nn.max_pool2d(x, 2, 2, "SAME"))
    assert (y < 0).all()
    assert y[0, 1, 1, 0] == x[0, 2, 2, 0]


def test_pools_in_1d_3d_by_rank_and_through_pool():
    x = normal(2, 9, 3)
    np.testing.assert_allclose(tf.nn.max_pool1d(x, 3, 2, "SAME"),
                               tf.nn.max_pool(x, [3], [2], "SAME"))
    np.testing.assert_allclose(tf.nn.avg_pool1d(x, 3, 2, "VALID"),
                               loop_pool(x, (3,), (2,), [(0, 0)], np.nanmean))
    x3 = normal(1, 5, 4, 5, 2)
    np.testing.assert_allclose(tf.nn.max_pool3d(x3, 2, 2, "VALID"),
                               loop_pool(x3, (2, 2, 2), (2, 2, 2), [(0, 0)] * 3, np.nanmax))
    np.testing.assert_allclose(tf.nn.avg_pool3d(x3, 2, 2, "VALID"),
                               tf.nn.pool(x3, [2, 2, 2], "AVG", strides=[2, 2, 2]))
    x2 = normal(2, 7, 8, 3)
    dilated = np.asarray(tf.nn.pool(x2, [2, 2], "MAX", dilations=[2, 2]))
    np.testing.assert_allclose(dilated, np.maximum.reduce(
        [x2[:, i:i + 5, j:j + 6] for i in (0, 2) for j in (0, 2)]))


def pool_grad(x, fn, seed=None):
    x = tf.constant(x, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    return np.asarray(tape.gradient(y, x, output_gradients=seed))


def test_max_pool_gives_a_tie_to_the_first_maximum_as_tensorflow():
    # Recorded from TensorFlow 2.21.
    zeros = np.zeros((1, 4, 4, 1))
    np.testing.assert_array_equal(
        pool_grad(zeros, lambda x: tf.nn.max_pool2d(x, 2, 2, "VALID"))[0, :, :, 0],
        [[1, 0, 1, 0], [0, 0, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0]])
    np.testing.assert_array_equal(
        pool_grad(zeros, lambda x: tf.nn.max_pool2d(x, 3, 1, "SAME"))[0, :, :, 0],
        [[4, 2, 2, 0], [2, 1, 1, 0], [2, 1, 1, 0], [0, 0, 0, 0]])
    np.testing.assert_array_equal(  # windows that do not tile the input: the rest is zero
        pool_grad(np.zeros((1, 5, 5, 1)), lambda x: tf.nn.max_pool2d(x, 2, 2, "VALID"))[0, ..., 0],
        [[1, 0, 1, 0, 0], [0] * 5, [1, 0, 1, 0, 0], [0] * 5, [0] * 5])
    seed = tf.constant(np.arange(1.0, 5.0).reshape(1, 4, 1), tf.float32)
    np.testing.assert_array_equal(
        pool_grad(np.array([1.0, 3, 3, 2, 3]).reshape(1, 5, 1),
                  lambda x: tf.nn.max_pool1d(x, 2, 1, "VALID"), seed).ravel(),
        [0, 3, 3, 0, 4])


def test_a_non_finite_cotangent_stays_at_its_maximum():
    x = np.array([1.0, 3, 2, 0]).reshape(1, 4, 1)
    seed = tf.constant(np.array([np.inf, np.nan]).reshape(1, 2, 1), tf.float32)
    np.testing.assert_array_equal(
        pool_grad(x, lambda v: tf.nn.max_pool1d(v, 2, 2, "VALID"), seed).ravel(),
        [0, np.inf, np.nan, 0])


def test_max_pool_second_derivative_in_the_input_is_zero_as_tensorflow():
    x = tf.constant(normal(1, 4, 4, 1))
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.reduce_sum(tf.nn.max_pool2d(x, 2, 1, "VALID") ** 2)
        g = inner.gradient(y, x)
    hessian_row = outer.gradient(g[0, 1, 1, 0], x)
    assert np.count_nonzero(hessian_row) <= 1


def test_jacobian_and_forward_mode_through_a_convolution():
    x, w = tf.constant(normal(1, 4, 4, 2)), tf.constant(normal(2, 2, 2, 3))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.max_pool2d(tf.nn.conv2d(x, w, 1, "SAME"), 2, 2, "VALID")
    jac = np.asarray(tape.jacobian(y, x))
    assert jac.shape == (1, 2, 2, 3, 1, 4, 4, 2)
    v = normal(1, 4, 4, 2)
    with tf.autodiff.ForwardAccumulator(x, tf.constant(v)) as acc:
        y = tf.nn.max_pool2d(tf.nn.conv2d(x, w, 1, "SAME"), 2, 2, "VALID")
    np.testing.assert_allclose(acc.jvp(y), np.tensordot(jac, v, axes=4), atol=1e-12)


def test_a_traced_function_replays_convolution_and_pooling():
    x, w = normal(2, 6, 6, 3).astype(np.float32), normal(3, 3, 3, 4).astype(np.float32)

    @tf.function
    def f(x):
        return tf.nn.avg_pool2d(tf.nn.relu(tf.nn.conv2d(x, w, 1, "SAME")), 2, 2, "VALID")

    np.testing.assert_allclose(f(x), f.python_function(x), rtol=1e-6)
    np.testing.assert_allclose(f(x + 1), f.python_function(x + 1), rtol=1e-6)


def test_local_response_normalization_formula():
    x = normal(2, 3, 4, 7)
    r, bias, alpha, beta = 2, 1.5, 0.3, 0.75
    padded = np.pad(x**2, [(0, 0)] * 3 + [(r, r)])
    total = sum(padded[..., k:k + 7] for k in range(2 * r + 1))
    np.testing.assert_allclose(tf.nn.local_response_normalization(x, r, bias, alpha, beta),
                               x / (bias + alpha * total) ** beta)
    np.testing.assert_allclose(tf.nn.lrn(x), tf.nn.local_response_normalization(x))


BAD = tf.errors.InvalidArgumentError


@pytest.mark.parametrize("call, error, mentions", [
    (lambda: tf.nn.conv2d(np.ones((1, 4, 4, 3)), np.ones((2, 2, 2, 4)), 1, "SAME"), BAD,
     ["conv2d", "divisible", "3 vs 2"]),
    (lambda: tf.nn.conv2d(np.ones((1, 4, 4, 4)), np.ones((2, 2, 2, 5)), 1, "SAME"), BAD,
     ["conv2d", "output depth", "5 vs 2"]),
    (lambda: tf.nn.conv2d(np.ones((4, 4, 3)), np.ones((2, 2, 3, 4)), 1, "SAME"), BAD,
     ["conv2d", "rank 4", "(4, 4, 3)"]),
    (lambda: tf.nn.conv2d(np.ones((1, 2, 2, 3)), np.ones((3, 3, 3, 4)), 1, "VALID"), BAD,
     ["conv2d", "negative", "effective window size 3"]),
    (lambda: tf.nn.conv2d(np.ones((1, 4, 4, 3)), np.ones((2, 2, 3, 4)), 1, "FULL"), BAD,
     ["conv2d", "'FULL'"]),
    (lambda: tf.nn.conv2d(np.ones((1, 4, 4, 3)), np.ones((2, 2, 3, 4)), 0, "SAME"), BAD,
     ["strides", "positive"]),
    (lambda: tf.nn.conv2d(np.ones((1, 4, 4, 3)), np.ones((2, 2, 3, 4)), [2, 1, 1, 1], "SAME"),
     BAD, ["strides", "batch and channel"]),
    (lambda: tf.nn.conv2d(np.ones((1, 4, 4, 3)), np.ones((2, 2, 3, 4)), 1, "SAME",
                          data_format="NWC"), BAD, ["data_format", "'NHWC' or 'NCHW'"]),
    (lambda: tf.nn.conv2d(np.ones((1, 4, 4, 3)), np.ones((2, 2, 3, 4)), 1,
                          [[0, 0], [1, 1], [1, 1]]), BAD, ["explicit padding", "4 pairs"]),
    (lambda: tf.nn.conv2d(np.ones((1, 4, 4, 3), np.float32), np.ones((2, 2, 3, 4)), 1, "SAME"),
     BAD, ["float32", "float64"]),
    (lambda: tf.nn.conv1d(np.ones((1, 4, 3)), np.ones((2, 3, 4)), 1, [[0, 0], [1, 1], [0, 0]]),
     TypeError, ["conv1d", "'SAME' or 'VALID'"]),
    (lambda: tf.nn.conv2d_transpose(np.ones((2, 4, 4, 6)), np.ones((3, 3, 4, 6)), [2, 9, 9, 4],
                                    1, "SAME"), BAD, ["output_shape", "[9, 9]", "[4, 4]"]),
    (lambda: tf.nn.conv2d_transpose(np.ones((2, 4, 4, 6)), np.ones((3, 3, 6, 4)), [2, 8, 8, 6],
                                    2, "SAME"), BAD, ["filters", "channels"]),
    (lambda: tf.nn.depthwise_conv2d(np.ones((1, 4, 4, 3)), np.ones((2, 2, 2, 2)), 1, "SAME"),
     BAD, ["depthwise_conv2d", "third dimension (2)", "channels (3)"]),
    (lambda: tf.nn.avg_pool2d(np.ones((1, 4, 4, 1), np.int32), 2, 2, "VALID"), BAD,
     ["avg_pool2d", "int32", "cast"]),
    (lambda: tf.nn.avg_pool2d(np.ones((1, 4, 4, 1)), 2, 2, [[0, 0], [1, 1], [1, 1], [0, 0]]),
     TypeError, ["avg_pool2d", "explicit"]),
    (lambda: tf.nn.max_pool2d(np.ones((1, 4, 4, 1)), 5, 1, "VALID"), BAD,
     ["max_pool2d", "negative"]),
    (lambda: tf.nn.pool(np.ones((1, 4, 4, 1)), [2, 2], "MIN"), BAD, ["pooling_type", "'MIN'"]),
    (lambda: tf.nn.pool(np.ones((1, 8, 8, 1)), [2, 2], "MAX", padding="SAME", dilations=2),
     BAD, ["SAME", "dilations"]),
    (lambda: tf.nn.local_response_normalization(np.ones((2, 3, 4))), BAD, ["4-dimensional"]),
])
def test_bad_window_arguments_raise_clear_errors(call, error, mentions):
    assert_clear_error(call, error, *mentions)
