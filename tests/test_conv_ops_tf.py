"""tf.nn's convolutions and pools against TensorFlow itself: the same inputs give the same
values and gradients (skipped without TensorFlow)."""

import numpy as np
import pytest

import tapegrad as tf

RNG = np.random.default_rng(1)


def f32(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


CASES = {
    "conv2d_same_strided": (lambda L, x, w: L.nn.conv2d(x, w, 2, "SAME"), f32(2, 7, 8, 3),
                            f32(3, 3, 3, 4)),
    "conv2d_dilated": (lambda L, x, w: L.nn.conv2d(x, w, 1, "VALID", dilations=2),
                       f32(2, 7, 8, 3), f32(3, 2, 3, 4)),
    "conv2d_dilated_strided": (lambda L, x, w: L.nn.conv2d(
        x, w, [1, 2, 3, 1], "SAME", dilations=[1, 2, 1, 1]), f32(2, 9, 8, 3), f32(3, 2, 3, 4)),
    "conv2d_nchw": (lambda L, x, w: L.nn.conv2d(x, w, 2, "SAME", data_format="NCHW"),
                    f32(2, 3, 7, 8), f32(3, 3, 3, 4)),
    "conv2d_explicit": (lambda L, x, w: L.nn.conv2d(x, w, 1, [[0, 0], [2, 1], [0, 3], [0, 0]]),
                        f32(2, 5, 6, 3), f32(3, 3, 3, 4)),
    "conv2d_grouped": (lambda L, x, w: L.nn.conv2d(x, w, 1, "SAME"), f32(2, 5, 6, 4),
                       f32(3, 3, 2, 6)),
    "conv1d": (lambda L, x, w: L.nn.conv1d(x, w, 2, "SAME"), f32(2, 9, 3), f32(4, 3, 5)),
    "conv1d_ncw": (lambda L, x, w: L.nn.conv1d(x, w, 1, "VALID", data_format="NCW",
                                               dilations=2), f32(2, 3, 9), f32(3, 3, 5)),
    "conv3d": (lambda L, x, w: L.nn.conv3d(x, w, [1, 1, 2, 2, 1], "SAME"), f32(1, 4, 5, 6, 2),
               f32(2, 3, 2, 2, 3)),
    "convolution": (lambda L, x, w: L.nn.convolution(x, w, padding="SAME", dilations=[2, 1]),
                    f32(2, 7, 6, 3), f32(3, 3, 3, 2)),
    "conv2d_transpose": (lambda L, y, w: L.nn.conv2d_transpose(y, w, [2, 8, 8, 3], 2, "SAME"),
                         f32(2, 4, 4, 4), f32(3, 3, 3, 4)),
    "conv2d_transpose_odd": (lambda L, y, w: L.nn.conv2d_transpose(y, w, [2, 7, 7, 3], 2),
                             f32(2, 4, 4, 4), f32(3, 3, 3, 4)),
    "conv2d_transpose_valid": (lambda L, y, w: L.nn.conv2d_transpose(
        y, w, [2, 9, 10, 3], 2, "VALID"), f32(2, 4, 4, 4), f32(3, 4, 3, 4)),
    "conv2d_transpose_nchw": (lambda L, y, w: L.nn.conv2d_transpose(
        y, w, [2, 3, 8, 8], 2, "SAME", data_format="NCHW"), f32(2, 4, 4, 4), f32(3, 3, 3, 4)),
    "conv2d_transpose_dilated": (lambda L, y, w: L.nn.conv2d_transpose(
        y, w, [2, 8, 8, 3], 1, "SAME", dilations=2), f32(2, 8, 8, 4), f32(3, 3, 3, 4)),
    "conv1d_transpose": (lambda L, y, w: L.nn.conv1d_transpose(y, w, [2, 9, 3], 2, "VALID"),
                         f32(2, 4, 5), f32(3, 3, 5)),
    "conv3d_transpose": (lambda L, y, w: L.nn.conv3d_transpose(
        y, w, [1, 4, 6, 6, 2], [1, 2, 3, 3, 1], "SAME"), f32(1, 2, 2, 2, 3), f32(2, 3, 3, 2, 3)),
    "depthwise": (lambda L, x, w: L.nn.depthwise_conv2d(x, w, [1, 2, 2, 1], "SAME"),
                  f32(2, 7, 8, 3), f32(3, 3, 3, 2)),
    "depthwise_dilated": (lambda L, x, w: L.nn.depthwise_conv2d(
        x, w, [1, 1, 1, 1], "VALID", dilations=[2, 2]), f32(2, 7, 8, 3), f32(3, 3, 3, 2)),
    "depthwise_nchw": (lambda L, x, w: L.nn.depthwise_conv2d(
        x, w, [1, 1, 1, 1], "SAME", data_format="NCHW"), f32(2, 3, 7, 8), f32(3, 3, 3, 2)),
    "separable": (lambda L, x, w, p: L.nn.separable_conv2d(x, w, p, [1, 1, 1, 1], "SAME"),
                  f32(2, 7, 8, 3), f32(3, 3, 3, 2), f32(1, 1, 6, 5)),
    "max_pool": (lambda L, x: L.nn.max_pool2d(x, 3, 2, "SAME"), f32(2, 7, 8, 3)),
    "max_pool_relu_ties": (lambda L, x: L.nn.max_pool2d(L.nn.relu(x), 3, 1, "SAME"),
                           f32(2, 7, 8, 3)),
    "max_pool_rounded_ties": (lambda L, x: L.nn.max_pool2d(x, 3, 2, "SAME"),
                              np.round(f32(2, 7, 8, 3))),
    "max_pool_explicit": (lambda L, x: L.nn.max_pool2d(x, 2, 2, [[0, 0], [1, 1], [0, 1], [0, 0]]),
                          f32(2, 7, 8, 3)),
    "max_pool1d": (lambda L, x: L.nn.max_pool1d(x, 3, 2, "SAME"), f32(2, 9, 3)),
    "max_pool3d": (lambda L, x: L.nn.max_pool3d(x, 2, 2, "SAME"), f32(1, 5, 4, 5, 2)),
    "max_pool_by_rank": (lambda L, x: L.nn.max_pool(x, 2, 2, "SAME", data_format="NDHWC"),
                         f32(1, 5, 4, 5, 2)),
    "avg_pool": (lambda L, x: L.nn.avg_pool2d(x, 3, 2, "SAME"), f32(2, 7, 8, 3)),
    "avg_pool_nchw": (lambda L, x: L.nn.avg_pool2d(x, [2, 3], [1, 2], "SAME",
                                                   data_format="NCHW"), f32(2, 3, 7, 8)),
    "avg_pool1d": (lambda L, x: L.nn.avg_pool1d(x, 3, 2, "SAME"), f32(2, 9, 3)),
    "avg_pool3d": (lambda L, x: L.nn.avg_pool3d(x, 2, 2, "SAME"), f32(1, 5, 4, 5, 2)),
    "pool_max_dilated": (lambda L, x: L.nn.pool(x, [2, 2], "MAX", dilations=[2, 2]),
                         f32(2, 7, 8, 3)),
    "pool_avg_dilated": (lambda L, x: L.nn.pool(x, [2, 3], "AVG", dilations=[2, 1]),
                         f32(2, 7, 8, 3)),
    "pool_avg_same": (lambda L, x: L.nn.pool(x, [2, 3], "AVG", strides=[2, 2], padding="SAME"),
                      f32(2, 7, 8, 3)),
    "lrn": (lambda L, x: L.nn.local_response_normalization(x, 2, 1.5, 0.3, 0.75),
            f32(2, 3, 4, 7)),
    "lrn_default": (lambda L, x: L.nn.local_response_normalization(x), f32(2, 3, 4, 7)),
}


def run(lib, fn, arrays):
    ts = [lib.constant(a) for a in arrays]
    with lib.GradientTape() as tape:
        for t in ts:
            tape.watch(t)
        y = fn(lib, *ts)
    seed = np.cos(np.arange(int(np.prod(y.shape)))).reshape(tuple(y.shape)).astype(np.float32)
    grads = tape.gradient(y, ts, output_gradients=lib.constant(seed))
    return [np.asarray(y)] + [np.asarray(g) for g in grads]


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_and_gradients_match_tensorflow(name):
    real = pytest.importorskip("tensorflow")
    fn, *arrays = CASES[name]
    want, got = run(real, fn, arrays), run(tf, fn, arrays)
    for w, g in zip(want, got):
        assert w.shape == g.shape
        np.testing.assert_allclose(g, w, rtol=1e-4, atol=2e-5)
