"""`keras.utils.Progbar`: Keras 3's progress bar (its own module: `get_file` shows one too)."""

import math
import sys
import time

import numpy as np

__all__ = ["Progbar"]


def _format_time(seconds, unit):
    if seconds >= 1 or seconds == 0:
        return f" {seconds:.0f}s/{unit}"
    if seconds >= 1e-3:
        return f" {seconds * 1000.0:.0f}ms/{unit}"
    return f" {seconds * 1e6:.0f}us/{unit}"


def _format_value(v):
    v = float(np.mean(v))  # a metric with one value per class (F1Score) shows their mean
    return f" {v:.4f}" if abs(v) > 1e-3 else f" {v:.4e}"


class Progbar:
    """Keras 3's progress bar: with verbose=1 a bar redrawn at most every `interval` seconds
    and on the last step, with verbose=2 one line at the end.

        1/7 ━━━━━━━━━━━━━━━━━━━━ 0s 26ms/step - loss: 6.8171 - mae: 2.0807

    Args:
        target: the number of steps (None if unknown).
        width: the bar's width in characters.
        verbose: 0 (silent), 1 (bar) or 2 (one line when finished).
        interval: the least time between two redraws, in seconds.
        stateful_metrics: names whose values are shown as given (the others are averaged
            over the updates); None shows every value as given, as Keras's fit.
        unit_name: "step" or "sample".
    """

    def __init__(
        self, target, width=20, verbose=1, interval=0.05, stateful_metrics=None, unit_name="step"
    ):
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stateful_metrics = stateful_metrics
        self._values = {}
        self._seen_so_far = 0
        self._start = time.time()
        self._last_update = 0.0
        self._time_after_first_step = None
        self._prev_total_width = 0
        self._dynamic = (
            (hasattr(sys.stdout, "isatty") and sys.stdout.isatty())
            or "ipykernel" in sys.modules
            or "posix" in sys.modules
        )

    def update(self, current, values=None, finalize=None):
        """Shows step `current` with `values`, a list of (name, value) pairs."""
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        for k, v in values or ():
            if self.stateful_metrics is not None and k not in self.stateful_metrics:
                base = max(current - self._seen_so_far, 1)
                total, count = self._values.get(k, (0.0, 0))
                self._values[k] = (total + np.asarray(v, np.float64) * base, count + base)
            else:
                self._values[k] = (v, 1)
        self._seen_so_far = current
        now = time.time()
        if self.verbose == 1:
            if now - self._last_update < self.interval and not finalize:
                return
            self._draw(current, now, finalize)
        elif self.verbose == 2 and finalize and self.target:
            digits = int(math.log10(self.target)) + 1
            info = f"{current:{digits}d}/{self.target} - {now - self._start:.0f}s -"
            info += _format_time(self._step_time(current, now), self.unit_name)
            for k, (total, count) in self._values.items():
                info += f" - {k}:" + _format_value(total / max(1, count))
            sys.stdout.write(info + "\n")
            sys.stdout.flush()
        self._last_update = now

    def _step_time(self, current, now):
        if not current:
            return 0
        if self._time_after_first_step is not None and current > 1:
            per = (now - self._time_after_first_step) / (current - 1)
        else:
            per = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return per

    def _draw(self, current, now, finalize):
        per = self._step_time(current, now)
        message = ("\b" * self._prev_total_width + "\r") if self._dynamic else "\n"
        special = 0
        if self.target:
            digits = int(math.log10(self.target)) + 1
            bar = f"\x1b[1m{current:{digits}d}/{self.target}\x1b[0m "
            special += 8
            done = int(self.width * current / self.target)
            if done > 0:
                bar += f"\x1b[32m{'━' * done}\x1b[0m"
                special += 9
            bar += f"\x1b[37m{'━' * (self.width - done)}\x1b[0m"
            special += 9
        else:
            bar = f"{current:7d}/Unknown"
        if self.target and not finalize:
            eta = per * (self.target - current)
            if eta > 3600:
                eta_text = f"{int(eta // 3600)}:{int(eta % 3600 // 60):02d}:{int(eta % 60):02d}"
            elif eta > 60:
                eta_text = f"{int(eta // 60)}:{int(eta % 60):02d}"
            else:
                eta_text = f"{int(eta)}s"
            info = f" \x1b[1m{eta_text}\x1b[0m"
        else:
            info = f" \x1b[1m{now - self._start:.0f}s\x1b[0m"
        special += 8
        info += _format_time(per, self.unit_name)
        for k, (total, count) in self._values.items():
            info += f" - {k}:" + _format_value(total / max(1, count))
        message += bar + info
        width = len(bar) + len(info) - special
        if self._prev_total_width > width:
            message += " " * (self._prev_total_width - width)
        if finalize:
            message += "\n"
        sys.stdout.write(message)
        sys.stdout.flush()
        self._prev_total_width = width

    def add(self, n, values=None):
        self.update(self._seen_so_far + n, values)
