"""A traced program seen as TensorFlow's `FuncGraph`: operations with TensorFlow's op types and
names, their input and output tensors, and the `function_def` signature.

The one table from a primitive's name to TensorFlow's op type (and the name TensorFlow gives
the op in a graph, where that differs) is `OP_TYPES`; the tracer names ops with it while it
records, so that a tensor printed inside a traced function shows the same name.
"""

from .._core.dtypes import from_numpy
from .._core.tensor import TensorShape
from .._core.trace import ASSIGN_OP_TYPES, AssignVariable, CallEffect, Op, ReadVariable

__all__ = ["OP_TYPES", "FuncGraph", "op_name", "op_type"]

# primitive -> TensorFlow's op type, or (type, the op's name in a graph): Python's operators
# name their ops in lower case (`x * y` makes "mul", of type Mul), and tapegrad's primitive of
# `*` is also tf.multiply's, so the operator's name is the one given.
OP_TYPES = {
    "abs": "Abs", "acos": "Acos", "add": ("AddV2", "add"), "argmax": "ArgMax",
    "argmin": "ArgMin", "asin": "Asin", "atan": "Atan", "atan2": "Atan2",
    "broadcast_to": "BroadcastTo", "cast": "Cast", "ceil": "Ceil", "cholesky": "Cholesky",
    "concat": ("ConcatV2", "concat"), "cos": "Cos", "cosh": "Cosh", "cumprod": "Cumprod",
    "cumsum": "Cumsum", "det": "MatrixDeterminant", "divide": ("RealDiv", "truediv"),
    "einsum": "Einsum", "elu": "Elu", "equal": "Equal", "erf": "Erf", "exp": "Exp",
    "expm1": "Expm1", "floor": "Floor", "floordiv": ("FloorDiv", "floordiv"),
    "getitem": ("StridedSlice", "strided_slice"), "getitem_grad": "StridedSliceGrad",
    "greater": "Greater", "greater_equal": "GreaterEqual", "identity": "Identity",
    "inv": "MatrixInverse", "is_finite": "IsFinite", "is_nan": "IsNan",
    "leaky_relu": "LeakyRelu", "leaky_relu_grad": "LeakyReluGrad", "less": "Less",
    "less_equal": "LessEqual", "log": "Log", "log1p": "Log1p",
    "log_abs_determinant": "LogMatrixDeterminant", "log_softmax": "LogSoftmax",
    "logical_and": "LogicalAnd", "logical_not": "LogicalNot", "logical_or": "LogicalOr",
    "logical_xor": ("LogicalAnd", "LogicalXor"), "matmul": "MatMul", "maximum": "Maximum",
    "minimum": "Minimum", "mod": ("FloorMod", "mod"), "multiply": ("Mul", "mul"),
    "negative": "Neg", "not_equal": "NotEqual", "pad": "Pad", "pow": ("Pow", "pow"),
    "reciprocal": "Reciprocal", "reciprocal_grad": "ReciprocalGrad",
    "recurrent_scan": "RecurrentScan", "recurrent_scan_grad": "RecurrentScanGrad",
    "reduce_all": "All", "reduce_any": "Any", "reduce_logsumexp": "ReduceLogSumExp",
    "reduce_max": "Max", "reduce_mean": "Mean", "reduce_min": "Min", "reduce_prod": "Prod",
    "reduce_sum": "Sum", "relu": "Relu", "relu6": "Relu6", "relu6_grad": "Relu6Grad",
    "relu_grad": "ReluGrad", "reshape": "Reshape", "round": "Round", "rsqrt": "Rsqrt",
    "rsqrt_grad": "RsqrtGrad", "sigmoid": "Sigmoid",
    "sigmoid_cross_entropy_with_logits": "SigmoidCrossEntropyWithLogits", "sign": "Sign",
    "sin": "Sin", "sinh": "Sinh", "slogdet_sign": "LogMatrixDeterminant",
    "softmax": "Softmax", "softplus": "Softplus", "solve": "MatrixSolve", "sqrt": "Sqrt",
    "sqrt_grad": "SqrtGrad", "square": "Square", "stack": ("Pack", "stack"),
    "stop_gradient": "StopGradient", "subtract": ("Sub", "sub"), "sum_to_shape": "Sum",
    "tan": "Tan", "tanh": "Tanh", "tanh_grad": "TanhGrad", "transpose": "Transpose",
    "where": "SelectV2",
}


