"""inf and NaN in cotangents and tangents: where TensorFlow selects and where it multiplies.

TensorFlow *selects* the cotangent in maximum, minimum (so clip_by_value), where, elu, selu and
leaky_relu: inf or NaN in the unselected branch never reaches the result. It *multiplies* by a
0/1 mask in relu, relu6, abs and reduce_max / reduce_min: there NaN leaks, in TensorFlow too.
SqrtGrad, RsqrtGrad and ReciprocalGrad give 0 for a zero cotangent, but sqrt's forward mode
(TensorFlow's transposed SqrtGradGrad) has no such test.

Every expected value was produced by TensorFlow 2.21 in float32; `test_tensorflow_agrees` runs
the same table through TensorFlow where it is installed.
"""

import numpy as np
import pytest

import tapegrad

INF, NAN = np.inf, np.nan


def _rev(m, f, x, seed=None):
    x = m.constant(x, m.float32)
    with m.GradientTape() as tape:
        tape.watch(x)
        y = f(m, x)
    return tape.gradient(y, x, output_gradients=seed and m.constant(seed, m.float32))


def _fwd(m, f, x, t):
    x = m.constant(x, m.float32)
    with m.autodiff.ForwardAccumulator(x, m.constant(t, m.float32)) as acc:
        y = f(m, x)
    return acc.jvp(y)


def _hvp_rev_over_fwd(m, f, x, v):
    x = m.constant(x, m.float32)
    with m.GradientTape() as tape:
        tape.watch(x)
        with m.autodiff.ForwardAccumulator(x, m.constant(v, m.float32)) as acc:
            y = f(m, x)
        jv = acc.jvp(y)
    return tape.gradient(jv, x)


def _hvp_fwd_over_rev(m, f, x, v):
    x = m.constant(x, m.float32)
    with m.autodiff.ForwardAccumulator(x, m.constant(v, m.float32)) as acc:
        with m.GradientTape() as tape:
            tape.watch(x)
            y = f(m, x)
        g = tape.gradient(y, x)
    return acc.jvp(g)


def _hessian(m, f, x):
    x = m.constant(x, m.float32)
    with m.GradientTape() as outer:
        outer.watch(x)
        with m.GradientTape() as inner:
            inner.watch(x)
            y = f(m, x)
        g = inner.gradient(y, x)
    return outer.jacobian(g, x)


def _second_in_seed(m, f, x, seed):
    """The gradient of f's gradient with respect to the cotangent seed itself, and to x."""
    x, s = m.constant(x, m.float32), m.constant(seed, m.float32)
    with m.GradientTape() as outer:
        outer.watch([x, s])
        with m.GradientTape() as inner:
            inner.watch(x)
            y = f(m, x)
        g = inner.gradient(y, x, output_gradients=s)
    return outer.gradient(g, [s, x])


