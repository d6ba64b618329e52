"""keras.losses: the hinge, probabilistic and similarity losses against their formulas (NumPy,
float64), their classes, configs and names; compared with Keras 3 where it is installed."""

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras

L = keras.losses
EPS = 1e-7


def _data(shape=(6, 4), seed=0):
    rng = np.random.default_rng(seed)
    y = rng.uniform(0.0, 1.0, size=shape)
    p = rng.uniform(0.01, 1.0, size=shape).astype(np.float32)
    return y, p


def _close(a, b, tol=1e-5):
    np.testing.assert_allclose(np.asarray(a, dtype=np.float64), b, rtol=tol, atol=tol)


def _ref_hinge(y, p, square=False):
    y = 2 * y - 1 if np.all((y == 0) | (y == 1)) else y
    m = np.maximum(1 - y * p, 0)
    return (m**2 if square else m).mean(-1)


def _ref_categorical_hinge(y, p):
    pos = (y * p).sum(-1)
    neg = ((1 - y) * p).max(-1)
    return np.maximum(neg - pos + 1, 0)


def _ref_kld(y, p):
    y, p = np.clip(y, EPS, 1), np.clip(p, EPS, 1)
    return (y * np.log(y / p)).sum(-1)


def _ref_poisson(y, p):
    return (p - y * np.log(p + EPS)).mean(-1)


def _ref_log_cosh(y, p):
    return np.log(np.cosh(p - y)).mean(-1)


def _ref_cosine(y, p, axis=-1):
    yn = y / np.linalg.norm(y, axis=axis, keepdims=True)
    pn = p / np.linalg.norm(p, axis=axis, keepdims=True)
    return -(yn * pn).sum(axis)


CASES = [
    ("hinge", L.Hinge, _ref_hinge),
    ("squared_hinge", L.SquaredHinge, lambda y, p: _ref_hinge(y, p, square=True)),
    ("categorical_hinge", L.CategoricalHinge, _ref_categorical_hinge),
    ("kl_divergence", L.KLDivergence, _ref_kld),
    ("poisson", L.Poisson, _ref_poisson),
    ("log_cosh", L.LogCosh, _ref_log_cosh),
    ("cosine_similarity", L.CosineSimilarity, _ref_cosine),
]


@pytest.mark.parametrize(("name", "cls", "ref"), CASES, ids=[c[0] for c in CASES])
def test_loss_function_and_class_match_formula(name, cls, ref):
    y, p = _data()
    fn = getattr(L, name)
    out = fn(y, p)
    assert out.shape == (6,) and out.dtype == tf.float32
    _close(out, ref(y, p.astype(np.float64)))
    loss = cls()
    assert loss.name == name
    _close(loss(y, p), ref(y, p.astype(np.float64)).mean())
    sw = np.arange(6.0)
    _close(loss(y, p, sample_weight=sw), (ref(y, p.astype(np.float64)) * sw).mean())
    assert L.get(name) is fn
    assert isinstance(L.get(cls.__name__), cls)


@pytest.mark.parametrize("labels", [[[0.0, 1.0, 1.0]], [[-1.0, 1.0, 1.0]]])
def test_hinge_maps_zero_one_labels_to_plus_minus_one(labels):
    p = np.array([[0.3, -0.2, 2.0]], np.float32)
    y = np.array(labels)
    signed = np.array([[-1.0, 1.0, 1.0]])
    _close(L.hinge(y, p), np.maximum(1 - signed * p, 0).mean(-1))


def test_hinge_of_rank_1_labels_against_column_predictions_is_not_broadcast():
    y = np.array([0.0, 1.0, 1.0])
    p = np.array([[0.5], [0.2], [-1.0]], np.float32)
    _close(L.Hinge()(y, p), np.mean([1.5, 0.8, 2.0]))


def test_log_cosh_does_not_overflow_for_large_errors():
    out = L.log_cosh([[0.0]], np.array([[1000.0]], np.float32))
    _close(out, [1000.0 - np.log(2.0)], 1e-4)


def test_cosine_similarity_axis_and_zero_vector():
    y, p = _data((3, 5))
    _close(L.cosine_similarity(y, p, axis=0), _ref_cosine(y, p.astype(np.float64), axis=0))
    _close(L.CosineSimilarity(axis=0)(y, p), _ref_cosine(y, p.astype(np.float64), 0).mean())
    assert float(L.cosine_similarity([[0.0, 0.0]], np.ones((1, 2), np.float32))[0]) == 0.0


def test_kl_divergence_aliases():
    assert L.kld is L.KLD is L.kl_divergence is L.kullback_leibler_divergence
    assert L.get("kld") is L.get("KLD") is L.kl_divergence
    assert L.logcosh is L.log_cosh and L.get("logcosh") is L.log_cosh


@pytest.mark.parametrize(
    ("alias", "fn"),
    [
        ("bce", "binary_crossentropy"),
        ("BCE", "binary_crossentropy"),
        ("MSE", "mse"),
        ("MAE", "mae"),
        ("MAPE", "mape"),
        ("MSLE", "msle"),
    ],
)
def test_keras_upper_case_and_short_aliases(alias, fn):
    assert L.get(alias) is getattr(L, fn)


@pytest.mark.parametrize("cls", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_config_round_trip(cls):
    loss = cls(reduction="sum", name="custom")
    config = loss.get_config()
    assert config["name"] == "custom" and config["reduction"] == "sum"
    again = cls.from_config(config)
    assert again.get_config() == config
    y, p = _data()
    _close(again(y, p), loss(y, p))
    assert isinstance(L.get({"class_name": cls.__name__, "config": config}), cls)


def test_cosine_similarity_config_keeps_axis():
    loss = L.CosineSimilarity(axis=0)
    assert L.CosineSimilarity.from_config(loss.get_config())._fn_kwargs == {"axis": 0}


@pytest.mark.parametrize(("name", "cls", "ref"), CASES, ids=[c[0] for c in CASES])
def test_gradients_match_finite_differences(name, cls, ref):
    y, _ = _data((3, 4), seed=1)
    _, p = _data((3, 4), seed=2)
    fn = getattr(L, name)
    tf.check_grads(lambda q: tf.reduce_sum(fn(y, q)), [p.astype(np.float64) + 0.05], order=2)


def test_compile_and_fit_with_the_new_losses_by_name():
    x = np.random.default_rng(0).normal(size=(32, 3)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    for loss in ("hinge", "squared_hinge", "poisson", "log_cosh", "kld"):
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
        model.compile("sgd", loss=loss)
        history = model.fit(x, y, epochs=2, verbose=0)
        assert np.isfinite(history.history["loss"]).all()


# -- Keras 3 itself ------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "cls", "ref"), CASES, ids=[c[0] for c in CASES])
def test_against_keras(name, cls, ref):
    pytest.importorskip("tensorflow")
    import keras as real

    y, p = _data()
    ours, theirs = getattr(L, name), getattr(real.losses, name)
    _close(ours(y, p), np.asarray(theirs(y.astype(np.float32), p)), 1e-5)
    sw = np.linspace(0, 1, 6)
    _close(cls()(y, p, sw), float(getattr(real.losses, cls.__name__)()(y, p, sw)), 1e-5)
    assert cls().name == getattr(real.losses, cls.__name__)().name
