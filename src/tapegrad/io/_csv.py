"""CSV records to columns with TensorFlow's rules (`tf.io.decode_csv`, `CsvDataset`).

A record splits at `field_delim`; with `use_quote_delim` a field may be quoted ("a,b", with ""
for a quote inside). An empty field, or one equal to `na_value`, takes its column's default;
a column without a default (an empty `record_defaults` entry) is required. Numbers parse as
TensorFlow's parsers do (see `tapegrad.strings.parse_number`).
"""

import numpy as np

from .._core import dtypes as _dt
from .._core.errors import InvalidArgumentError
from .._core.tensor import Tensor, convert_to_tensor
from .._impl.string_ops import parse_number, string_values

__all__ = ["decode_csv", "column_defaults", "parse_records"]

_ALLOWED = (_dt.float32, _dt.float64, _dt.int32, _dt.int64, _dt.string)


def column_defaults(record_defaults, op="tf.io.decode_csv"):
    """[(NumPy dtype, default value or None when required)] from `record_defaults`."""
    out = []
    for i, d in enumerate(record_defaults):
        if isinstance(d, _dt.DType):  # CsvDataset also takes dtypes: a required column
            dtype, value = d, None
        else:
            if isinstance(d, (list, tuple)) and any(isinstance(v, Tensor) for v in d):
                d = np.asarray([np.asarray(v) for v in d])  # [tf.constant(0, tf.int64)]
            t = d if isinstance(d, Tensor) else convert_to_tensor(d)
            if t.ndim > 1:
                raise InvalidArgumentError(f"{op}: each record default should be at most rank "
                                           f"1; default {i} has shape {t.shape}")
            values = np.asarray(t).reshape(-1)
            if values.size > 1:
                raise InvalidArgumentError(f"{op}: there should only be 1 default per field but "
                                           f"field {i} has {values.size}")
            dtype, value = t.dtype, (values[0] if values.size else None)
        if dtype not in _ALLOWED:
            raise InvalidArgumentError(
                f"{op}: field {i} has dtype {dtype.name}; CSV columns must be float32, float64, "
                "int32, int64 or string")
        out.append((dtype._np, value))
    return out


def _split_quoted(rec, delim, index):
    fields, pos, n = [], 0, len(rec)
    while True:
        if rec[pos:pos + 1] == b'"':
            parts, j = [], pos + 1
            while True:
                k = rec.find(b'"', j)
                if k < 0:
                    raise InvalidArgumentError(
                        f"Quoted field has to end with quote followed by delim or end "
                        f"(record {index}: {rec!r})")
                parts.append(rec[j:k])
                if rec[k + 1:k + 2] != b'"':
                    break
                parts.append(b'"')
                j = k + 2
            fields.append(b"".join(parts))
            pos = k + 1
            if pos == n:
                return fields
            if rec[pos:pos + 1] != delim:
                raise InvalidArgumentError(
                    f"Quote inside a string has to be escaped by another quote "
                    f"(record {index}: {rec!r})")
            pos += 1
        else:
            k = rec.find(delim, pos)
            field = rec[pos:] if k < 0 else rec[pos:k]
            if b'"' in field or b"\n" in field or b"\r" in field:
                raise InvalidArgumentError(
                    f"Unquoted fields cannot have quotes/CRLFs inside (record {index}: {rec!r})")
            fields.append(field)
            if k < 0:
                return fields
            pos = k + 1


def _split(records, delim, use_quote_delim, empty_has_no_fields):
    if not use_quote_delim:
        return [r.split(delim) if r or not empty_has_no_fields else [] for r in records]
    out = []
    for i, r in enumerate(records):
        if not r:
            out.append([] if empty_has_no_fields else [b""])
        elif b'"' in r or b"\n" in r or b"\r" in r:
            out.append(_split_quoted(r, delim, i))
        else:
            out.append(r.split(delim))
    return out


def _column(fields, col, dtype, default, na, records_offset):
    """One column's fields (a list of bytes) as an array of `dtype`, with defaults and
    TensorFlow's errors."""
    kind = np.dtype(dtype).kind
    if fields.count(b"") or (na and fields.count(na)):  # list.count runs in C
        missing = [i for i, v in enumerate(fields) if not v or v == na]
        if default is None:
            raise InvalidArgumentError(f"Field {col} is required but missing in record "
                                       f"{missing[0] + records_offset}!")
        if kind == "O":
            default = bytes(default)
        fields = list(fields)
        for i in missing:
            fields[i] = None
    if kind == "O":
        out = np.empty(len(fields), dtype=object)
        out[:] = [default if v is None else v for v in fields]
        return out
    if None not in fields and b"_" not in b"".join(fields):
        # NumPy parses bytes as TensorFlow's strtod/strtol do, but for '_' and hex floats
        try:
            out = np.array(fields, dtype=bytes).astype(
                np.float64 if kind == "f" else np.int64)
            if kind in "iu" and out.size:
                info = np.iinfo(dtype)
                if out.min() < info.min or out.max() > info.max:
                    raise ValueError
            return out.astype(dtype)
        except (ValueError, OverflowError):
            pass
    return np.array([
        default if v is None else parse_number(
            v, dtype, f"Field {col} in record {i + records_offset}")
        for i, v in enumerate(fields)], dtype=dtype)