# control-flow instructions without a `type` of their own -> TensorFlow's op type
_CONTROL_TYPES = {"While": "StatelessWhile", "Gradient": "SymbolicGradient"}


def _camel(name):
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def op_type(prim_name):
    """TensorFlow's op type for a primitive (CamelCase of its name if TensorFlow has none)."""
    entry = OP_TYPES.get(prim_name)
    if entry is None:
        return _camel(prim_name)
    return entry if isinstance(entry, str) else entry[0]


def op_name(prim_name):
    """The name TensorFlow gives a primitive's op in a graph (before uniquifying)."""
    entry = OP_TYPES.get(prim_name)
    if entry is None:
        return _camel(prim_name)
    return entry if isinstance(entry, str) else entry[1]


class GraphTensor:
    """A tensor of a graph: `op:index`, with its static shape and dtype (no value)."""

    def __init__(self, op, index, shape, dtype):
        self.op = op
        self.value_index = index
        self.shape = TensorShape(shape)
        self.dtype = dtype

    @property
    def name(self):
        return f"{self.op.name}:{self.value_index}"

    @property
    def graph(self):
        return self.op.graph

    def get_shape(self):
        return self.shape

    def __str__(self):  # (TensorFlow shows no shape where even the rank is unknown)
        shape = "" if self.shape.rank is None else f"shape={self.shape}, "
        return f'Tensor("{self.name}", {shape}dtype={self.dtype.name})'

    def __repr__(self):
        shape = "" if self.shape.rank is None else f"shape={self.shape} "
        return f"<tapegrad.Tensor '{self.name}' {shape}dtype={self.dtype.name}>"


class Operation:
    """An operation of a graph: `name`, `type`, `inputs` and `outputs` (GraphTensors)."""

    def __init__(self, graph, name, type_, inputs, attrs=None):
        self.graph = graph
        self.name = name
        self.type = type_
        self.inputs = list(inputs)
        self.outputs = []
        self.attrs = attrs or {}

    def _add_output(self, shape, dtype):
        t = GraphTensor(self, len(self.outputs), shape, dtype)
        self.outputs.append(t)
        return t

    @property
    def node_def(self):
        return self

    def get_attr(self, name):
        return self.attrs[name]

    def __repr__(self):
        inputs = "".join(f'\ninput: "{t.op.name}"' for t in self.inputs)
        return f'<tapegrad.Operation name: "{self.name}" op: "{self.type}"{inputs}>'


class _Arg:
    """An argument of a function_def's signature (`name`, `type` as TensorFlow's DT_* name)."""

    def __init__(self, name, dtype):
        self.name = name
        self.type = dtype

    def __repr__(self):
        return f'name: "{self.name}"\ntype: {self.type}\n'


class _Signature:
    def __init__(self, name, input_arg, output_arg):
        self.name = name
        self.input_arg = input_arg
        self.output_arg = output_arg


class FunctionDef:
    """The part of TensorFlow's FunctionDef that describes the signature."""

    def __init__(self, name, input_arg, output_arg):
        self.signature = _Signature(name, input_arg, output_arg)


_DT_NAMES = {"resource": "DT_RESOURCE", "float32": "DT_FLOAT", "float64": "DT_DOUBLE",
             "float16": "DT_HALF"}


def _dt_name(dtype):
    """TensorFlow's DataType enum name (DT_FLOAT for float32, DT_INT32, ...)."""
    name = dtype if isinstance(dtype, str) else dtype.name
    return _DT_NAMES.get(name) or "DT_" + name.upper()


def _arg_name(op_name_):
    return op_name_.lower().replace("/", "_")


