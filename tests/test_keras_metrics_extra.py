"""keras.metrics: confusion-matrix metrics, AUC, scores, top-k and the loss-wrapping metrics,
against NumPy references and the examples of Keras's documentation (values as Keras prints
them); compared with Keras 3 itself, batch by batch and weighted, where it is installed."""

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras

M = keras.metrics


def _close(a, b, tol=1e-5):
    np.testing.assert_allclose(np.asarray(a, dtype=np.float64), b, rtol=tol, atol=tol)


def _binary(n=40, seed=0):
    rng = np.random.default_rng(seed)
    return (
        rng.integers(0, 2, size=(n, 3)).astype("float32"),
        rng.uniform(size=(n, 3)).astype("float32"),
        rng.uniform(size=(n,)).astype("float32"),
    )


def _counts(y, p, t, w=None):
    """Brute-force weighted TP, FP, TN, FN at threshold t (prediction > t is positive)."""
    w = np.ones_like(p) if w is None else np.broadcast_to(w[:, None], p.shape)
    pos, lab = p > t, y > 0
    return [
        float((w * (a & b)).sum()) for a, b in ((lab, pos), (~lab, pos), (~lab, ~pos), (lab, ~pos))
    ]


# -- values from Keras's documentation ------------------------------------------------------


def test_documented_examples():
    _close(M.Precision()([0, 1, 1, 1], [1, 0, 1, 1]), 2 / 3)
    _close(M.Recall()([0, 1, 1, 1], [1, 0, 1, 1]), 2 / 3)
    _close(M.AUC(num_thresholds=3)([0, 0, 1, 1], [0, 0.5, 0.3, 0.9]), 0.75)
    _close(M.MeanIoU(num_classes=2)([0, 0, 1, 1], [0, 1, 0, 1]), 1 / 3)
    _close(M.R2Score()([[1], [4], [3]], [[2], [4], [4]]), 0.57142854)
    f1 = M.F1Score(threshold=0.5)
    f1.update_state(
        [[1, 1, 1], [1, 0, 0], [1, 1, 0]], [[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]]
    )
    _close(f1.result(), [0.5, 0.8, 0.6666667])
    top = M.TopKCategoricalAccuracy(k=1)
    _close(top([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]), 0.5)
    sparse_top = M.SparseTopKCategoricalAccuracy(k=1)
    _close(sparse_top([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]), 0.5)
    _close(M.CategoricalAccuracy()([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]), 0.5)


# -- confusion counts against brute force ---------------------------------------------------


@pytest.mark.parametrize("weighted", [False, True])
def test_confusion_counts_match_brute_force(weighted):
    y, p, w = _binary()
    w = w if weighted else None
    thresholds = [0.1, 0.5, 0.75]
    metrics = [
        M.TruePositives(thresholds),
        M.FalsePositives(thresholds),
        M.TrueNegatives(thresholds),
        M.FalseNegatives(thresholds),
    ]
    for m in metrics:
        m.update_state(y[:15], p[:15], None if w is None else w[:15])
        m.update_state(y[15:], p[15:], None if w is None else w[15:])
    for i, t in enumerate(thresholds):
        want = _counts(y, p, t, w)
        _close([float(m.result()[i]) for m in metrics], want, 1e-4)


def test_precision_recall_thresholds_top_k_and_class_id():
    y, p, _ = _binary()
    tp, fp, _, fn = _counts(y, p, 0.5)
    _close(M.Precision()(y, p), tp / (tp + fp))
    _close(M.Recall()(y, p), tp / (tp + fn))
    per = M.Precision(thresholds=[0.3, 0.7])(y, p)
    assert per.shape == (2,)
    tp7, fp7, _, _ = _counts(y, p, 0.7)
    _close(per[1], tp7 / (tp7 + fp7))
    tp1, _, _, fn1 = _counts(y[:, 1:2], p[:, 1:2], 0.5)
    _close(M.Recall(class_id=1)(y, p), tp1 / (tp1 + fn1))
    top = p == p.max(-1, keepdims=True)  # top_k=1: only each row's best counts
    _close(M.Precision(top_k=1)(y, p), (y[top] > 0).mean())


def test_precision_with_no_positive_predictions_is_zero_not_nan():
    assert float(M.Precision()([1, 0], [0.1, 0.2])) == 0.0


