"""File sources: `list_files`, `TextLineDataset`, `CsvDataset` and `make_csv_dataset`."""

import collections
import csv
import glob
import gzip
import io
import os
import zlib

import numpy as np

from .._core import dtypes as _dt
from .._core.errors import InvalidArgumentError, NotFoundError
from .._core.tensor import Tensor
from .._impl.function import TensorSpec
from ..io._csv import column_defaults, parse_records
from ._structure import Structure
from ._transforms import _InterleaveDataset
from .dataset import AUTOTUNE, Dataset

__all__ = ["list_files", "TextLineDataset", "CsvDataset", "make_csv_dataset"]


def _names(filenames, what):
    """File names given as str, bytes, a list, a string tensor or a dataset of strings."""
    if isinstance(filenames, Dataset):
        return [f[0][()] if isinstance(f[0], np.ndarray) else f[0]
                for f in filenames._elements()]
    if isinstance(filenames, (str, bytes, os.PathLike)):
        filenames = [filenames]
    if isinstance(filenames, Tensor):
        filenames = np.asarray(filenames).reshape(-1).tolist()
    names = [os.fsdecode(np.asarray(f)[()] if isinstance(f, Tensor) else os.fspath(f))
             for f in filenames]
    if not names:
        raise ValueError(f"{what}: no file names given")
    return names


def list_files(file_pattern, shuffle=None, seed=None):
    """`Dataset.list_files`: the matching files (each pattern's matches sorted)."""
    patterns = _names(file_pattern, "list_files")
    files = [f for p in patterns for f in sorted(glob.glob(p))]
    if not files:
        raise InvalidArgumentError(
            f"Expected 'tf.Tensor(False, shape=(), dtype=bool)' to be true. Summarized data: "
            f"b'No files matched pattern: {', '.join(patterns)}'")
    arr = np.empty(len(files), dtype=object)
    arr[:] = [f.encode() for f in files]
    dataset = Dataset.from_tensor_slices(Tensor(arr))
    if shuffle is None or shuffle:
        dataset = dataset.shuffle(len(files), seed=seed)
    return dataset


def _read(path, compression_type, what):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise NotFoundError(f"{what}: {path}; No such file or directory") from None
    kind = (compression_type or "").upper()
    if kind == "GZIP":
        return gzip.decompress(data)
    if kind == "ZLIB":
        return zlib.decompress(data)
    if kind:
        raise ValueError(f"{what}: compression_type must be None, '', 'GZIP' or 'ZLIB', got "
                         f"{compression_type!r}")
    return data


def _lines(data):
    """Lines as TensorFlow reads them: split at \\n, a trailing \\r dropped, no empty last."""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if b"\r" not in data:
        return lines
    return [ln[:-1] if ln.endswith(b"\r") else ln for ln in lines]


class TextLineDatasetV2(Dataset):
    """The lines of text files, as scalar strings (without their line ends).

    Args:
        filenames: a file name, a list of them, a string tensor or a dataset of strings.
        compression_type: None or "" (plain), "GZIP" or "ZLIB".
        buffer_size: accepted for compatibility.
        num_parallel_reads: read this many files at once, interleaving their lines (one
            line from each in turn); by default the files are read one after another.
    """

    _keeps_finiteness = True

    def __init__(self, filenames, compression_type=None, buffer_size=None,
                 num_parallel_reads=None, name=None):
        super().__init__(Structure(0, [TensorSpec((), _dt.string)]))
        self._files = _names(filenames, "TextLineDataset")
        self._compression = compression_type
        self._parallel = num_parallel_reads

    def _finite(self):
        return True

    def _file_lines(self, path):
        for line in _lines(_read(path, self._compression, "TextLineDataset")):
            yield (np.array(line, dtype=object),)

    def _elements(self):
        if self._parallel not in (None, 1) and len(self._files) > 1:
            cycle = len(self._files) if self._parallel == AUTOTUNE else int(self._parallel)
            files = Dataset.from_tensor_slices(self._files)
            return _InterleaveDataset(
                files, lambda f: _Lines(self, f), cycle, 1)._elements()
        return (row for path in self._files for row in self._file_lines(path))


class _Lines(Dataset):
    def __init__(self, reader, filename):
        super().__init__(reader._structure)
        self._reader, self._path = reader, os.fsdecode(np.asarray(filename)[()])

    def _elements(self):
        return self._reader._file_lines(self._path)


TextLineDataset = TextLineDatasetV2


