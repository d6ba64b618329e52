"""`tf.summary.scalar`, `histogram`, `text` and `image`: TensorBoard's v2 summaries (its
`plugins/*/summary_v2.py`), each a tensor in the layout its dashboard reads, written with the
plugin's metadata by `tf.summary.write`."""

import numpy as np

from .._core import dtypes as _dt
from .._core.errors import InvalidArgumentError
from .._core.tensor import Tensor, convert_to_tensor
from .._impl.array_ops import cast, reshape
from .._impl.control_ops import stop_gradient
from .._impl.image_ops import convert_image_dtype
from ..io._files import proto_field
from ..io._image import encode_png
from ._writer import summary_scope, write_lazily

__all__ = ["histogram", "image", "scalar", "text"]

DEFAULT_BUCKET_COUNT = 30


def _metadata(plugin_name, description):
    # SummaryMetadata: plugin_data 1 {plugin_name 1, content 2}, summary_description 3. The
    # plugins' data protos at version 0 serialize to nothing, so `content` is left out.
    out = proto_field(1, proto_field(1, plugin_name))
    if description:
        out += proto_field(3, description.encode("utf-8"))
    return out


def scalar(name, data, step=None, description=None):
    """Writes a scalar summary (the Scalars dashboard), as float32.

    Args:
        name: the summary's name; its tag is the name under the current name scopes.
        data: a real number, or a scalar tensor castable to float32.
        step: an int64-castable step; None uses `tf.summary.experimental.get_step()`.
        description: an optional longer description (Markdown).

    Returns:
        True (a bool tensor) when written, False when there is no default writer or the
        `record_if` condition does not hold.

    Raises:
        ValueError: `data` is not a scalar, or a summary is recorded without a step.
        UnimplementedError: `data` is a string.

    Example:
        >>> writer = tf.summary.create_file_writer("/tmp/logs")
        >>> with writer.as_default():
        ...     ok = tf.summary.scalar("loss", 0.25, step=1)
    """
    with summary_scope(name, "scalar_summary") as (tag, _):
        t = convert_to_tensor(data)
        if t.shape.rank != 0:
            raise ValueError(
                f"Expected scalar shape, saw shape: {tuple(t.shape.as_list())}. "
                f"(tf.summary.scalar {tag!r}: reduce the values to one number, e.g. with "
                "tf.reduce_mean, or write them with tf.summary.histogram)")
        return write_lazily(tag, cast(t, _dt.float32), None, step,
                            _metadata(b"scalars", description))


def text(name, data, step=None, description=None):
    """Writes a text summary (the Text dashboard): a string tensor of any shape, Markdown.

    Args:
        name, step, description: as `scalar`'s.
        data: a string, or a string tensor of any shape (shown as a table).

    Returns:
        True (a bool tensor) when written, else False.

    Raises:
        TypeError: `data` is not a string tensor.
    """
    with summary_scope(name, "text_summary") as (tag, _):
        t = convert_to_tensor(data)
        if t.dtype != _dt.string:
            raise TypeError(f"tensor must be of type tf.string; got tf.{t.dtype.name} "
                            f"(tf.summary.text {tag!r}: format numbers with "
                            "tf.strings.as_string)")
        return write_lazily(tag, t, None, step, _metadata(b"text", description))


def histogram(name, data, step=None, buckets=None, description=None):
    """Writes a histogram of all the values of `data` (the Histograms and Distributions
    dashboards): `buckets` (30) equal-width buckets from its minimum to its maximum, as a
    float64 tensor of rows `[left_edge, right_edge, count]`, computed only when recorded.

    If all the values are equal, every edge is that value and the last bucket counts them
    all; with no values, every row is zeros.

    Args:
        name, step, description: as `scalar`'s.
        data: a tensor of any shape castable to float64 (a variable: its value now).
        buckets: an int32 scalar, the number of buckets (30).

    Returns:
        True (a bool tensor) when written, else False.

    Raises:
        TypeError: `buckets` is not an int32 scalar (when recorded).
        UnimplementedError: `data` is a string tensor (when recorded).
    """
    data = stop_gradient(convert_to_tensor(data))
    with summary_scope(name, "histogram_summary") as (tag, _):
        return write_lazily(tag, data, lambda d: _buckets(d, buckets), step,
                            _metadata(b"histograms", description))