def test_auc_roc_matches_trapezoids_over_thresholds():
    y, p, w = _binary(200, seed=3)
    n = 50
    m = M.AUC(num_thresholds=n)
    m.update_state(y, p, w)
    eps = 1e-7
    ts = np.concatenate([[-eps], np.arange(1, n - 1) / (n - 1), [1 + eps]])
    c = np.array([_counts(y, p, t, w) for t in ts])
    tpr, fpr = c[:, 0] / (c[:, 0] + c[:, 3]), c[:, 1] / (c[:, 1] + c[:, 2])
    _close(m.result(), np.sum((fpr[:-1] - fpr[1:]) * (tpr[:-1] + tpr[1:]) / 2), 1e-5)
    perfect = M.AUC()([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])
    _close(perfect, 1.0)


def test_auc_pr_majoring_and_multi_label():
    y, p, _ = _binary(100, seed=4)
    pr = float(M.AUC(curve="PR")(y, p))
    assert 0.0 < pr < 1.0
    n = 20
    m = M.AUC(num_thresholds=n, curve="PR", summation_method="majoring")
    m.update_state(y, p)
    eps = 1e-7
    ts = np.concatenate([[-eps], np.arange(1, n - 1) / (n - 1), [1 + eps]])
    c = np.array([_counts(y, p, t) for t in ts])
    rec = c[:, 0] / (c[:, 0] + c[:, 3])
    prec = np.divide(c[:, 0], c[:, 0] + c[:, 1], out=np.zeros(n), where=(c[:, 0] + c[:, 1]) > 0)
    _close(m.result(), np.sum((rec[:-1] - rec[1:]) * np.maximum(prec[:-1], prec[1:])), 1e-5)
    multi = M.AUC(multi_label=True)
    multi.update_state(y, p)
    per_label = [float(M.AUC()(y[:, j], p[:, j])) for j in range(3)]
    _close(multi.result(), np.mean(per_label))
    assert multi.true_positives.shape == (200, 3)


def test_auc_from_logits_and_config():
    y, p, _ = _binary()
    logits = np.log(p / (1 - p))
    _close(M.AUC(from_logits=True)(y, logits), M.AUC()(y, p), 1e-5)
    config = M.AUC(num_thresholds=7, curve="pr", name="x").get_config()
    assert config["curve"] == "PR" and config["num_thresholds"] == 7 and config["name"] == "x"
    again = M.AUC.from_config(config)
    assert again.get_config() == config


def test_operating_point_metrics():
    y, p, _ = _binary(200, seed=5)
    ts = [0.0] + [(i + 1) / 199 for i in range(198)] + [1.0]
    c = np.array([_counts(y, p, t) for t in ts])
    tpr = c[:, 0] / (c[:, 0] + c[:, 3])
    tnr = c[:, 2] / (c[:, 2] + c[:, 1])
    _close(M.SensitivityAtSpecificity(0.6)(y, p), tpr[tnr >= 0.6].max(), 1e-5)
    _close(M.SpecificityAtSensitivity(0.6)(y, p), tnr[tpr >= 0.6].max(), 1e-5)
    with pytest.raises(ValueError, match=r"`specificity` must be in the range \[0, 1\]"):
        M.SensitivityAtSpecificity(1.5)


# -- scores --------------------------------------------------------------------------------


def test_r2_score_and_adjusted():
    rng = np.random.default_rng(1)
    y = rng.normal(size=(30, 2))
    p = y + rng.normal(size=(30, 2)) * 0.3
    r2 = 1 - ((y - p) ** 2).sum(0) / ((y - y.mean(0)) ** 2).sum(0)
    _close(M.R2Score(class_aggregation=None)(y, p), r2, 1e-4)
    _close(M.R2Score()(y, p), r2.mean(), 1e-4)
    n, k = 60, 3
    _close(M.R2Score(num_regressors=k)(y, p), 1 - (1 - r2.mean()) * (n - 1) / (n - k - 1), 1e-4)
    with pytest.raises(ValueError, match="2D inputs"):
        M.R2Score()(np.ones(3), np.ones(3))


