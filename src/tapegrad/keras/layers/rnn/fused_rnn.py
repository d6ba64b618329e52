"""`FusedRNN`: what SimpleRNN, LSTM and GRU share: the layer reads its cell's arguments, runs the
cell's whole sequence as one fused recurrence where `rnn_backend` has it (else step by step),
and saves the cell's config as its own, as Keras's layers do."""

from ... import regularizers
from .cell_utils import CellAttributes, cell_layer_config, input_dropout
from .rnn import RNN

__all__ = ["FusedRNN"]


class FusedRNN(CellAttributes, RNN):
    """A recurrent layer around one of Keras's cells (`cell_class`)."""

    cell_class = None

    def fused(self, sequences, initial_state, mask):
        """The whole sequence through `rnn_backend` (raises NotImplementedError where the
        cell's configuration is not the fused one)."""
        raise NotImplementedError

    def inner_loop(self, sequences, initial_state, mask, training=False):
        cell = self.cell
        if type(cell) is self.cell_class and not (training and cell.recurrent_dropout):
            try:
                return self.fused(input_dropout(cell, sequences, training), initial_state, mask)
            except NotImplementedError:
                pass
        return super().inner_loop(sequences, initial_state, mask, training)

    def call(self, sequences, initial_state=None, mask=None, training=False):
        self._check_rank(sequences)
        return super().call(sequences, initial_state=initial_state, mask=mask, training=training)

    def get_config(self):
        config = {**super().get_config(), **cell_layer_config(self.cell)}
        config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        del config["cell"]
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)