def _records(data, use_quote_delim):
    """CSV records: lines, except that a quoted field may hold line breaks."""
    lines = _lines(data)
    if not use_quote_delim or b'"' not in data:
        return lines
    out, pending = [], None
    for line in lines:
        pending = line if pending is None else pending + b"\n" + line
        if pending.count(b'"') % 2 == 0:
            out.append(pending)
            pending = None
    if pending is not None:
        out.append(pending)
    return out


class CsvDatasetV2(Dataset):
    """The records of CSV files as tuples of scalars, one per (selected) column.

    Args:
        filenames: a file name, a list of them, a string tensor or a dataset of strings.
        record_defaults: per column, a default value (its dtype is the column's) or a dtype or
            empty tensor for a required column (see `tf.io.decode_csv`).
        compression_type: None, "GZIP" or "ZLIB".
        header: skip each file's first line.
        field_delim, use_quote_delim, na_value: as `tf.io.decode_csv`.
        select_cols / exclude_cols: increasing column positions to keep / to drop.
    """

    _indexable = True
    _identity = True

    def __init__(self, filenames, record_defaults, compression_type=None, buffer_size=None,
                 header=False, field_delim=",", use_quote_delim=True, na_value="",
                 select_cols=None, exclude_cols=None, name=None, ignore_errors=False):
        self._defaults = column_defaults(record_defaults, "CsvDataset")
        if select_cols is not None and exclude_cols is not None:
            raise ValueError("CsvDataset: give select_cols or exclude_cols, not both")
        super().__init__(Structure(tuple(range(len(self._defaults))), [
            TensorSpec((), _dt.as_dtype(d)) for d, _ in self._defaults]))
        self._files = _names(filenames, "CsvDataset")
        self._options = dict(field_delim=field_delim, use_quote_delim=use_quote_delim,
                             na_value=na_value)
        self._compression, self._header = compression_type, header
        self._select, self._exclude = select_cols, exclude_cols
        self._ignore = ignore_errors
        self._parsed = None  # (file signatures, columns) of the last read

    def _card(self):
        return -2

    def _finite(self):
        return True

    def _read_records(self):
        records = []
        for path in self._files:
            data = _read(path, self._compression, "CsvDataset")
            rows = _records(data, self._options["use_quote_delim"])
            records.extend(rows[1:] if self._header else rows)
        return records

    def _columns(self):
        signature = [(p, os.stat(p).st_mtime_ns, os.stat(p).st_size) if os.path.exists(p)
                     else p for p in self._files]
        if self._parsed is not None and self._parsed[0] == signature:
            return self._parsed[1]
        records = self._read_records()
        select = self._select
        if self._exclude is not None:
            width = _width(records, self._options["field_delim"])
            select = [c for c in range(width) if c not in set(self._exclude)]
        try:
            columns = parse_records(records, self._defaults, select_cols=select,
                                    empty_has_no_fields=False, **self._options)
        except InvalidArgumentError:
            if not self._ignore:
                raise
            good = []
            for r in records:
                try:
                    parse_records([r], self._defaults, select_cols=select,
                                  empty_has_no_fields=False, **self._options)
                    good.append(r)
                except InvalidArgumentError:
                    continue
            columns = parse_records(good, self._defaults, select_cols=select,
                                    empty_has_no_fields=False, **self._options)
        self._parsed = (signature, columns)
        return columns

    def _orders(self):
        yield range(len(self._columns()[0]))  # (re)reads the files once per iteration

    def _gather(self, idx):
        return [c[idx] for c in self._parsed[1]]


def _width(records, delim):
    """The number of fields of the first record (for exclude_cols)."""
    first = next((r for r in records if r), b"")
    return len(next(csv.reader(io.StringIO(first.decode("utf-8", "replace")), delimiter=delim)))


CsvDataset = CsvDatasetV2


def _infer_type(value, na_value, previous):
    """TensorFlow's inference: the least permissive of int32, int64, float32, float64, string
    that fits this value and every earlier one."""
    if value in ("", na_value):
        return previous
    order = [_dt.int32, _dt.int64, _dt.float32, _dt.float64, _dt.string]

    def fits(t):
        try:
            if t in (_dt.int32, _dt.int64):
                v = int(value)
                info = np.iinfo(t._np)
                return info.min <= v <= info.max
            if t in (_dt.float32, _dt.float64):
                with np.errstate(over="ignore"):  # too large for float32: try float64
                    return float(t._np.type(value)) < np.inf
            return True
        except (ValueError, OverflowError):
            return False

    for i, t in enumerate(order):
        if fits(t) and (previous is None or previous in order[:i + 1]):
            return t
    return _dt.string