def test_f1_and_fbeta_averages():
    rng = np.random.default_rng(2)
    y = np.eye(4)[rng.integers(0, 4, 50)]
    p = rng.uniform(size=(50, 4))
    hard = (p == p.max(-1, keepdims=True)).astype(float)
    tp, fp, fn = (hard * y).sum(0), (hard * (1 - y)).sum(0), ((1 - hard) * y).sum(0)
    prec, rec = tp / (tp + fp), tp / (tp + fn)
    f1 = 2 * prec * rec / (prec + rec)
    _close(M.F1Score()(y, p), f1, 1e-5)
    _close(M.F1Score(average="macro")(y, p), f1.mean(), 1e-5)
    _close(M.F1Score(average="weighted")(y, p), (f1 * y.sum(0)).sum() / y.sum(), 1e-5)
    f2 = 5 * prec * rec / (4 * prec + rec)
    _close(M.FBetaScore(beta=2.0)(y, p), f2, 1e-5)
    with pytest.raises(ValueError, match="Invalid `beta` argument value"):
        M.FBetaScore(beta=2)
    assert "beta" not in M.F1Score().get_config()


def test_mean_iou_ignore_class_and_one_hot():
    y = np.array([0, 1, 2, 2, 1, 0])
    p = np.array([0, 2, 2, 1, 1, 0])
    cm = np.zeros((3, 3))
    np.add.at(cm, (y, p), 1)
    iou = np.diag(cm) / (cm.sum(0) + cm.sum(1) - np.diag(cm))
    _close(M.MeanIoU(3)(y, p), iou.mean())
    _close(M.IoU(3, target_class_ids=[2])(y, p), iou[2])
    _close(M.OneHotMeanIoU(3)(np.eye(3)[y], np.eye(3)[p] + 0.1), iou.mean())
    keep = y != 0
    cm2 = np.zeros((3, 3))
    np.add.at(cm2, (y[keep], p[keep]), 1)
    den = cm2.sum(0) + cm2.sum(1) - np.diag(cm2)
    valid = den > 0
    _close(M.MeanIoU(3, ignore_class=0)(y, p), (np.diag(cm2)[valid] / den[valid]).mean())
    m = M.MeanIoU(3)
    assert m.dtype == "int64" and m.total_cm.dtype == tf.int64


# -- top-k and the loss-wrapping metrics ----------------------------------------------------


def test_top_k_accuracies_and_ties():
    rng = np.random.default_rng(3)
    p = rng.uniform(size=(30, 6)).astype("float32")
    labels = rng.integers(0, 6, 30)
    rank = (p > p[np.arange(30), labels][:, None]).sum(-1)
    _close(M.SparseTopKCategoricalAccuracy(k=2)(labels, p), (rank < 2).mean())
    _close(M.TopKCategoricalAccuracy(k=3)(np.eye(6)[labels], p), (rank < 3).mean())
    _close(M.sparse_top_k_categorical_accuracy(labels[:, None], p, k=2), rank < 2)
    # a target tied with the k-th score counts as in the top k (tf.math.in_top_k)
    _close(M.sparse_top_k_categorical_accuracy([2], [[0.5, 0.5, 0.5]], k=1), [1.0])
    ids = np.argsort(-p, axis=-1)
    sorted_ids = M.SparseTopKCategoricalAccuracy(k=2, from_sorted_ids=True)
    _close(sorted_ids(labels, ids.astype("float32")), (rank < 2).mean())


@pytest.mark.parametrize(
    ("cls", "fn"),
    [
        ("MeanAbsolutePercentageError", "mean_absolute_percentage_error"),
        ("MeanSquaredLogarithmicError", "mean_squared_logarithmic_error"),
        ("Hinge", "hinge"),
        ("SquaredHinge", "squared_hinge"),
        ("CategoricalHinge", "categorical_hinge"),
        ("KLDivergence", "kl_divergence"),
        ("Poisson", "poisson"),
        ("LogCoshError", "log_cosh"),
    ],
)
def test_loss_metrics_average_their_loss_function(cls, fn):
    rng = np.random.default_rng(4)
    y, p = rng.uniform(0.1, 1, (12, 3)), rng.uniform(0.1, 1, (12, 3)).astype("float32")
    w = rng.uniform(size=12)
    m = getattr(M, cls)()
    m.update_state(y[:5], p[:5], w[:5])
    m.update_state(y[5:], p[5:], w[5:])
    values = np.asarray(getattr(keras.losses, fn)(y, p))
    _close(m.result(), (values * w).sum() / w.sum(), 1e-5)
    assert getattr(M, fn) is getattr(keras.losses, fn)
    assert m.get_config() == {"name": m.name, "dtype": "float32"}


