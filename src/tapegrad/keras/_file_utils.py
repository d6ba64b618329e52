"""`keras.utils.get_file`: downloads into Keras's cache (`~/.keras`, or `$KERAS_HOME`), checks
the file's hash, extracts archives. (The standard modules it needs load on first use: they
would add 10 ms to `from tapegrad import keras`.)"""

import os

from ._progbar import Progbar

__all__ = ["get_file", "keras_home", "validate_file"]


def keras_home():
    """Keras's base directory: $KERAS_HOME, else ~/.keras (or /tmp/.keras when the home
    directory is not writable)."""
    if "KERAS_HOME" in os.environ:
        return os.environ["KERAS_HOME"]
    base = os.path.expanduser("~")
    if not os.access(base, os.W_OK):
        base = "/tmp"
    return os.path.join(base, ".keras")


def _hasher(algorithm, file_hash=None):
    import hashlib
    if algorithm == "sha256" or (algorithm == "auto" and file_hash is not None
                                 and len(file_hash) == 64):
        return hashlib.sha256()
    if algorithm in ("auto", "md5"):
        return hashlib.md5()
    raise ValueError(f"get_file: hash_algorithm must be 'auto', 'sha256' or 'md5', got "
                     f"{algorithm!r}")


def hash_file(path, algorithm="sha256", chunk_size=65535):
    """The file's hex digest."""
    hasher = _hasher(algorithm) if isinstance(algorithm, str) else algorithm
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath, file_hash, algorithm="auto", chunk_size=65535):
    """Whether the file's sha256 (64 hex digits) or md5 digest is `file_hash`."""
    hasher = _hasher(algorithm, file_hash)
    return hash_file(fpath, hasher, chunk_size) == str(file_hash)


def _extract(path, target, archive_format):
    import shutil
    import tarfile
    import zipfile
    if archive_format is None:
        return False
    formats = ["tar", "zip"] if archive_format == "auto" else (
        [archive_format] if isinstance(archive_format, str) else list(archive_format))
    for kind in formats:
        opener, matches = {"tar": (tarfile.open, tarfile.is_tarfile),
                           "zip": (zipfile.ZipFile, zipfile.is_zipfile)}[kind]
        if matches(path):
            with opener(path) as archive:
                try:
                    if kind == "tar" and hasattr(tarfile, "data_filter"):
                        archive.extractall(target, filter="data")  # no paths outside target
                    else:
                        archive.extractall(target)
                except (tarfile.TarError, RuntimeError, KeyboardInterrupt):
                    if os.path.isdir(target):
                        shutil.rmtree(target)
                    raise
            return True
    return False


def _download(origin, target, timeout=60):
    """Fetches `origin` into `target` with a progress bar; no partial file is left behind."""
    import urllib.error
    import urllib.request


    print(f"Downloading data from {origin}")
    try:
        with urllib.request.urlopen(origin, timeout=timeout) as response, open(
                target, "wb") as out:
            total = int(response.headers.get("Content-Length") or 0) or None
            bar, done = Progbar(total), 0
            for chunk in iter(lambda: response.read(1 << 16), b""):
                out.write(chunk)
                done += len(chunk)
                bar.update(done)
    except (urllib.error.URLError, OSError, KeyboardInterrupt) as err:
        if os.path.exists(target):
            os.remove(target)
        if isinstance(err, KeyboardInterrupt):
            raise
        code = getattr(err, "code", None) or getattr(err, "errno", None)
        reason = getattr(err, "reason", None) or getattr(err, "msg", None) or err
        raise OSError(
            f"URL fetch failure on {origin}: {code} -- {reason}. Is the network reachable? "
            f"You can also download the file yourself and put it at {target}.") from None


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None,
             cache_subdir="datasets", hash_algorithm="auto", extract=False,
             archive_format="auto", cache_dir=None, force_download=False):
    """Downloads `origin` into `cache_dir/cache_subdir/fname` unless it is there already (with
    the expected hash), and returns its path; with `extract`, extracts the archive and returns
    the folder. As Keras's `get_file`.

    Args:
        fname: the file name in the cache (default: the URL's last part).
        origin: the URL.
        file_hash: the expected sha256 (or md5) hex digest; a cached file that does not match
            is downloaded again, a download that does not match is an error.
        cache_subdir: the folder under `cache_dir` ("datasets").
        hash_algorithm: "auto", "sha256" or "md5".
        extract, untar: extract the downloaded tar or zip archive.
        archive_format: "auto", "tar", "zip" or None.
        cache_dir: the base folder (default: `$KERAS_HOME`, else `~/.keras`).
        force_download: download even when the file is cached.

    Raises:
        OSError: the download failed (no network, HTTP error).
        ValueError: the downloaded file's hash is not `file_hash`.
    """
    import tempfile
    import urllib.parse

    if origin is None:
        raise ValueError('Please specify the "origin" argument (URL of the file to download).')
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    base = os.path.expanduser(keras_home() if cache_dir is None else cache_dir)
    if not os.access(base, os.W_OK) and os.path.exists(base):
        base = os.path.join(tempfile.gettempdir(), ".keras")
    folder = os.path.join(base, cache_subdir)
    os.makedirs(folder, exist_ok=True)
    given = fname
    fname = os.fspath(fname) if fname else ""
    if not fname:
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError(f"Can't parse the file name from the origin provided: '{origin}'."
                             "Please specify the `fname` argument.")
    elif os.sep in fname:
        raise ValueError("Paths are no longer accepted as the `fname` argument. To specify the "
                         f"file's parent directory, use the `cache_dir` argument. Received: "
                         f"fname={fname}")
    if extract or untar:
        if given and "." in fname:
            target = os.path.join(folder, fname)
            extraction = os.path.join(folder, fname[:fname.find(".")] + "_extracted")
        else:
            extraction = os.path.join(folder, fname)
            target = os.path.join(folder, f"{fname}_archive")
    else:
        target = os.path.join(folder, fname)
    download = force_download or not os.path.exists(target)
    if not download and file_hash is not None and not validate_file(target, file_hash,
                                                                     hash_algorithm):
        print(f"A local file was found, but it seems to be incomplete or outdated because the "
              f"{_hasher(hash_algorithm, file_hash).name} file hash does not match the "
              f"original value of {file_hash} so we will re-download the data.")
        download = True
    if download:
        _download(origin, target)
        if file_hash is not None and not validate_file(target, file_hash, hash_algorithm):
            raise ValueError(f"Incomplete or corrupted file detected. The "
                             f"{_hasher(hash_algorithm, file_hash).name} file hash does not "
                             f"match the provided value of {file_hash}.")
    if extract or untar:
        if download or not os.path.isdir(extraction):
            _extract(target, extraction, "tar" if untar else archive_format)
        return extraction
    return target
