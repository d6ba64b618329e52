"""The metrics `compile` sets up, as Keras 3 keeps them: one `CompileMetrics` container in
`model.metrics` (after the loss tracker), whose `result()` is a dict of the metrics' values, and
the order in which `evaluate` lists their values.
"""

import numpy as np

from .. import metrics as metrics_module
from ..tree import flatten

__all__ = ["CompileMetrics", "flatten_metrics_in_order"]


def _is_binary_loss(loss):
    name = getattr(loss, "__name__", None) or getattr(loss, "name", "")
    return "binary" in str(name)


def get_metric(identifier, y_true, y_pred, loss=None):
    """A Metric for `identifier`, named as Keras names it: "accuracy" / "acc" become Binary-,
    Sparse- or CategoricalAccuracy by the shapes of the data (or a binary loss), a string keeps
    its own name, anything else the metric's or function's name."""
    if identifier is None:
        raise ValueError("Expected metric, received `None`")
    if str(identifier).lower() in ("accuracy", "acc"):
        t_rank, p_rank = np.ndim(y_true), np.ndim(y_pred)
        p_last = np.shape(y_pred)[-1] if p_rank else 1
        t_last = np.shape(y_true)[-1] if t_rank else 1
        if _is_binary_loss(loss) or p_last == 1:
            metric = metrics_module.BinaryAccuracy(name=str(identifier))
        elif t_rank < p_rank or (t_last == 1 and p_last > 1):
            metric = metrics_module.SparseCategoricalAccuracy(name=str(identifier))
        else:
            metric = metrics_module.CategoricalAccuracy(name=str(identifier))
        return metric
    metric = metrics_module.get(identifier)
    if not isinstance(metric, metrics_module.Metric):
        metric = metrics_module.MeanMetricWrapper(metric)
    if isinstance(identifier, str):
        metric.name = identifier
    return metric


class _MetricsList:
    """The metrics of one output, and that output's name (which prefixes theirs)."""

    def __init__(self, metrics, output_name=None):
        self.metrics = metrics
        self.output_name = output_name