def test_cosine_similarity_and_rmse():
    rng = np.random.default_rng(5)
    y, p = rng.normal(size=(8, 3)), rng.normal(size=(8, 3))
    cos = (y * p).sum(-1) / np.linalg.norm(y, axis=-1) / np.linalg.norm(p, axis=-1)
    _close(M.CosineSimilarity()(y, p), cos.mean())
    _close(M.RootMeanSquaredError()(y, p), np.sqrt(((y - p) ** 2).mean()))
    assert M.LogCoshError().name == "logcosh"


def test_accuracy_functions_return_per_sample_tensors():
    out = M.binary_accuracy([1.0, 0.0], [0.7, 0.6])
    assert isinstance(out, tf.Tensor) and out.dtype == tf.float32
    _close(out, [1.0, 0.0])
    _close(M.binary_accuracy([[1.0], [0.0]], [0.7, 0.2]), [[1.0], [1.0]])
    _close(M.categorical_accuracy([[0, 1], [1, 0]], [[0.2, 0.8], [0.3, 0.7]]), [1.0, 0.0])
    _close(M.sparse_categorical_accuracy([1, 0], [[0.2, 0.8], [0.3, 0.7]]), [1.0, 0.0])
    _close(M.top_k_categorical_accuracy([[0, 0, 1]], [[0.5, 0.4, 0.1]], k=2), [0.0])


# -- names, lookup, configs, state ----------------------------------------------------------


def test_auto_names_are_unique_and_defaults_are_kept():
    keras.backend.clear_session()
    assert [M.AUC().name, M.AUC().name, M.Precision().name] == ["auc", "auc_1", "precision"]
    assert M.Mean().name == M.Mean().name == "mean"
    assert M.AUC(name="mine").name == "mine"

    class MyMetric(M.Metric):
        def update_state(self, *args):
            pass

        def result(self):
            return tf.constant(0.0)

    assert [MyMetric().name, MyMetric().name] == ["my_metric", "my_metric_1"]


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("auc", "AUC"),
        ("bce", "BinaryCrossentropy"),
        ("AUC", "AUC"),
        ("precision", "Precision"),
        ("recall", "Recall"),
        ("f1_score", "F1Score"),
        ("r2_score", "R2Score"),
        ("mape", "MeanAbsolutePercentageError"),
        ("MSLE", "MeanSquaredLogarithmicError"),
        ("kl_divergence", "KLDivergence"),
        ("top_k_categorical_accuracy", "TopKCategoricalAccuracy"),
        ("true_positives", "TruePositives"),
    ],
)
def test_get_by_name(name, cls):
    assert type(M.get(name)) is getattr(M, cls)


CONFIG_CASES = [
    ("Precision", {"thresholds": [0.2, 0.6], "top_k": 2}),
    ("Recall", {"class_id": 1}),
    ("TruePositives", {"thresholds": 0.3}),
    ("AUC", {"thresholds": [0.2, 0.5], "multi_label": True, "label_weights": [1.0, 2.0]}),
    ("SpecificityAtSensitivity", {"sensitivity": 0.3, "num_thresholds": 10}),
    ("R2Score", {"class_aggregation": None, "num_regressors": 1}),
    ("F1Score", {"average": "micro", "threshold": 0.4}),
    ("FBetaScore", {"beta": 0.5}),
    ("MeanIoU", {"num_classes": 4, "ignore_class": 0}),
    ("IoU", {"num_classes": 4, "target_class_ids": [1, 3]}),
    ("BinaryIoU", {"threshold": 0.3}),
    ("OneHotIoU", {"num_classes": 3, "target_class_ids": [0]}),
    ("OneHotMeanIoU", {"num_classes": 3}),
    ("TopKCategoricalAccuracy", {"k": 3}),
    ("SparseTopKCategoricalAccuracy", {"k": 2, "from_sorted_ids": True}),
]