# (id, how, f(m, x), x, extra, want)
CASES = [
    # selected: the unselected branch gets exactly 0
    ("sqrt_of_maximum", _rev, lambda m, x: m.sqrt(m.maximum(x, 0.0)), [-1.0, 0.0, 4.0], None,
     [0.0, INF, 0.25]),
    ("sqrt_of_maximum_y_side", _rev, lambda m, x: m.sqrt(m.maximum(0.0, x)), [-1.0, 0.0, 4.0],
     None, [0.0, 0.0, 0.25]),
    ("sqrt_of_minus_minimum", _rev, lambda m, x: m.sqrt(-m.minimum(x, 0.0)), [1.0, 0.0, -4.0],
     None, [0.0, INF, -0.25]),
    ("log_of_clip_by_value", _rev, lambda m, x: m.math.log(m.clip_by_value(x, 0.0, 1.0)),
     [-1.0, 0.0, 0.5, 2.0], None, [0.0, INF, 2.0, 0.0]),
    ("log_of_clip_by_value_eps", _rev, lambda m, x: m.math.log(m.clip_by_value(x, 1e-7, 1.0)),
     [0.0, 0.5], None, [0.0, 2.0]),
    ("pow_half_of_maximum", _rev, lambda m, x: m.pow(m.maximum(x, 0.0), 0.5), [-1.0, 0.0, 4.0],
     None, [0.0, INF, 0.25]),
    ("reciprocal_of_maximum", _rev, lambda m, x: 1.0 / m.maximum(x, 0.0), [-1.0, 1.0], None,
     [0.0, -1.0]),
    ("inf_times_maximum", _rev, lambda m, x: m.maximum(x, 0.0) * INF, [-1.0, 0.0, 4.0], None,
     [0.0, INF, INF]),
    ("maximum_nan_x_goes_to_y", _rev, lambda m, x: m.maximum(x, 0.0), [NAN, 1.0], None,
     [0.0, 1.0]),
    ("minimum_nan_x_goes_to_y", _rev, lambda m, x: m.minimum(x, 0.0), [NAN, 1.0], None,
     [0.0, 0.0]),
    ("where_over_sqrt", _rev, lambda m, x: m.where(x > 0, m.sqrt(x), 0.0), [-1.0, 0.0, 4.0],
     None, [0.0, 0.0, 0.25]),
    ("where_over_log", _rev, lambda m, x: m.where(x > 0, m.math.log(x), 0.0), [-1.0, 0.0, 4.0],
     None, [0.0, NAN, 0.25]),
    ("elu_at_inf", _rev, lambda m, x: m.nn.elu(x), [INF, -INF, 0.0], None, [1.0, 0.0, 1.0]),
    ("selu_at_inf", _rev, lambda m, x: m.nn.selu(x), [INF, -INF, 0.0], None,
     [1.0507010221481323, 0.0, 1.0507010221481323]),
    ("sqrt_of_elu", _rev, lambda m, x: m.sqrt(m.nn.elu(x)), [-1.0, 0.0, 4.0], None,
     [NAN, INF, 0.25]),
    # multiplied, in TensorFlow too: NaN leaks
    ("sqrt_of_relu", _rev, lambda m, x: m.sqrt(m.nn.relu(x)), [-1.0, 0.0, 4.0], None,
     [NAN, NAN, 0.25]),
    ("inf_times_relu", _rev, lambda m, x: m.nn.relu(x) * INF, [-1.0, 0.0, 4.0], None,
     [NAN, NAN, INF]),
    ("relu_of_nan", _rev, lambda m, x: m.nn.relu(x), [NAN, 1.0], None, [0.0, 1.0]),
    ("sqrt_of_relu6", _rev, lambda m, x: m.sqrt(m.nn.relu6(x)), [-1.0, 0.0, 4.0, 7.0], None,
     [NAN, NAN, 0.25, 0.0]),
    ("log_of_6_minus_relu6", _rev, lambda m, x: m.math.log(6.0 - m.nn.relu6(x)),
     [-1.0, 6.0, 7.0], None, [0.0, NAN, NAN]),
    ("sqrt_of_leaky_relu_alpha_0", _rev, lambda m, x: m.sqrt(m.nn.leaky_relu(x, alpha=0.0)),
     [-1.0, 0.0, 4.0], None, [NAN, NAN, 0.25]),
    ("sqrt_of_abs", _rev, lambda m, x: m.sqrt(m.abs(x)), [-1.0, 0.0, 4.0], None,
     [-0.5, NAN, 0.25]),
    ("abs_of_nan", _rev, lambda m, x: m.abs(x), [NAN, 0.0], None, [NAN, 0.0]),
    ("sqrt_of_reduce_max", _rev, lambda m, x: m.sqrt(m.reduce_max(x)), [-1.0, 0.0], None,
     [NAN, INF]),
    ("sqrt_of_reduce_min", _rev, lambda m, x: m.sqrt(m.reduce_min(x)), [1.0, 0.0], None,
     [NAN, INF]),
    ("sqrt_of_reduce_max_tie", _rev, lambda m, x: m.sqrt(m.reduce_max(x)), [0.0, 0.0, -1.0],
     None, [INF, INF, NAN]),
    ("reduce_max_of_nan", _rev, lambda m, x: m.reduce_max(x), [NAN, 1.0, 2.0], None,
     [NAN, NAN, NAN]),
    ("reduce_max_of_inf_tie", _rev, lambda m, x: m.reduce_max(x), [INF, 1.0, INF], None,
     [0.5, 0.0, 0.5]),
    ("norm_inf_of_zeros", _rev, lambda m, x: m.norm(x, ord=INF), [0.0, 0.0], None, [0.0, 0.0]),
    # a -inf logit of another class: TensorFlow's fused kernel never multiplies 0 * -inf
    ("sparse_xent_with_minus_inf_logit", _rev,
     lambda m, x: m.nn.sparse_softmax_cross_entropy_with_logits(labels=[0, 1], logits=x),
     [[0.0, -INF, 1.0], [2.0, 0.5, -INF]], None,
     [[-0.7310585975646973, 0.0, 0.7310585975646973],
      [0.8175744414329529, -0.8175745010375977, 0.0]]),
    ("sparse_xent_with_minus_inf_logit_value", lambda m, f, x: f(m, m.constant(x)),
     lambda m, x: m.nn.sparse_softmax_cross_entropy_with_logits(labels=[0, 1], logits=x),
     [[0.0, -INF, 1.0], [2.0, 0.5, -INF]], None, [1.31326162815094, 1.7014133930206299]),
    # sqrt(0): the zero tests of SqrtGrad, RsqrtGrad and ReciprocalGrad in both modes
    ("sqrt_zero_cotangent", _rev, lambda m, x: m.sqrt(x), [0.0], [0.0], [0.0]),
    ("sqrt_zero_tangent", _fwd, lambda m, x: m.sqrt(x), [0.0], [0.0], [NAN]),
    ("sqrt_unit_tangent", _fwd, lambda m, x: m.sqrt(x), [0.0], [1.0], [INF]),
    ("rsqrt_zero_tangent", _fwd, lambda m, x: m.math.rsqrt(x), [0.0], [0.0], [0.0]),
    ("reciprocal_zero_tangent", _fwd, lambda m, x: m.math.reciprocal(x), [0.0], [0.0], [0.0]),
    ("reduce_std_one_element_rev", _rev, lambda m, x: m.math.reduce_std(x), [2.0], None, [NAN]),
    ("reduce_std_one_element_fwd", _fwd, lambda m, x: m.math.reduce_std(x), [2.0], [1.0], NAN),
    ("where_over_sqrt_fwd", _fwd, lambda m, x: m.where(x > 0, m.sqrt(x), 0.0), [-1.0, 0.0, 4.0],
     [1.0, 1.0, 1.0], [0.0, 0.0, 0.25]),
    ("sqrt_grad_in_seed_and_x", _second_in_seed, lambda m, x: m.sqrt(x), 4.0, 0.0,
     [0.25, 0.0]),
    # the Hessian of the Euclidean norm at an exact zero, every way
    ("norm_hvp_rev_over_fwd", _hvp_rev_over_fwd, lambda m, x: m.norm(x), [0.0, 3.0], [1.0, 0.0],
     [1 / 3, 0.0]),
    ("norm_hvp_fwd_over_rev", _hvp_fwd_over_rev, lambda m, x: m.norm(x), [0.0, 3.0], [1.0, 0.0],
     [1 / 3, 0.0]),
    ("norm_hessian", _hessian, lambda m, x: m.norm(x), [0.0, 3.0], None,
     [[1 / 3, 0.0], [0.0, 0.0]]),
    # TensorFlow's SoftsignGrad, g / (1 + |x|)^2: 0 at x = inf, inf under an inf cotangent at 0
    ("softsign_at_inf", _rev, lambda m, x: m.math.softsign(x), [INF, 1.0], None, [0.0, 0.25]),
    ("softsign_inf_cotangent", _rev, lambda m, x: m.math.softsign(x), [0.0, 1.0], [INF, 1.0],
     [INF, 0.25]),
    # ord=2 is the Euclidean norm for vectors in TensorFlow (not the p-norm path through abs)
    ("norm_ord_2_hvp_fwd_over_rev", _hvp_fwd_over_rev, lambda m, x: m.norm(x, ord=2),
     [0.0, 3.0], [1.0, 0.0], [1 / 3, 0.0]),
    ("norm_ord_2_hessian", _hessian, lambda m, x: m.norm(x, ord=2.0, axis=-1), [0.0, 3.0], None,
     [[1 / 3, 0.0], [0.0, 0.0]]),
]


def _run(m, how, f, x, extra):
    got = how(m, f, x) if extra is None else how(m, f, x, extra)
    if isinstance(got, (list, tuple)):
        return [np.asarray(g) for g in got]
    return np.asarray(got)


def _check(got, want):
    np.testing.assert_allclose(np.asarray(got, dtype=np.float64), np.asarray(want, np.float64),
                               rtol=1e-6, atol=0)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # NaN made in a plain multiply
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_matches_tensorflow_recorded(case):
    _, how, f, x, extra, want = case
    _check(_run(tapegrad, how, f, x, extra), want)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_tensorflow_agrees(case):
    tf_real = pytest.importorskip("tensorflow")
    _, how, f, x, extra, want = case
    _check(_run(tf_real, how, f, x, extra), want)

