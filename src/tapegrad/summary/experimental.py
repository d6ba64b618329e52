"""`tf.summary.experimental`: the default step, summary name scopes and raw Summary protos."""

from ._writer import get_step, set_step, summary_scope, write_raw_pb

__all__ = ["get_step", "set_step", "summary_scope", "write_raw_pb"]