class FuncGraph:
    """The graph of one traced program, built as TensorFlow builds it: a Placeholder per
    input (named after its parameter) and per captured variable (`<op>/resource`), an op per
    instruction, an `Identity` per output, and a `NoOp` where the program has effects.

    Args:
        name: the function's name.
        program: the Program (see tapegrad/_core/trace.py).
    """

    def __init__(self, name, program):
        self.name = name
        self._ops = []
        self._by_name = {}
        self.inputs, self.outputs, self.variables = [], [], []
        self._build(program)

    # -- construction ---------------------------------------------------------------------
    def _op(self, name, type_, inputs, attrs=None):
        op = Operation(self, name, type_, inputs, attrs)
        self._ops.append(op)
        self._by_name[name] = op
        return op

    def _build(self, program):
        names = program.names
        specs = program.slot_specs
        tensors = {}  # slot -> GraphTensor
        taken = {n.lower() for n in names.values() if isinstance(n, str)}

        def unique(base):
            candidate, n = base, 0
            while candidate.lower() in taken:
                n += 1
                candidate = f"{base}_{n}"
            taken.add(candidate.lower())
            return candidate

        def out(op, slot):
            shape, dtype = specs[slot]
            tensors[slot] = op._add_output(program.shapes.get(slot, shape), from_numpy(dtype))
            return tensors[slot]

        for slot in program.inputs:
            self.inputs.append(out(self._op(names[slot], "Placeholder", []), slot))
        for slot, _ in program.constants:
            out(self._op(names.get(slot, unique("Const")), "Const", []), slot)
        resources = {}  # id(variable) -> its resource placeholder's tensor

        def resource(variable, first_op):
            found = resources.get(id(variable))
            if found is None:
                op = self._op(f"{first_op}/resource", "Placeholder", [])
                found = resources[id(variable)] = op._add_output((), "resource")
                self.inputs.append(found)
                self.variables.append(variable)
            return found

        stateful = False
        for ins in program.instrs:
            kind = type(ins)
            if kind is Op:
                inputs = [tensors[i] for i in ins.inputs]
                kind_name = op_type(ins.prim.name)
                if kind_name == "AddV2" and inputs and inputs[0].dtype == "string":
                    kind_name = "Add"  # TensorFlow joins strings with Add, not AddV2
                op = self._op(names[ins.output], kind_name, inputs, dict(ins.params))
                out(op, ins.output)
            elif kind is ReadVariable:
                name = names[ins.output]
                op = self._op(name, "ReadVariableOp", [resource(ins.variable, name)])
                out(op, ins.output)
            elif kind is AssignVariable:
                name = names.get(id(ins)) or unique("AssignVariableOp")
                self._op(name, ASSIGN_OP_TYPES[ins.method],
                         [resource(ins.variable, name), tensors[ins.value]])
                stateful = True
            elif kind is CallEffect:
                name = names.get(id(ins)) or unique("StatefulPartitionedCall")
                self._op(name, "StatefulPartitionedCall", [tensors[i] for i in ins.reads])
                stateful = True
            else:  # control flow (control.py): one op with the instruction's own type
                type_ = getattr(ins, "type", None) or _CONTROL_TYPES.get(
                    type(ins).__name__, type(ins).__name__)
                op = self._op(names.get(id(ins)) or unique(type_), type_,
                              [tensors[i] for i in ins.reads if i in tensors])
                for slot in getattr(ins, "outputs", None) or ():
                    if slot is not None:
                        out(op, slot)
        for slot, const in zip(program.outputs, program.output_constants):
            if slot is None:
                if const is None:
                    continue
                op = self._op(unique("Const"), "Const", [])
                source = op._add_output(const.shape, const.dtype)
            else:
                source = tensors[slot]
            op = self._op(unique("Identity"), "Identity", [source])
            self.outputs.append(op._add_output(source.shape, source.dtype))
        if stateful:
            self._op(unique("NoOp"), "NoOp", [])

    # -- TensorFlow's Graph API -----------------------------------------------------------
    def get_operations(self):
        """The operations in the order they were added."""
        return list(self._ops)

    def get_operation_by_name(self, name):
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"The name '{name}' refers to an Operation not in the graph of "
                           f"{self.name}; its operations are {sorted(self._by_name)}.") from None

    def get_tensor_by_name(self, name):
        op_name_, sep, index = name.rpartition(":")
        if not sep or not index.isdigit():
            raise ValueError(f"The name '{name}' looks like an (invalid) Operation name, not a "
                             "Tensor name: Tensor names have the form '<op>:<output index>'.")
        op = self.get_operation_by_name(op_name_)
        if int(index) >= len(op.outputs):
            raise KeyError(f"The name '{name}' refers to a Tensor which does not exist: the "
                           f"operation '{op_name_}' has {len(op.outputs)} outputs.")
        return op.outputs[int(index)]

    def as_function_def(self):
        inputs = [_Arg(_arg_name(t.op.name), _dt_name(t.dtype)) for t in self.inputs]
        outputs = [_Arg(_arg_name(t.op.name), _dt_name(t.dtype)) for t in self.outputs]
        return FunctionDef(self.name, inputs, outputs)

    def __repr__(self):
        return f"<tapegrad.FuncGraph '{self.name}': {len(self._ops)} operations>"