def _fast_columns(records, delim, n, select_cols):
    """The columns of records without quotes, each split once in C; None when a record
    has the wrong number of fields (the caller then reports it)."""
    counts = [r.count(delim) for r in records]
    if counts.count(n - 1) != len(counts) or (n == 1 and b"" in records):
        return None
    fields = delim.join(records).split(delim)
    return [fields[c::n] for c in (range(n) if select_cols is None else select_cols)]


def parse_records(records, defaults, field_delim=",", use_quote_delim=True, na_value="",
                  select_cols=None, records_offset=0, empty_has_no_fields=True):
    """A list of bytes records to one NumPy array per column (`defaults` from
    `column_defaults`); `select_cols` picks columns by position. An empty record has no
    fields for decode_csv, one empty field for CsvDataset (TensorFlow's two readers)."""
    delim = field_delim.encode() if isinstance(field_delim, str) else bytes(field_delim)
    if len(delim) != 1:
        raise InvalidArgumentError(f"field_delim should be only 1 char, got {field_delim!r}")
    na = na_value.encode() if isinstance(na_value, str) else bytes(na_value)
    n = len(defaults)
    columns = None
    if records and select_cols is None:
        text = b"".join(records)
        if b'"' not in text and b"\n" not in text and b"\r" not in text:
            columns = _fast_columns(records, delim, n, None)
    if columns is None:
        rows = _split(records, delim, use_quote_delim, empty_has_no_fields)
        if select_cols is None:
            for i, row in enumerate(rows):
                if len(row) != n:
                    raise InvalidArgumentError(f"Expect {n} fields but have {len(row)} in "
                                               f"record {i + records_offset}")
            columns = [list(c) for c in zip(*rows)] if rows else [[] for _ in range(n)]
        else:
            need = select_cols[-1] + 1
            for i, row in enumerate(rows):
                if len(row) < need:
                    have = sum(1 for c in select_cols if c < len(row))
                    raise InvalidArgumentError(f"Expect {n} fields but have {have} in record "
                                               f"{i + records_offset}")
            columns = [[row[c] for row in rows] for c in select_cols]
    return [_column(col, j, dtype, default, na, records_offset)
            for j, (col, (dtype, default)) in enumerate(zip(columns, defaults))]


def _check_select_cols(select_cols, n):
    if select_cols is None:
        return None
    select_cols = [int(c) for c in select_cols]
    if any(b <= a for a, b in zip(select_cols, select_cols[1:])):
        raise ValueError("select_cols is not strictly increasing.")
    if select_cols and select_cols[0] < 0:
        raise ValueError("select_cols contains negative values.")
    if len(select_cols) != n:
        raise ValueError("Length of select_cols and record_defaults do not match.")
    return select_cols


def decode_csv(records, record_defaults, field_delim=",", use_quote_delim=True, name=None,
               na_value="", select_cols=None):
    """Parses CSV records (a string tensor of any shape) into one tensor per column.

    Args:
        records: string tensor; each string is one line of CSV.
        record_defaults: one entry per column: a scalar (or 1-element) default whose dtype
            (float32, float64, int32, int64 or string) is the column's, or an empty tensor of
            that dtype for a required column.
        field_delim: the one-character field separator.
        use_quote_delim: whether double quotes delimit fields (with "" for a quote inside).
        na_value: a field equal to it is missing, as an empty one.
        select_cols: increasing positions of the columns to return (default: all).

    Returns:
        A list of tensors of `records`' shape, one per column.

    Raises:
        InvalidArgumentError: a record with the wrong number of fields, a missing required
            field, or a field that does not parse as its column's dtype.
    """
    arr = string_values(records, "decode_csv", "records")
    defaults = column_defaults(record_defaults)
    select_cols = _check_select_cols(select_cols, len(defaults))
    columns = parse_records(list(arr.reshape(-1)), defaults, field_delim, use_quote_delim,
                            na_value, select_cols)
    return [Tensor(c.reshape(arr.shape)) for c in columns]
