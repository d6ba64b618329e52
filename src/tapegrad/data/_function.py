"""User functions over dataset elements (`map`, `filter`, `scan`, ...), as tf.data calls them.

The function gets the element's tensors (a tuple's parts as separate arguments, a dict or a
single tensor as one). It is wrapped in `tapegrad.function`, so it is traced once per input
signature and replayed per element, and Python side effects happen while tracing, as in
TensorFlow; a function that depends on values (a Python `if` on a tensor, string ops,
`.numpy()`) runs eagerly, with the same results.

A traced function made only of elementwise ops (`cast`, arithmetic, comparisons, `where`, ...)
can be applied to a whole batch of elements at once (`apply_batch`): the batched inputs keep
their leading dimension and every other operand broadcasts against the element dimensions,
which gives exactly the per-element results. TensorFlow advises vectorizing `map` by hand
(`batch` first); tapegrad does it itself where that is exact.
"""

import numpy as np

from .._core.tensor import Tensor
from .._core.trace import Op, ReadVariable
from .._impl.function import Function
from ._sources import _TensorSliceDataset
from ._structure import DatasetSpec, Structure, nest, structure_of

__all__ = ["StructuredFunction"]

_ELEMENTWISE = frozenset(
    "abs acos add asin atan atan2 cast ceil cos cosh divide elu equal erf exp expm1 floor "
    "floordiv greater greater_equal identity is_finite is_nan leaky_relu less less_equal log "
    "log1p logical_and logical_not logical_or logical_xor maximum minimum mod multiply negative "
    "not_equal pow reciprocal relu relu6 round sigmoid sign sin sinh softplus sqrt square "
    "stop_gradient subtract tan tanh where".split()
)


class _NotBatchable(Exception):
    pass


def _placeholder(spec, size):
    """A stand-in element leaf for a dry run: unknown dimensions `size`, every value `size`
    (b"1" or b"2" for strings, so that parsing functions accept it); an empty dataset."""
    if isinstance(spec, DatasetSpec):
        return _TensorSliceDataset(nest.map_structure(
            lambda s: np.zeros((0,) + tuple(size if d is None else d for d in s.shape),
                               s.dtype._np), spec.element_spec))
    shape = tuple(size if d is None else d for d in spec.shape)
    if spec.dtype._np.kind == "O":
        return Tensor(np.full(shape, str(size).encode(), dtype=object))
    return Tensor(np.full(shape, size, dtype=spec.dtype._np))


