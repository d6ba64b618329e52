"""What finite differences cannot see: None versus zeros, kinks, ties and NaN, as TensorFlow.

Every expected value here was produced by TensorFlow 2.21 (float32 unless stated).
"""

import numpy as np
import pytest

import tapegrad as tf

# Forward ops are silent where TensorFlow silently gives inf or NaN. A few backward passes
# below still make NaN in a plain multiply or subtract (inf * 0, inf - inf), which stays
# unsilenced for speed: those tests allow NumPy's RuntimeWarning.
_NAN_IN_BACKWARD = pytest.mark.filterwarnings("ignore::RuntimeWarning")

KINKS = [-1.0, 0.0, 6.0, 2.5]


def grad(f, x, dtype=tf.float32, output_gradients=None):
    x = tf.constant(x, dtype=dtype)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x, output_gradients=output_gradients)


def grads(f, *xs):
    xs = [tf.constant(x) for x in xs]
    with tf.GradientTape() as tape:
        tape.watch(xs)
        y = f(*xs)
    return tape.gradient(y, xs)


def assert_values(got, want):
    assert got is not None
    np.testing.assert_allclose(np.asarray(got), np.asarray(want, dtype=np.float64), rtol=1e-6)


# -- None versus zeros --------------------------------------------------------------------------

@pytest.mark.parametrize("op", [tf.floor, tf.math.ceil, tf.round])
def test_rounding_gradient_is_none(op):
    assert grad(op, [0.3, 1.7]) is None


@pytest.mark.parametrize("op", [tf.floor, tf.math.ceil, tf.round])
def test_rounding_tangent_is_none(op):
    x = tf.constant([0.3, 1.7])
    with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 1.0])) as acc:
        y = op(x)
    assert acc.jvp(y) is None


def test_sign_gradient_is_zeros_not_none():
    assert_values(grad(tf.sign, [-2.0, 0.0, 3.0]), [0.0, 0.0, 0.0])


def test_slogdet_sign_gradient_is_zeros_and_tangent_none():
    a = [[0.0, 2.0], [1.0, 0.5]]  # det -2: sign -1
    assert_values(grad(lambda x: tf.linalg.slogdet(x).sign, a), np.zeros((2, 2)))
    x = tf.constant(a)
    with tf.autodiff.ForwardAccumulator(x, tf.ones((2, 2))) as acc:
        s = tf.linalg.slogdet(x)
    assert float(s.sign) == -1.0 and acc.jvp(s.sign) is None
    assert_values(acc.jvp(s.log_abs_determinant), 1.25)


@pytest.mark.parametrize("op", [tf.argmax, tf.argmin])
def test_argmax_gradient_is_none(op):
    assert grad(lambda x: tf.cast(op(x), tf.float32), [1.0, 2.0]) is None


@pytest.mark.parametrize("op", [tf.equal, tf.not_equal, tf.greater, tf.greater_equal, tf.less,
                                tf.less_equal])
def test_comparison_gradient_is_none(op):
    assert grad(lambda x: tf.cast(op(x, 1.0), tf.float32), [1.0, 2.0]) is None


def test_floordiv_gradient_is_none():
    assert grad(lambda x: tf.math.floordiv(x, 2.0), [3.0]) is None


# -- ties -----------------------------------------------------------------------------------------

def test_reduce_max_tie_splits_evenly():
    assert_values(grad(tf.reduce_max, [1.0, 3.0, 3.0, 3.0]), [0.0, 1 / 3, 1 / 3, 1 / 3])


def test_reduce_max_tie_splits_evenly_per_row():
    got = grad(lambda x: tf.reduce_max(x, axis=1), [[1.0, 1.0], [2.0, 1.0]])
    assert_values(got, [[0.5, 0.5], [1.0, 0.0]])


def test_reduce_min_tie_splits_evenly():
    assert_values(grad(tf.reduce_min, [1.0, 1.0, 3.0]), [0.5, 0.5, 0.0])


def test_maximum_tie_goes_to_x():
    gx, gy = grads(tf.maximum, [1.0, 2.0], [1.0, 1.0])
    assert_values(gx, [1.0, 1.0])
    assert_values(gy, [0.0, 0.0])


def test_minimum_tie_goes_to_x():
    gx, gy = grads(tf.minimum, [1.0, 2.0], [1.0, 1.0])
    assert_values(gx, [1.0, 0.0])
    assert_values(gy, [0.0, 1.0])


# -- kinks ----------------------------------------------------------------------------------------

def test_relu_gradient_at_zero_is_zero():
    assert_values(grad(tf.nn.relu, KINKS), [0.0, 0.0, 1.0, 1.0])


def test_abs_gradient_at_zero_is_zero():
    assert_values(grad(tf.abs, KINKS), [-1.0, 0.0, 1.0, 1.0])
    assert_values(grad(tf.abs, [0.0, 1.0], dtype=tf.float16), [0.0, 1.0])


@pytest.mark.parametrize("op, want", [
    (tf.nn.relu6, [0.0, 0.0, 0.0, 1.0]),
    (tf.nn.elu, [0.3678794503211975, 1.0, 1.0, 1.0]),
    (tf.nn.selu, [0.6467685699462891, 1.0507010221481323, 1.0507010221481323,
                  1.0507010221481323]),
    (tf.nn.leaky_relu, [0.20000000298023224, 0.20000000298023224, 1.0, 1.0]),
    (tf.nn.softplus, [0.2689414322376251, 0.5, 0.9975273609161377, 0.9241418242454529]),
    (tf.nn.softsign, [0.25, 1.0, 0.020408162847161293, 0.08163265138864517]),
], ids=["relu6", "elu", "selu", "leaky_relu", "softplus", "softsign"])
def test_activation_gradient_at_kinks(op, want):
    assert_values(grad(op, KINKS), want)