def _buckets(data, bucket_count=None):
    # TensorBoard's _buckets, in float64: the width is range / k, an index floor(offset /
    # width) clamped to k - 1, and the edges TensorFlow's linspace (start + i * width) with
    # the last edge set to the maximum exactly.
    k = DEFAULT_BUCKET_COUNT
    if bucket_count is not None:
        count = convert_to_tensor(bucket_count)
        if count.dtype != _dt.int32 or count.shape.rank != 0:
            raise TypeError(f"tf.summary.histogram: buckets must be a scalar of type tf.int32, "
                            f"got {count.dtype.name} of shape {tuple(count.shape.as_list())}")
        k = max(0, int(np.asarray(count)))
    x = np.asarray(cast(reshape(convert_to_tensor(data), [-1]), _dt.float64))
    if x.size == 0 or k == 0:
        return Tensor(np.zeros((k, 3)))
    lo, hi = x.min(), x.max()
    span = hi - lo
    if span == 0:
        edges = np.full(k, hi)
        counts = np.zeros(k)
        counts[-1] = x.size
        return Tensor(np.stack([edges, edges, counts], axis=1))
    width = span / float(k)
    with np.errstate(invalid="ignore"):  # NaN values fall in no bucket, as one_hot's
        index = np.minimum(np.floor((x - lo) / width), k - 1)
    index = index[(index >= 0) & (index < k)].astype(np.int64)
    counts = np.bincount(index, minlength=k).astype(np.float64)
    edges = np.concatenate([[lo], lo + width * np.arange(1, k, dtype=np.float64), [hi]])
    return Tensor(np.stack([edges[:-1], edges[1:], counts], axis=1))


def image(name, data, step=None, max_outputs=3, description=None):
    """Writes up to `max_outputs` images (the Images dashboard), PNG-encoded.

    Args:
        name, step, description: as `scalar`'s.
        data: a tensor of shape (k, height, width, channels), channels 1 to 4; floats are
            taken in [0, 1] (converted to uint8 with saturation), integers in their range.
        max_outputs: the most images to write (the first ones).

    Returns:
        True (a bool tensor) when written, else False.

    Raises:
        ValueError: `data` is not of rank 4 (when recorded).
        InvalidArgumentError: a channel count other than 1 to 4, or a negative
            `max_outputs` (when recorded).

    The written tensor is `[width, height, png_1, ...]` as strings, computed only when
    recorded; a wrong rank or channel count raises then, as TensorFlow's.
    """
    with summary_scope(name, "image_summary") as (tag, _):
        return write_lazily(tag, data, lambda d: _encoded_images(d, max_outputs, tag), step,
                            _metadata(b"images", description))


def _encoded_images(data, max_outputs, tag):
    t = convert_to_tensor(data)
    if t.shape.rank != 4:
        raise ValueError(f"Tensor  must have rank 4.  Received rank {t.shape.rank}, shape "
                         f"{tuple(t.shape.as_list())} (tf.summary.image {tag!r}: give a batch "
                         "of images, shape (k, height, width, channels))")
    limit = int(np.asarray(max_outputs))
    if limit < 0:
        raise InvalidArgumentError(f"tf.summary.image {tag!r}: max_outputs must be "
                                   f"non-negative, got {limit}")
    _, height, width, channels = t.shape.as_list()
    if channels not in (1, 2, 3, 4):
        raise InvalidArgumentError(f"image must have 1, 2, 3, or 4 channels, got {channels} "
                                   f"(tf.summary.image {tag!r})")
    images = np.asarray(convert_image_dtype(t, _dt.uint8, saturate=True))[:limit]
    out = [str(width).encode(), str(height).encode()]
    out += [np.asarray(encode_png(img))[()] for img in images]
    values = np.empty(len(out), dtype=object)
    values[:] = out
    return Tensor(values)
