"""`keras.callbacks.Callback`, the base of the callbacks (in its own module, so that the
callbacks built on it, in `callbacks.py` and `_callbacks.py`, import it from below)."""

__all__ = ["Callback"]


class Callback:
    """Base class: override any of the `on_*` hooks. `self.model` and `self.params` are set by
    `fit` (params: epochs, steps, verbose)."""

    def __init__(self):
        self.model = None
        self.params = {}

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs=logs)

    def on_batch_begin(self, batch, logs=None):
        """tf.keras 2's name of `on_train_batch_begin` (called by it)."""

    def on_batch_end(self, batch, logs=None):
        """tf.keras 2's name of `on_train_batch_end` (called by it)."""

    def on_test_begin(self, logs=None):
        pass

    def on_test_end(self, logs=None):
        pass

    def on_test_batch_begin(self, batch, logs=None):
        pass

    def on_test_batch_end(self, batch, logs=None):
        pass

    def on_predict_begin(self, logs=None):
        pass

    def on_predict_end(self, logs=None):
        pass

    def on_predict_batch_begin(self, batch, logs=None):
        pass

    def on_predict_batch_end(self, batch, logs=None):
        pass