class StructuredFunction:
    """A user function of one dataset element.

    Args:
        fn: the Python function.
        structure: the input elements' Structure.
        what: the transformation's name, for errors ("map", "filter", ...).
        trace: False for functions that return datasets (`flat_map`, `interleave`).
    """

    def __init__(self, fn, structure, what, trace=True):
        if not callable(fn):
            raise TypeError(f"{what}: expected a callable, got {fn!r}")
        self.fn = fn
        self.what = what
        self.input = structure
        self._unpack = type(structure.template) is tuple  # a namedtuple is one argument
        # TensorFlow traces a dataset function once, with unknown dimensions, and never
        # warns about retracing; this one traces per element shape: no retracing warning
        self._call = Function(self._python, warn_on_retracing=False) if trace else self._python
        self._output = None
        self._batch_program = False  # not looked for yet
        self._moves = {}  # input signature -> output positions, for pure restructurings

    def _python(self, *flat):
        template = self.input.template
        element = nest.pack_sequence_as(template, list(flat)) if isinstance(
            template, (tuple, dict)) else flat[0]
        out = self.fn(*element) if self._unpack else self.fn(element)
        return tuple(out) if isinstance(out, list) else out  # tf.data: a list becomes a tuple

    def __call__(self, flat):
        """The raw result (a nest of tensors and Python values) for one element."""
        return self._call(*[v if isinstance(v, Tensor) or not isinstance(
            v, (np.ndarray, np.generic)) else Tensor(v) for v in flat])

    def apply(self, flat):
        """The flat output values for one element (the output structure is checked)."""
        if self._output is not None and hasattr(self._call, "get_concrete_function"):
            key = tuple((np.shape(v), getattr(v, "dtype", None)) for v in flat)
            moves = self._moves.get(key, False)
            if moves is False:
                moves = self._moves[key] = self._restructuring(flat)
            if moves is not None:
                return [flat[i] for i in moves]
        result = self(flat)
        _, values = structure_of(result)
        if self._output is None:
            self._output, _ = Structure.of(result)
        out = self._output
        if len(values) != out.n:
            raise TypeError(f"{self.what}: the function returned {len(values)} values for an "
                            f"element, but {out.n} on its first call")
        return values

    def _restructuring(self, flat):
        """For a function that only rearranges its inputs (packs them into a dict, swaps a
        pair: its traced program has no instruction and returns input tensors), the input
        position of each output; else None. Such a function is applied without a call."""
        try:
            program = self._call.get_concrete_function(*[
                v if isinstance(v, Tensor) else Tensor(np.asarray(v)) for v in flat]).program
            if program is None or program.instrs or program.constants:
                return None
            if any(isinstance(x, list) for x in _containers(program.structure)):
                return None
            if None in program.outputs or len(program.outputs) != self._output.n:
                return None
            return [program.inputs.index(slot) for slot in program.outputs]
        except Exception:  # noqa: BLE001 - a program we cannot read is simply called
            return None

    def restructures(self):
        """Whether the function only rearranges its inputs (judged on placeholders)."""
        try:
            self.output_structure()
            flat = [_placeholder(s, 1) for s in self.input.specs]
            return self._restructuring(flat) is not None
        except Exception:  # noqa: BLE001 - unknown: treated as real work
            return False

    # -- the output structure ---------------------------------------------------------------
    def output_structure(self):
        """The Structure of the outputs, from calls on placeholder elements (a dimension that
        follows an unknown input dimension is unknown)."""
        if self._output is None:
            # two dry runs: a dimension that changes with the inputs' sizes or values is
            # unknown (None), as in the spec TensorFlow's trace gives
            specs = self.input.specs
            ones = self.__call__([_placeholder(s, 1) for s in specs])
            structure, _ = Structure.of(ones)
            twos, _ = Structure.of(self.__call__([_placeholder(s, 2) for s in specs]))
            if self._runs_eagerly(specs):
                # value-dependent Python code (string ops, .numpy()): no shape is certain
                twos = twos.with_specs([type(t)([None] * t.shape.rank, t.dtype) if hasattr(
                    t, "shape") and t.shape.rank else t for t in twos.specs])
            if twos.n == structure.n:
                structure = structure.with_specs([
                    a if not hasattr(a, "shape") or a.shape.rank is None or a.shape.rank != (
                        b.shape.rank) else type(a)(
                        [x if x == y else None for x, y in zip(a.shape, b.shape)], a.dtype)
                    for a, b in zip(structure.specs, twos.specs)])
            self._output = structure
        return self._output

    def _runs_eagerly(self, specs):
        concrete = getattr(self._call, "get_concrete_function", None)
        if concrete is None:
            return False
        try:
            return not concrete(*[_placeholder(s, 1) for s in specs]).traced
        except Exception:  # noqa: BLE001 - the dry run itself failed: nothing to learn
            return False

    # -- batched application ----------------------------------------------------------------
    def batchable(self):
        """Whether `apply_batch` can run this function on batches (traced, elementwise)."""
        if self._batch_program is False:
            self._batch_program = self._find_batch_program()
        return self._batch_program is not None

    def _find_batch_program(self):
        if not hasattr(self._call, "get_concrete_function"):
            return None
        try:
            placeholders = [_placeholder(s, 1) for s in self.input.specs]
            program = self._call.get_concrete_function(*placeholders).program
            if program is None:
                return None
            for ins in program.instrs:
                if type(ins) is ReadVariable:
                    continue
                if type(ins) is not Op or ins.prim.name not in _ELEMENTWISE or (
                        ins.prim.name == "where" and len(ins.inputs) != 3):
                    return None
            result = program.structure
            if any(isinstance(x, list) for x in _containers(result)):
                return None
            if len(nest.flatten(result)) != self.output_structure().n:
                return None
            return program
        except Exception:  # noqa: BLE001 - a program we cannot read is applied per element
            return None

    def apply_batch(self, columns):
        """The flat outputs for a batch (`columns`: the flat input values, each with a
        leading batch dimension), computed once for the whole batch."""
        program = self._batch_program
        size = len(columns[0])
        vals = dict(program.constants)
        rank = {}
        for slot, col in zip(program.inputs, columns):
            vals[slot] = col
            rank[slot] = col.ndim - 1
        for ins in program.instrs:
            if type(ins) is ReadVariable:
                vals[ins.output] = ins.variable._value
                continue
            prim, in_slots, params, out = ins.prim, ins.inputs, ins.params, ins.output
            args = [vals[i] for i in in_slots]
            batched = [rank[i] for i in in_slots if i in rank]
            if not batched:
                vals[out] = prim.forward(*args, **params)
                continue
            r = max(batched + [np.ndim(a) for i, a in zip(in_slots, args) if i not in rank])
            args = [a.reshape((size,) + (1,) * (r - rank[i]) + a.shape[1:])
                    if i in rank and rank[i] < r else a for i, a in zip(in_slots, args)]
            res = np.asarray(prim.forward(*args, **params))
            if res.ndim != r + 1 or res.shape[0] != size:
                raise _NotBatchable(prim.name)
            vals[out] = res
            rank[out] = r
        outs = []
        consts = program.output_constants
        for slot, const, spec in zip(program.outputs, consts, self.output_structure().specs):
            if slot is not None and slot in rank:
                outs.append(vals[slot])
            else:
                value = np.asarray(vals[slot] if slot is not None else spec_value(const))
                outs.append(np.broadcast_to(value, (size,) + value.shape).copy())
        return outs


def spec_value(x):
    _, flat = structure_of(x)
    return flat[0]


def _containers(x):
    if isinstance(x, (list, tuple, dict)):
        yield x
        for v in (x.values() if isinstance(x, dict) else x):
            yield from _containers(v)