def _csv_rows(files, delim, use_quote_delim, compression):
    quoting = csv.QUOTE_MINIMAL if use_quote_delim else csv.QUOTE_NONE
    for path in files:
        text = _read(path, compression, "make_csv_dataset").decode("utf-8")
        yield from csv.reader(io.StringIO(text), delimiter=delim, quoting=quoting)


def make_csv_dataset(file_pattern, batch_size, column_names=None, column_defaults=None,
                     label_name=None, select_columns=None, field_delim=",",
                     use_quote_delim=True, na_value="", header=True, num_epochs=None,
                     shuffle=True, shuffle_buffer_size=10000, shuffle_seed=None,
                     prefetch_buffer_size=None, num_parallel_reads=None, sloppy=False,
                     num_rows_for_inference=100, compression_type=None, ignore_errors=False,
                     encoding="utf-8"):
    """Batches of CSV records as (features dict, label) pairs, TensorFlow's
    `tf.data.experimental.make_csv_dataset`: column names from the header, types inferred
    from the first `num_rows_for_inference` rows, shuffled with a buffer of
    `shuffle_buffer_size` and repeated `num_epochs` times (forever by default)."""
    patterns = _names(file_pattern, "make_csv_dataset")
    files = [f for p in patterns for f in sorted(glob.glob(p))]
    if not files:
        raise ValueError(f"No files match `file_pattern` {file_pattern}.")
    rows = _csv_rows(files, field_delim, use_quote_delim, compression_type)
    if column_names is None:
        if not header:
            raise ValueError("make_csv_dataset: pass `column_names` when header=False")
        column_names = next(_csv_rows(files[:1], field_delim, use_quote_delim,
                                      compression_type), None)
        if column_names is None:
            raise ValueError(f"Failed when reading the header line of {files[0]}. Is it an "
                             "empty file?")
    column_names = list(column_names)
    if len(set(column_names)) != len(column_names):
        raise ValueError(f"Either `column_names` argument or CSV header row contains duplicate "
                         f"column names: {column_names}.")
    select = None
    if select_columns is not None:
        index = {n: i for i, n in enumerate(column_names)}
        select = sorted({c if isinstance(c, int) else index.get(c, -1) for c in select_columns})
        if -1 in select or len(select) != len(select_columns):
            raise ValueError(f"make_csv_dataset: select_columns {select_columns} must name "
                             f"distinct columns of {column_names}")
    if column_defaults is None:
        cols = select if select is not None else range(len(column_names))
        types = [None] * len(cols)
        if header:
            next(rows, None)
        for k, row in enumerate(rows):
            if num_rows_for_inference is not None and k >= num_rows_for_inference:
                break
            types = [_infer_type(row[c], na_value, t) for c, t in zip(cols, types)]
        column_defaults = [Tensor(np.array([b"" if (t or _dt.string) == _dt.string else 0],
                                           dtype=(t or _dt.string)._np)) for t in types]
    else:
        column_defaults = [d if not isinstance(d, _dt.DType) else Tensor(np.zeros(0, d._np))
                           for d in column_defaults]
    if select is not None:
        column_names = [column_names[i] for i in select]
    if label_name is not None and label_name not in column_names:
        raise ValueError(f"`label_name` provided must be one of the columns: {column_names}. "
                         f"Received: {label_name}.")

    def reader(filename):
        return CsvDataset(filename, column_defaults, compression_type=compression_type,
                          header=header, field_delim=field_delim,
                          use_quote_delim=use_quote_delim, na_value=na_value,
                          select_cols=select, ignore_errors=ignore_errors)

    if len(files) == 1 or num_parallel_reads in (None, 1):
        dataset = reader(files)  # one file after another: TensorFlow's cycle_length 1
    else:
        cycle = len(files) if num_parallel_reads == AUTOTUNE else int(num_parallel_reads)
        dataset = Dataset.from_tensor_slices([f.encode() for f in files]).interleave(
            lambda f: reader(os.fsdecode(f.numpy())), cycle_length=cycle, block_length=1)
    if shuffle:
        dataset = dataset.shuffle(shuffle_buffer_size, shuffle_seed)
    if num_epochs != 1:
        dataset = dataset.repeat(num_epochs)
    dataset = dataset.batch(batch_size, drop_remainder=num_epochs is None)

    def to_features(*columns):
        features = collections.OrderedDict(zip(column_names, columns))
        if label_name is not None:
            return features, features.pop(label_name)
        return features

    dataset = dataset.map(to_features)
    return dataset.prefetch(AUTOTUNE if prefetch_buffer_size is None else prefetch_buffer_size)

