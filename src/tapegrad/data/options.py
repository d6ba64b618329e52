"""`tf.data.Options`: settings a dataset carries (`with_options`, `options()`).

tapegrad keeps and merges them as TensorFlow does; they tune TensorFlow's runtime (threads,
graph rewrites) and do not change which elements a pipeline yields, so tapegrad's pipelines
run the same whatever they say.
"""

__all__ = ["Options", "AutotuneOptions", "DistributeOptions", "OptimizationOptions",
           "ThreadingOptions", "AutoShardPolicy", "ExternalStatePolicy"]


class _OptionGroup:
    """A set of named options, each None until set; unknown names are an error."""

    _fields = ()
    _groups = {}

    def __init__(self):
        for name in self._fields:
            object.__setattr__(self, name, None)
        for name, cls in self._groups.items():
            object.__setattr__(self, name, cls())

    def __setattr__(self, name, value):
        if name not in self._fields:
            raise AttributeError(f"Cannot set the property {name} on {type(self).__name__}.")
        object.__setattr__(self, name, value)

    def merge(self, other):
        """These options with every option `other` sets taking its value."""
        out = type(self)()
        for name in self._fields:
            mine, theirs = getattr(self, name), getattr(other, name)
            object.__setattr__(out, name, mine if theirs is None else theirs)
        for name in self._groups:
            object.__setattr__(out, name, getattr(self, name).merge(getattr(other, name)))
        return out

    def __eq__(self, other):
        return type(other) is type(self) and all(
            getattr(self, n) == getattr(other, n) for n in (*self._fields, *self._groups))

    __hash__ = None

    def __repr__(self):
        set_ = {n: getattr(self, n) for n in self._fields if getattr(self, n) is not None}
        return f"{type(self).__name__}({set_})"


class AutotuneOptions(_OptionGroup):
    _fields = ("enabled", "cpu_budget", "ram_budget", "autotune_algorithm",
               "initial_parallelism", "min_parallelism")


class DistributeOptions(_OptionGroup):
    _fields = ("auto_shard_policy", "num_devices")


class OptimizationOptions(_OptionGroup):
    _fields = ("apply_default_optimizations", "filter_fusion", "filter_parallelization",
               "inject_prefetch", "map_and_batch_fusion", "map_and_filter_fusion", "map_fusion",
               "map_parallelization", "noop_elimination", "parallel_batch",
               "seq_interleave_prefetch", "shuffle_and_repeat_fusion")


class ThreadingOptions(_OptionGroup):
    _fields = ("max_intra_op_parallelism", "private_threadpool_size")


class Options(_OptionGroup):
    """Options of a dataset, as `tf.data.Options` (see the module docstring)."""

    _fields = ("deterministic", "experimental_deterministic", "experimental_external_state_policy",
               "experimental_slack", "experimental_symbolic_checkpoint",
               "experimental_warm_start", "dataset_name", "framework_type")
    _groups = {"autotune": AutotuneOptions, "experimental_distribute": DistributeOptions,
               "experimental_optimization": OptimizationOptions, "threading": ThreadingOptions}

    def __setattr__(self, name, value):
        if name in self._groups:
            raise AttributeError(f"Cannot set the property {name} on Options; set its fields "
                                 f"(options.{name}.<name> = ...)")
        super().__setattr__(name, value)


class AutoShardPolicy:
    """How a distributed dataset is split between workers (`tf.data.experimental`)."""

    OFF, AUTO, FILE, DATA, HINT = -1, 0, 1, 2, 3


class ExternalStatePolicy:
    WARN, IGNORE, FAIL = 0, 1, 2
