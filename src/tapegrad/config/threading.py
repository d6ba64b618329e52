"""`tf.config.threading`: the thread pools ops run on.

tapegrad runs one op after another, each with NumPy, whose matrix products and decompositions
use the BLAS library's thread pool. The intra-op setting is mapped onto that pool through
`threadpoolctl` (the optional extra `pip install "tapegrad[threads]"`); without it the value
is recorded and reported back, and a warning says it has no effect. The inter-op setting is
recorded only: there is no pool of concurrent ops to size.
"""

import warnings

__all__ = [
    "get_inter_op_parallelism_threads",
    "get_intra_op_parallelism_threads",
    "set_inter_op_parallelism_threads",
    "set_intra_op_parallelism_threads",
]

_SETTINGS = {"intra": 0, "inter": 0}
_LIMITS = [None]  # the threadpoolctl limiter in force, to restore the original pool size


def _count(caller, num_threads):
    if isinstance(num_threads, bool) or not isinstance(num_threads, int):
        raise TypeError(
            f"{caller}: num_threads must be an int (0 lets the system choose), got "
            f"{num_threads!r} of type {type(num_threads).__name__}"
        )
    if num_threads < 0:
        raise ValueError(
            f"{caller}: num_threads must be >= 0 (0: the system chooses), got {num_threads}"
        )
    return num_threads


def get_intra_op_parallelism_threads():
    """The number of threads one op may use (0: the system's choice, the default)."""
    return _SETTINGS["intra"]


def set_intra_op_parallelism_threads(num_threads):
    """Sets the number of threads one op may use: the size of NumPy's BLAS thread pool, through
    threadpoolctl; 0 restores the system's choice. Unlike TensorFlow, it may change at any time.

    Raises:
        TypeError, ValueError: if `num_threads` is not an int >= 0.
    """
    caller = "set_intra_op_parallelism_threads"
    num_threads = _count(caller, num_threads)
    try:
        import threadpoolctl
    except ImportError:
        warnings.warn(
            f"{caller}({num_threads}): the setting is recorded but has no effect: tapegrad "
            "sizes NumPy's BLAS thread pool through threadpoolctl, which is not installed "
            '(pip install "tapegrad[threads]").',
            stacklevel=2,
        )
    else:
        if _LIMITS[0] is not None:
            _LIMITS[0].restore_original_limits()
            _LIMITS[0] = None
        if num_threads:
            _LIMITS[0] = threadpoolctl.threadpool_limits(limits=num_threads, user_api="blas")
    _SETTINGS["intra"] = num_threads


def get_inter_op_parallelism_threads():
    """The number of ops that may run at once (0: the system's choice, the default)."""
    return _SETTINGS["inter"]


def set_inter_op_parallelism_threads(num_threads):
    """Records the number of ops that may run at once, as TensorFlow reports it back; tapegrad
    runs ops one after another, so it changes nothing.

    Raises:
        TypeError, ValueError: if `num_threads` is not an int >= 0.
    """
    _SETTINGS["inter"] = _count("set_inter_op_parallelism_threads", num_threads)