def test_clip_by_value_gradient_at_bounds_goes_to_t():
    g, g_lo, g_hi = grads(tf.clip_by_value, [-2.0, -1.0, 0.0, 1.0, 2.0], -1.0, 1.0)
    assert_values(g, [0.0, 1.0, 1.0, 1.0, 0.0])
    assert_values(g_lo, 1.0)
    assert_values(g_hi, 1.0)


def test_sigmoid_cross_entropy_gradient_at_zero_logits():
    labels = tf.constant([0.3, 1.0, 0.0])
    got = grad(lambda x: tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=x),
               [0.0, 0.0, 0.0])
    assert_values(got, [0.2, -0.5, 0.5])


def test_pow_with_zero_base():
    g_base, g_exp = grads(tf.pow, [0.0, 2.0], [2.0, 0.5])
    assert_values(g_base, [0.0, 0.35355338])
    assert_values(g_exp, [0.0, 0.9802581])


def test_reduce_prod_gradient_with_zeros():
    assert_values(grad(tf.reduce_prod, [0.0, 2.0, 3.0]), [6.0, 0.0, 0.0])
    assert_values(grad(tf.reduce_prod, [0.0, 0.0, 3.0]), [0.0, 0.0, 0.0])


def test_cumprod_gradient_at_zero_is_zero():
    assert_values(grad(tf.math.cumprod, [0.0, 2.0, 3.0]), [0.0, 0.0, 0.0])


# -- inf and NaN ----------------------------------------------------------------------------------

def test_sqrt_gradient_at_zero_is_inf():
    assert_values(grad(tf.sqrt, [0.0]), [np.inf])


def test_rsqrt_gradient_at_zero_is_minus_inf():
    assert_values(grad(tf.math.rsqrt, [0.0]), [-np.inf])


@_NAN_IN_BACKWARD
@pytest.mark.parametrize("op", [tf.sqrt, tf.math.rsqrt, tf.math.reciprocal])
def test_zero_cotangent_gives_zero_at_a_pole(op):
    got = grad(op, [0.0, -1.0], output_gradients=tf.constant([0.0, 0.0]))
    assert_values(got, [0.0, 0.0])


def test_where_passes_zero_to_the_untaken_branch():
    assert_values(grad(lambda x: tf.where(x > 0, x * 2.0, x * 3.0), [1.0, -1.0]), [2.0, 3.0])


def test_where_over_sqrt_of_negative_has_zero_gradient():
    got = grad(lambda x: tf.where(x > 0, tf.sqrt(x), 0.0), [1.0, -1.0], dtype=tf.float64)
    assert_values(got, [0.5, 0.0])


def test_where_over_log_of_zero_gives_nan():
    got = grad(lambda x: tf.where(x > 0, tf.math.log(x), 0.0), [1.0, 0.0])
    assert_values(got, [1.0, np.nan])


@_NAN_IN_BACKWARD
def test_norm_of_zero_vector_gradient_is_nan():
    assert_values(grad(tf.norm, [0.0, 0.0]), [np.nan, np.nan])
    got = grad(lambda x: tf.norm(x, axis=-1), [[0.0, 0.0], [3.0, 4.0]])
    assert_values(got, [[np.nan, np.nan], [0.6, 0.8]])


def test_l2_normalize_of_zero_vector_gradient_is_finite():
    assert_values(grad(tf.math.l2_normalize, [0.0, 0.0]), [1e6, 1e6])


def test_clip_by_norm_of_zero_vector_passes_gradient():
    assert_values(grad(lambda x: tf.clip_by_norm(x, 1.0), [0.0, 0.0]), [1.0, 1.0])


@_NAN_IN_BACKWARD
def test_reduce_std_of_constant_gradient_is_nan():
    assert_values(grad(tf.math.reduce_std, [1.0, 1.0]), [np.nan, np.nan])


@_NAN_IN_BACKWARD
def test_logsumexp_of_all_minus_inf():
    x = [-np.inf, -np.inf]
    assert float(tf.reduce_logsumexp(x)) == -np.inf
    assert_values(grad(tf.reduce_logsumexp, x), [np.nan, np.nan])


def test_softplus_gradient_saturates_without_nan():
    assert_values(grad(tf.nn.softplus, [100.0, -100.0]), [1.0, 0.0])


def test_atan2_gradient_at_origin_is_nan():
    assert_values(grad(lambda x: tf.math.atan2(x, x), [0.0]), [np.nan])


def test_round_is_half_to_even():
    assert_values(tf.round([0.5, 1.5, 2.5, -0.5]), [0.0, 2.0, 2.0, -0.0])


def test_integer_reduce_mean_rounds_toward_zero():
    # TensorFlow 2.21: reduce_mean([-1, -2]) == -1 and reduce_mean([-3, -4, -4]) == -3.
    assert tf.reduce_mean(tf.constant([-1, -2])).numpy() == -1
    assert tf.reduce_mean(tf.constant([-3, -4, -4])).numpy() == -3
    assert tf.reduce_mean(tf.constant([7, 8], tf.uint8)).numpy() == 7
    got = tf.reduce_mean(tf.constant([[1, 2], [-3, -4]]), axis=1)
    assert got.dtype == tf.int32 and got.numpy().tolist() == [1, -3]