@pytest.mark.parametrize(("name", "kwargs"), CONFIG_CASES, ids=[c[0] for c in CONFIG_CASES])
def test_config_round_trip_and_reset(name, kwargs):
    metric = getattr(M, name)(**kwargs)
    config = metric.get_config()
    again = getattr(M, name).from_config(config)
    assert again.get_config() == config
    assert isinstance(M.get({"class_name": name, "config": config}), getattr(M, name))
    for v in metric.variables:
        v.assign(np.ones(tuple(v.shape), v.dtype.as_numpy_dtype))
    metric.reset_state()
    assert all(not np.any(v.numpy()) for v in metric.variables)


def test_bad_arguments_raise_keras_errors():
    with pytest.raises(ValueError, match=r"Threshold values must be in \[0, 1\]|must be in"):
        M.Precision(thresholds=1.5)
    with pytest.raises(ValueError, match="Invalid AUC curve value"):
        M.AUC(curve="XY")
    with pytest.raises(ValueError, match="`num_thresholds` must be an integer > 1"):
        M.AUC(num_thresholds=1)
    with pytest.raises(ValueError, match="`num_labels` is needed only when `multi_label`"):
        M.AUC(num_labels=3)
    with pytest.raises(ValueError, match="Target class id 5 is out of range"):
        M.IoU(3, target_class_ids=[5])
    with pytest.raises(ValueError, match="class_aggregation"):
        M.R2Score(class_aggregation="median")


def test_mismatched_shapes_leave_the_counts_unchanged():
    m = M.Precision()
    m.update_state([1, 0], [0.9, 0.1])
    before = [v.numpy().copy() for v in m.variables]
    with pytest.raises(tf.errors.InvalidArgumentError, match="Precision 'precision.*same shape"):
        m.update_state([[1, 0, 1]], [[0.9, 0.1]])
    assert all(np.array_equal(a, v.numpy()) for a, v in zip(before, m.variables))


def test_metrics_in_fit_and_evaluate():
    keras.backend.clear_session()  # Precision() is then "precision"
    rng = np.random.default_rng(6)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(
        "adam",
        "binary_crossentropy",
        metrics=["auc", M.Precision(), M.Recall(name="rec"), M.F1Score(average="macro")],
    )
    history = model.fit(x, y, epochs=2, verbose=0, validation_split=0.25)
    assert {"auc", "precision", "rec", "f1_score", "val_auc"} <= set(history.history)
    result = model.evaluate(x, y, verbose=0, return_dict=True)
    probabilities = model.predict(x, verbose=0)
    _close(result["auc"], M.AUC()(y, probabilities), 1e-5)


# -- Keras 3 itself ------------------------------------------------------------------------


