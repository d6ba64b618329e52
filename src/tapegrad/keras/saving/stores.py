"""Weights stores: where `save_own_variables` writes and `load_own_variables` reads, one group
of arrays "0", "1", ... per object path ("layers/dense", "optimizer").

`H5Store` reads and writes Keras 3's HDF5 layout (`<path>/vars/<i>` datasets, the object's
name as the `vars` group's attribute) through h5py, an optional extra. `NpzStore` keeps the
same paths as the keys of a NumPy `.npz` archive ("layers/dense/vars/0"), for users without
h5py; it never reads pickled objects.
"""

import errno
import io
import os

import numpy as np

__all__ = ["H5Store", "NpzStore", "import_h5py"]

_H5_HINT = (
    "Reading and writing HDF5 weights (.keras files, .weights.h5) needs h5py: pip install "
    '"tapegrad[h5]". Without it, save_weights and load_weights take a NumPy ".npz" file name.'
)


def import_h5py():
    """h5py, or an ImportError that says which extra to install."""
    try:
        import h5py
    except ImportError:
        raise ImportError(_H5_HINT) from None
    return h5py


class _Group(dict):
    """The arrays of one object path, as a dict of "0", "1", ... (what a saveable sees)."""


class H5Store:
    """Keras 3's HDF5 weights layout.

    Args:
        source: a path or a binary file object (an `io.BytesIO` inside a `.keras` zip).
        mode: "r" or "w".
    """

    def __init__(self, source, mode="r"):
        h5py = import_h5py()
        self.mode = mode
        self._h5py = h5py
        self.file = h5py.File(source, mode)

    def make(self, path, metadata=None):
        """The group to write the variables of the object at `path` into."""
        group = self.file.create_group(f"{path}/vars" if path else "vars")
        for key, value in (metadata or {}).items():
            group.attrs[key] = value
        return _H5Writer(group)

    def get(self, path):
        """The arrays saved for the object at `path` ({} if none were)."""
        name = f"{path}/vars" if path else "vars"
        group = self.file.get(name)
        if group is None or not isinstance(group, self._h5py.Group):
            return _Group()
        out = _Group()
        for key in group:
            link = group.get(key, getlink=True)
            if not isinstance(link, self._h5py.HardLink):  # Keras: a ValueError
                raise ValueError(  # noqa: TRY004
                    f"Not allowed: H5 file with {type(link).__name__} at {name}"
                )
            dataset = group[key]
            if not isinstance(dataset, self._h5py.Dataset) or dataset.external:
                raise ValueError(f"Invalid H5 file: {name}/{key} is not an array stored in it")
            out[key] = np.asarray(dataset[()])
        return out

    def has_path(self, path):
        return path in self.file

    def close(self):
        self.file.close()


class _H5Writer:
    def __init__(self, group):
        self.group = group

    def __setitem__(self, key, value):
        self.group[key] = np.asarray(value)

    def keys(self):
        return self.group.keys()


class NpzStore:
    """The same paths as keys of a NumPy `.npz` archive: "layers/dense/vars/0"."""

    def __init__(self, arrays=None):
        self.arrays = {} if arrays is None else arrays
        self.mode = "w" if arrays is None else "r"

    @classmethod
    def read(cls, filepath, what):
        """The store of an `.npz` file written by `write`.

        Raises:
            FileNotFoundError: if there is no such file.
            OSError: if it is not such an archive (truncated, corrupt, another format).
        """
        import zipfile  # here, not at import: only loading weights needs it
        import zlib

        errors = (ValueError, OSError, EOFError, KeyError, zipfile.BadZipFile, zlib.error)
        bad = (
            f"{what}: {filepath} is not a weights file written by save_weights (a NumPy .npz "
            "archive of arrays): it may be truncated or corrupt, or in another format"
        )
        try:
            with open(filepath, "rb") as f:
                try:
                    data = np.load(f, allow_pickle=False)
                except errors:
                    raise OSError(f"{bad}.") from None
                if not isinstance(data, np.lib.npyio.NpzFile):
                    raise OSError(f"{bad}: it holds a single array of shape {np.shape(data)}.")
                with data:
                    try:
                        return cls({k: data[k] for k in data.files})
                    except errors:
                        raise OSError(f"{bad}: an entry could not be read.") from None
        except FileNotFoundError:
            raise FileNotFoundError(errno.ENOENT, f"{what}: no such file", filepath) from None

    def make(self, path, metadata=None):
        return _NpzWriter(self.arrays, f"{path}/vars" if path else "vars")

    def get(self, path):
        prefix = f"{path}/vars/" if path else "vars/"
        return _Group(
            (key[len(prefix) :], value)
            for key, value in self.arrays.items()
            if key.startswith(prefix) and "/" not in key[len(prefix) :]
        )

    def has_path(self, path):
        return any(key.startswith(f"{path}/") for key in self.arrays)

    def write(self, fileobj):
        np.savez(fileobj, **self.arrays)

    def close(self):
        pass


class _NpzWriter:
    def __init__(self, arrays, prefix):
        self.arrays, self.prefix = arrays, prefix

    def __setitem__(self, key, value):
        self.arrays[f"{self.prefix}/{key}"] = np.asarray(value)

    def keys(self):
        start = len(self.prefix) + 1
        return [k[start:] for k in self.arrays if k.startswith(self.prefix + "/")]


def atomic_write(filepath, write, what):
    """Writes a file through `write(fileobj)` into a temporary file beside it, then renames it
    over `filepath`: a crash midway leaves the old file (or none), never a partial one.

    Raises:
        FileNotFoundError: naming `what` and the path, if the directory does not exist.
    """
    filepath = os.fspath(filepath)
    directory = os.path.dirname(os.path.abspath(filepath))
    if not os.path.isdir(directory):
        raise FileNotFoundError(
            errno.ENOENT, f"{what}: no such directory to write the file in", filepath
        )
    tmp = os.path.join(directory, f".{os.path.basename(filepath)}.tmp{os.getpid()}")
    try:
        with open(tmp, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, filepath)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def h5_bytes(fill):
    """The bytes of an HDF5 file that `fill(store)` writes (kept in memory, as Keras writes
    the weights inside a `.keras` zip)."""
    buffer = io.BytesIO()
    store = H5Store(buffer, "w")
    try:
        fill(store)
    finally:
        store.close()
    return buffer.getvalue()
