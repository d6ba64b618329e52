"""`tf.io.gfile`: TensorFlow's file functions, on the local file system."""

import glob as _glob
import os
import shutil

from .._core.errors import NotFoundError

__all__ = ["GFile", "copy", "exists", "glob", "isdir", "listdir", "makedirs", "mkdir", "remove",
           "rmtree", "walk"]

GFile = open


def exists(path):
    """Whether a file or directory exists."""
    return os.path.exists(path)


def isdir(path):
    return os.path.isdir(path)


def glob(pattern):
    """The paths matching a shell pattern (`*`, `?`, `[...]`), sorted."""
    return sorted(_glob.glob(os.fspath(pattern)))


def listdir(path):
    """The names in a directory (not their paths), as TensorFlow: NotFoundError when absent."""
    if not os.path.isdir(path):
        raise NotFoundError(f"tf.io.gfile.listdir: could not find directory {path}")
    return os.listdir(path)


def makedirs(path):
    os.makedirs(path, exist_ok=True)


def mkdir(path):
    os.mkdir(path)


def remove(path):
    if not os.path.exists(path):
        raise NotFoundError(f"tf.io.gfile.remove: {path}; No such file or directory")
    os.remove(path)


def rmtree(path):
    shutil.rmtree(path)


def copy(src, dst, overwrite=False):
    if os.path.exists(dst) and not overwrite:
        raise FileExistsError(f"tf.io.gfile.copy: {dst} exists; pass overwrite=True")
    shutil.copyfile(src, dst)


def walk(top, topdown=True, onerror=None):
    return os.walk(top, topdown=topdown, onerror=onerror)