def _keras_cases():
    rng = np.random.default_rng(0)
    yb = rng.integers(0, 2, size=(40, 3)).astype("float32")
    pb = rng.uniform(size=(40, 3)).astype("float32")
    pb[0, 0], pb[1, 1], pb[2, 2] = 0.0, 1.0, 0.5  # on the thresholds themselves
    yc = np.eye(5, dtype="float32")[rng.integers(0, 5, size=40)]
    pc = rng.uniform(size=(40, 5)).astype("float32")
    ys = rng.integers(0, 5, size=(40,)).astype("float32")
    yr = rng.normal(size=(40, 2)).astype("float32")
    pr = (yr + rng.normal(size=(40, 2)) * 0.5).astype("float32")
    cls = np.argmax(pc, -1).astype("float32")
    return [
        ("Precision", {}, yb, pb),
        ("Recall", {}, yb, pb),
        ("Precision", {"thresholds": [0.2, 0.5, 0.8]}, yb, pb),
        ("Precision", {"top_k": 1}, yc, pc),
        ("Recall", {"class_id": 1}, yb, pb),
        ("Recall", {"thresholds": [0.0, 0.5, 1.0]}, yb, pb),
        ("TruePositives", {}, yb, pb),
        ("FalsePositives", {"thresholds": [0.3, 0.6]}, yb, pb),
        ("TrueNegatives", {}, yb, pb),
        ("FalseNegatives", {}, yb, pb),
        ("AUC", {}, yb, pb),
        ("AUC", {"curve": "PR"}, yb, pb),
        ("AUC", {"num_thresholds": 7}, yb, pb),
        ("AUC", {"curve": "PR", "summation_method": "majoring"}, yb, pb),
        ("AUC", {"curve": "PRGAIN"}, yb, pb),
        ("AUC", {"multi_label": True}, yb, pb),
        ("AUC", {"multi_label": True, "curve": "PR"}, yb, pb),
        ("AUC", {"thresholds": [0.1, 0.4, 0.45, 0.9]}, yb, pb),
        ("AUC", {"label_weights": [1.0, 2.0, 0.5]}, yb, pb),
        ("AUC", {"multi_label": True, "label_weights": [1.0, 2.0, 0.5]}, yb, pb),
        ("AUC", {"from_logits": True}, yb, pr[:, :1].repeat(3, 1) * 3),
        ("SensitivityAtSpecificity", {"specificity": 0.5}, yb, pb),
        ("SpecificityAtSensitivity", {"sensitivity": 0.5}, yb, pb),
        ("PrecisionAtRecall", {"recall": 0.7}, yb, pb),
        ("RecallAtPrecision", {"precision": 0.5}, yb, pb),
        ("RecallAtPrecision", {"precision": 0.5, "num_thresholds": 1}, yb, pb),
        ("CategoricalAccuracy", {}, yc, pc),
        ("TopKCategoricalAccuracy", {"k": 2}, yc, pc),
        ("SparseTopKCategoricalAccuracy", {"k": 2}, ys, pc),
        ("SparseTopKCategoricalAccuracy", {"k": 2}, ys[:, None], pc),
        ("RootMeanSquaredError", {}, yr, pr),
        ("MeanAbsolutePercentageError", {}, yr, pr),
        ("MeanSquaredLogarithmicError", {}, np.abs(yr), np.abs(pr)),
        ("CosineSimilarity", {}, yr, pr),
        ("LogCoshError", {}, yr, pr),
        ("R2Score", {}, yr, pr),
        ("R2Score", {"class_aggregation": None}, yr, pr),
        (
            "R2Score",
            {"class_aggregation": "variance_weighted_average", "num_regressors": 2},
            yr,
            pr,
        ),
        ("F1Score", {}, yc, pc),
        ("F1Score", {"average": "macro"}, yc, pc),
        ("F1Score", {"average": "micro", "threshold": 0.5}, yc, pc),
        ("F1Score", {"average": "weighted"}, yc, pc),
        ("FBetaScore", {"beta": 2.0, "average": "macro"}, yc, pc),
        ("MeanIoU", {"num_classes": 5}, ys, cls),
        ("IoU", {"num_classes": 5, "target_class_ids": [0, 2]}, ys, cls),
        ("MeanIoU", {"num_classes": 5, "ignore_class": 0}, ys, cls),
        ("BinaryIoU", {}, yb[:, 0], pb[:, 0]),
        ("OneHotMeanIoU", {"num_classes": 5}, yc, pc),
        ("OneHotIoU", {"num_classes": 5, "target_class_ids": [1]}, yc, pc),
        ("Hinge", {}, yb, pb * 2 - 1),
        ("SquaredHinge", {}, yb, pb * 2 - 1),
        ("CategoricalHinge", {}, yc, pc),
        ("KLDivergence", {}, yc, pc / pc.sum(-1, keepdims=True)),
        ("Poisson", {}, np.abs(yr), np.abs(pr)),
    ]


@pytest.mark.filterwarnings("ignore:You are passing weight as `float`")
def test_against_keras_batch_by_batch_weighted_and_configs():
    pytest.importorskip("tensorflow")
    import keras as real

    weights = np.random.default_rng(1).uniform(size=40).astype("float32")
    for name, kwargs, y, p in _keras_cases():
        for w in (None, weights):
            if w is not None and "IoU" in name:
                w = (w * 3).round().astype("float32")  # the IoU matrix counts in int64
            theirs, ours = getattr(real.metrics, name)(**kwargs), getattr(M, name)(**kwargs)
            for part in (slice(0, 17), slice(17, 40)):
                wp = None if w is None else w[part]
                theirs.update_state(y[part], p[part], sample_weight=wp)
                ours.update_state(y[part], p[part], sample_weight=wp)
            a, b = np.asarray(theirs.result()), np.asarray(ours.result())
            assert a.shape == b.shape, (name, kwargs)
            np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6, err_msg=f"{name} {kwargs}")
            want, got = theirs.get_config(), ours.get_config()
            want.pop("name"), got.pop("name")
            if want.get("label_weights") is not None:
                want["label_weights"] = np.asarray(want["label_weights"]).tolist()
            assert got == want, (name, kwargs)
