"""`tf.summary`: TensorBoard summaries written to event files TensorBoard reads.

    writer = tf.summary.create_file_writer("logs/train")
    with writer.as_default():
        for step in range(100):
            tf.summary.scalar("loss", loss_at(step), step=step)

Summaries go to the default writer of the thread (`writer.as_default()`); with none, a summary
writes nothing and returns False. The files are TensorFlow's: TFRecords of `Event` protobufs,
one `events.out.tfevents.*` file per writer, with TensorBoard's v2 tensor summaries.
"""

from . import experimental
from ._plugins import histogram, image, scalar, text
from ._writer import (
    SummaryWriter,
    create_file_writer,
    create_noop_writer,
    flush,
    record_if,
    should_record_summaries,
    write,
)

__all__ = [  # and the namespace `experimental`
    "SummaryWriter", "create_file_writer", "create_noop_writer", "flush", "histogram", "image",
    "record_if", "scalar", "should_record_summaries", "text", "write",
]