class CompileMetrics(metrics_module.Metric):
    """The container of the metrics given to `compile`: `model.metrics` lists it after the
    loss tracker, `update_state(y, y_pred, sample_weight)` updates them all (`metrics`
    unweighted, `weighted_metrics` with the sample weights), and `result()` returns their
    values as a dict, a repeated name made unique ("mae", "mae_1"; a weighted metric named as
    an unweighted one becomes "weighted_<name>").

    The metrics are made on the first update, when the data's shapes are known ("accuracy"
    depends on them); before that `metrics` is empty.

    Args:
        metrics, weighted_metrics: as `compile`'s: a list for a single output (or one entry per
            output), or a dict by output name.
        output_names: the model's output names (its output layers' names), for dicts and for
            naming the metrics of several outputs.
        loss: the compiled loss ("accuracy" is binary accuracy with a binary loss).
    """

    def __init__(self, metrics, weighted_metrics, output_names=None, loss=None):
        super().__init__(name="compile_metrics")
        self._user_metrics = metrics
        self._user_weighted_metrics = weighted_metrics
        self.output_names = list(output_names or [])
        self._loss = loss
        self.built = False
        self._flat_metrics = []
        self._flat_weighted_metrics = []

    @property
    def metrics(self):
        """The metrics, unweighted then weighted (empty until the first update)."""
        out = []
        for lst in self._flat_metrics + self._flat_weighted_metrics:
            if lst is not None:
                out.extend(lst.metrics)
        return out

    @property
    def variables(self):
        return [v for m in self.metrics for v in m.variables]

    def build(self, y_true, y_pred):
        """Makes the metrics for the data's structure and shapes."""
        n = len(flatten(y_pred))
        names = self.output_names if len(self.output_names) == n else [None] * n
        self._flat_metrics = self._metrics_set(self._user_metrics, n, names, y_true, y_pred)
        self._flat_weighted_metrics = self._metrics_set(
            self._user_weighted_metrics, n, names, y_true, y_pred, "weighted_metrics"
        )
        self.built = True

    def _metrics_set(self, metrics, n, names, y_true, y_pred, what="metrics"):
        if not metrics:
            return [None] * n
        trues, preds = flatten(y_true), flatten(y_pred)
        if n == 1:  # one output: every metric applies to it, unprefixed
            return [self._list(flatten(metrics), trues[0], preds[0], None)]
        if isinstance(metrics, dict):
            unknown = set(metrics) - {name for name in names if name}
            if unknown:
                raise ValueError(
                    f"compile: `{what}` is a dict with keys {sorted(metrics)}, but the model's "
                    f"outputs are named {[name for name in names if name]}. Received: "
                    f"{what}={metrics}"
                )
            per_output = [metrics.get(name) for name in names]
        elif len(metrics) == n:
            per_output = list(metrics)
        else:
            raise ValueError(
                f"compile: the model has {n} outputs, so `{what}` must be a list with one entry "
                f"per output (a metric, a list of metrics or None) or a dict by output name "
                f"{[name for name in names if name]}. Received: {what}={metrics}"
            )
        return [
            None if m is None else self._list(flatten([m]), yt, yp, name)
            for m, yt, yp, name in zip(per_output, trues, preds, names)
        ]

    def _list(self, identifiers, y_true, y_pred, output_name):
        metrics = [get_metric(i, y_true, y_pred, self._loss) for i in identifiers]
        return _MetricsList(metrics, output_name)

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Updates every metric on its output: `metrics` without sample weights, and
        `weighted_metrics` with them."""
        if not self.built:
            self.build(y_true, y_pred)
        trues, preds = flatten(y_true), flatten(y_pred)
        for lst, yt, yp in zip(self._flat_metrics, trues, preds):
            if lst is not None:
                for m in lst.metrics:
                    m.update_state(yt, yp)
        weights = [None] * len(preds) if sample_weight is None else flatten(sample_weight)
        if len(weights) < len(preds):  # one weight array for every output
            weights = weights[:1] * len(preds)
        for lst, yt, yp, sw in zip(self._flat_weighted_metrics, trues, preds, weights):
            if lst is not None:
                for m in lst.metrics:
                    m.update_state(yt, yp, sample_weight=sw)

    def reset_state(self):
        for m in self.metrics:
            m.reset_state()

    def result(self):
        """The metrics' values by name, as Keras names them in the logs.

        Raises:
            ValueError: before the first update (the metrics do not exist yet).
        """
        if not self.built:
            raise ValueError("Cannot get result() since the metric has not yet been built.")
        results, seen = {}, {}
        for lst in self._flat_metrics:
            for m in () if lst is None else lst.metrics:
                name = f"{lst.output_name}_{m.name}" if lst.output_name else m.name
                if name in seen:
                    seen[name] += 1
                    name = f"{name}_{seen[name] - 1}"
                else:
                    seen[name] = 1
                results[name] = m.result()
        for lst in self._flat_weighted_metrics:
            for m in () if lst is None else lst.metrics:
                prefix = f"{lst.output_name}_" if lst.output_name else ""
                name = prefix + m.name
                if name in seen:
                    name = f"{prefix}weighted_{m.name}"
                    if name in seen:
                        seen[name] += 1
                        name = f"{name}_{seen[name] - 1}"
                    else:
                        seen[name] = 1
                else:
                    seen[name] = 1
                results[name] = m.result()
        return results

    def get_config(self):
        raise NotImplementedError("CompileMetrics has no config: compile() makes it.")


def flatten_metrics_in_order(model, logs):
    """`evaluate`'s list: the values in the order of `model.metrics` (a CompileMetrics
    expanded into its metrics' names), then any other log in sorted order; a lone value is
    returned as it is."""
    names = []
    for metric in model.metrics:
        if isinstance(metric, CompileMetrics):
            names.extend(m.name for m in metric.metrics)
        else:
            names.append(metric.name)
    results = [logs[name] for name in names if name in logs]
    results.extend(logs[key] for key in sorted(logs) if key not in names)
    return results[0] if len(results) == 1 else results
