"""A small reader of TensorBoard event files for the tests, independent of tapegrad's writer:
its own CRC-32C (bit by bit), TFRecord unframing and protobuf decoding (event.proto,
summary.proto, tensor.proto field numbers)."""

import glob
import os
import re
import struct

import numpy as np


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def _masked(data):
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def records(path):
    """The records of a TFRecord file, each checksum checked."""
    with open(path, "rb") as f:
        data = f.read()
    out, pos = [], 0
    while pos < len(data):
        header = data[pos:pos + 8]
        (length,), (length_crc,) = struct.unpack("<Q", header), struct.unpack_from(
            "<I", data, pos + 8)
        assert length_crc == _masked(header), f"{path}: bad length checksum at {pos}"
        body = data[pos + 12:pos + 12 + length]
        (body_crc,) = struct.unpack_from("<I", data, pos + 12 + length)
        assert body_crc == _masked(body), f"{path}: bad data checksum at {pos}"
        out.append(body)
        pos += 16 + length
    return out


def _varint(data, pos):
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, pos


def fields(data):
    """(field number, value) pairs of a protobuf message: ints for varints, bytes for
    length-delimited fields, raw 8 bytes for fixed64."""
    pos, out = 0, []
    while pos < len(data):
        key, pos = _varint(data, pos)
        wire = key & 7
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire == 1:
            value, pos = data[pos:pos + 8], pos + 8
        elif wire == 2:
            size, pos = _varint(data, pos)
            value, pos = data[pos:pos + size], pos + size
        elif wire == 5:
            value, pos = data[pos:pos + 4], pos + 4
        else:
            raise AssertionError(f"wire type {wire}")
        out.append((key >> 3, value))
    return out


_DTYPES = {1: np.float32, 2: np.float64, 3: np.int32, 4: np.uint8, 7: object, 9: np.int64,
           10: np.bool_}


def tensor(data):
    """A TensorProto's value as a NumPy array."""
    dtype, dims, content, strings = None, [], b"", []
    for number, value in fields(data):
        if number == 1:
            dtype = _DTYPES[value]
        elif number == 2:
            dims = [dict(fields(d)).get(1, 0) for n, d in fields(value) if n == 2]
        elif number == 4:
            content = value
        elif number == 8:
            strings.append(value)
    if dtype is object:
        arr = np.empty(len(strings), dtype=object)
        arr[:] = strings
        return arr.reshape(dims)
    return np.frombuffer(content, np.dtype(dtype).newbyteorder("<")).reshape(dims)


def events(path):
    """The events of a file as dicts: wall_time, step, and file_version or summary values
    (tag, plugin, content, description, tensor)."""
    out = []
    for body in records(path):
        event = {"step": 0, "values": []}
        for number, value in fields(body):
            if number == 1:
                event["wall_time"] = struct.unpack("<d", value)[0]
            elif number == 2:
                event["step"] = value - (1 << 64) if value >= 1 << 63 else value
            elif number == 3:
                event["file_version"] = value.decode()
            elif number == 10:
                event["writer"] = dict(fields(value)).get(1, b"").decode()
            elif number == 5:
                for n, v in fields(value):
                    assert n == 1
                    event["values"].append(_value(v))
        out.append(event)
    return out


def _value(data):
    value = {"tag": "", "plugin": None, "content": b"", "description": ""}
    for number, v in fields(data):
        if number == 1:
            value["tag"] = v.decode()
        elif number == 8:
            value["tensor"] = tensor(v)
        elif number == 9:
            for n, m in fields(v):
                if n == 1:
                    plugin = dict(fields(m))
                    value["plugin"] = plugin.get(1, b"").decode()
                    value["content"] = plugin.get(2, b"")
                elif n == 3:
                    value["description"] = m.decode()
    return value


_NAME = re.compile(r"events\.out\.tfevents\.(\d+)\.(.+)\.(\d+)\.(\d+)(.*)$")


def event_files(logdir):
    """The event files in `logdir`, oldest first (by the seconds and the process's counter
    in their names)."""
    def key(path):
        match = _NAME.match(os.path.basename(path))
        return (int(match[1]), int(match[4])) if match else (0, 0)

    return sorted(glob.glob(os.path.join(str(logdir), "events.out.tfevents.*")), key=key)


def summaries(logdir):
    """(step, tag, plugin, value) of every summary in `logdir`'s event files, in order."""
    out = []
    for path in event_files(logdir):
        for event in events(path):
            for v in event["values"]:
                out.append((event["step"], v["tag"], v["plugin"], v["tensor"]))
    return out


def scalars(logdir):
    """{tag: [(step, value), ...]} of the scalar summaries in `logdir`."""
    out = {}
    for step, tag, plugin, value in summaries(logdir):
        if plugin == "scalars":
            out.setdefault(tag, []).append((step, float(value)))
    return out
