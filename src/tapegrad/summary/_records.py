"""TensorBoard event files, written by hand: `Event` protobufs in TFRecord framing.

A record is `uint64 length, uint32 masked_crc32c(length), data, uint32 masked_crc32c(data)`,
all little-endian (TensorFlow's `RecordWriter`). The first record of a file is an Event holding
`file_version: "brain.Event:2"`; each summary is an Event of `wall_time`, `step` and a `Summary`
of one `Value(tag, tensor, metadata)`, as TensorFlow 2's `SummaryFileWriter` writes it.
"""

import itertools
import os
import socket
import struct
import threading
import time
import weakref

import numpy as np

from ..io._files import proto_field, tensor_proto, varint

__all__ = ["EventFile", "crc32c", "masked_crc32c", "summary_proto", "tfrecord"]


def _crc32c_table():
    # CRC-32C (Castagnoli), reflected polynomial 0x82F63B78: what TFRecord checksums use
    # (zlib's crc32 is a different polynomial). The table is built once, with NumPy.
    table = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        table = np.where(table & 1, (table >> 1) ^ np.uint32(0x82F63B78), table >> 1)
    return [int(v) for v in table]


_TABLE = _crc32c_table()


def crc32c(data):
    """The CRC-32C checksum of `data` (bytes)."""
    crc = 0xFFFFFFFF
    table = _TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data):
    """TFRecord's masked checksum: the CRC rotated right by 15 bits plus a constant, so that
    a CRC over data that itself holds CRCs stays well distributed."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def tfrecord(data):
    """`data` framed as one TFRecord."""
    length = struct.pack("<Q", len(data))
    return (length + struct.pack("<I", masked_crc32c(length)) + data
            + struct.pack("<I", masked_crc32c(data)))


def summary_proto(tag, tensor, metadata=b""):
    """A `Summary` of one `Value`: tag (field 1), tensor (8), metadata (9, only when given:
    TensorFlow's writer leaves it out for empty serialized metadata)."""
    value = proto_field(1, tag.encode("utf-8")) if tag else b""
    value += proto_field(8, tensor_proto(tensor))
    if metadata:
        value += proto_field(9, metadata)
    return proto_field(1, value)


def _event(wall_time, step=0, file_version=None, summary=None):
    # Event fields: wall_time 1 (double), step 2 (int64; proto3 leaves out 0), file_version 3,
    # summary 5, source_metadata 10 (its `writer` names the program that wrote the file).
    out = b"\x09" + struct.pack("<d", wall_time)
    if step:
        out += b"\x10" + varint(step)
    if file_version is not None:
        out += proto_field(3, file_version) + proto_field(10, proto_field(1, b"tapegrad"))
    if summary is not None:
        out += proto_field(5, summary)
    return out


_FILE_IDS = itertools.count()  # TensorFlow numbers the event files of a process from 0


def _close_file(handle, pending, lock):
    with lock:
        if handle.closed:
            return
        handle.write(b"".join(pending))
        pending.clear()
        handle.close()


class EventFile:
    """One `events.out.tfevents.<seconds>.<host>.<pid>.<n><suffix>` file in `logdir`, with the
    queue of TensorFlow's writer: events are written when more than `max_queue` wait or
    `flush_millis` have passed since the last flush, at `flush()` and at `close()` (and when
    the writer is garbage collected or the program exits)."""

    def __init__(self, logdir, max_queue=10, flush_millis=120000, filename_suffix=".v2"):
        os.makedirs(logdir, exist_ok=True)
        name = (f"events.out.tfevents.{int(time.time()):010d}.{socket.gethostname()}."
                f"{os.getpid()}.{next(_FILE_IDS)}{filename_suffix}")
        self.path = os.path.join(logdir, name)
        self._max_queue = max_queue
        self._flush_seconds = flush_millis / 1000.0
        self._lock = threading.Lock()
        self._pending = []
        self._handle = open(self.path, "wb")  # noqa: SIM115 (open as long as the writer)
        self._finalizer = weakref.finalize(self, _close_file, self._handle, self._pending,
                                           self._lock)
        self._last_flush = time.monotonic()
        self._pending.append(tfrecord(_event(time.time(), file_version=b"brain.Event:2")))
        self.flush()  # the file and its version record exist as soon as the writer does

    @property
    def closed(self):
        return self._handle.closed

    def add_summary(self, step, summary):
        """Queues an Event holding `summary` (the bytes of a Summary protobuf) at `step`."""
        event = _event(time.time(), step, summary=summary)
        with self._lock:
            if self._handle.closed:
                return
            self._pending.append(tfrecord(event))
            due = time.monotonic() - self._last_flush > self._flush_seconds
            if len(self._pending) > self._max_queue or due:
                self._flush_locked()

    def flush(self):
        """Writes the queued events to disk."""
        with self._lock:
            if not self._handle.closed:
                self._flush_locked()

    def _flush_locked(self):
        self._handle.write(b"".join(self._pending))
        self._pending.clear()
        self._handle.flush()
        self._last_flush = time.monotonic()

    def close(self):
        """Flushes and closes the file; later events are dropped."""
        self._finalizer()
