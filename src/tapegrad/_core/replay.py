"""A traced program's replay compiled into one Python function (Program.run's fast path).

Each slot becomes a local variable and each op a direct call of its primitive's NumPy forward,
or of the forward its table entry specialises to the arguments' traced dtypes and ranks
(`specialize`, which finds once the case that `forward` finds at each call): for a small
program, the loop over instructions and the list of slots cost as much as the arithmetic.
An effect is called in the form its `replay` factory made for the call (`tracing.effect`),
with the arrays of its tensor arguments, or with its arguments rebuilt in place from a
template of its call (lists, tuples and dicts written out as literals), without nest.
"""

from .tensor import Tensor

__all__ = ["compile_replay", "template"]

# The instructions it writes, by their `kind` (trace.py's Op, ReadVariable, AssignVariable and
# CallEffect: this module does not import trace.py, which imports it).
_WRITTEN = ("op", "read", "assign", "effect")


class _SlotRef:
    """Where a tensor argument of an effect comes from: a slot of the program."""

    __slots__ = ("slot",)

    def __init__(self, slot):
        self.slot = slot


def template(obj, slot_of):
    """`obj` (an effect's [args, kwargs]) with each tensor replaced by its _SlotRef, or None
    if it holds containers other than lists, tuples and dicts (they go through nest)."""
    kind = type(obj)
    if isinstance(obj, Tensor):
        return _SlotRef(slot_of(obj))
    if kind is list or kind is tuple:
        items = [template(x, slot_of) for x in obj]
        if any(x is None and y is not None for x, y in zip(items, obj)):
            return None
        return kind(items)
    if kind is dict:
        items = {k: template(v, slot_of) for k, v in obj.items()}
        if any(items[k] is None and obj[k] is not None for k in obj):
            return None
        return items
    if isinstance(obj, (list, tuple, dict)):
        return None
    return obj


def _source(template, env, prefix):
    """A Python expression that rebuilds `template`, its constants put in `env`."""
    kind = type(template)
    if kind is _SlotRef:
        return f"Tensor(s{template.slot})"
    if kind is list:
        return "[" + ", ".join(_source(x, env, prefix) for x in template) + "]"
    if kind is tuple:
        return "(" + "".join(_source(x, env, prefix) + ", " for x in template) + ")"
    if kind is dict:
        parts = []
        for key, value in template.items():
            name = f"{prefix}_{len(env)}"
            env[name] = key
            parts.append(f"{name}: {_source(value, env, prefix)}")
        return "{" + ", ".join(parts) + "}"
    name = f"{prefix}_{len(env)}"
    env[name] = template
    return name


def _specialized(op, specs):
    """The op's forward specialised to its arguments' traced specs (Primitive.specialize),
    or None."""
    specialize = op.prim.specialize
    if specialize is None or specs is None:
        return None
    return specialize([specs[i] for i in op.inputs], **op.params)


def compile_replay(program):
    """`program`'s unrecorded replay as one compiled Python function of the input tensors,
    or False if it holds instructions of other kinds (Program.run's loop replays those)."""
    if any(getattr(ins, "kind", None) not in _WRITTEN for ins in program.instrs):
        return False  # an instruction of another kind: Program.run loops over them
    env = {"Tensor": Tensor, "pack": program.pack}
    specs = program.slot_specs
    lines = ["def replay(args):"]
    for slot, value in program.constants:
        env[f"c{slot}"] = value
        lines.append(f"    s{slot} = c{slot}")
    for k, slot in enumerate(program.inputs):
        lines.append(f"    s{slot} = args[{k}]._value")
    for n, ins in enumerate(program.instrs):
        kind = ins.kind
        if kind == "op":
            call = ", ".join(f"s{i}" for i in ins.inputs)
            forward = _specialized(ins, specs)
            if forward is not None:  # its params are part of it
                env[f"f{n}"] = forward
                lines.append(f"    s{ins.output} = f{n}({call})")
                continue
            env[f"f{n}"] = ins.prim.forward
            if ins.params:
                env[f"p{n}"] = ins.params
                call += f"{', ' if call else ''}**p{n}"  # (a random draw has no inputs)
            lines.append(f"    s{ins.output} = f{n}({call})")
        elif kind == "read":
            env[f"v{n}"] = ins.variable
            lines.append(f"    s{ins.output} = v{n}._value")
        elif kind == "assign":
            env[f"v{n}"] = ins.variable
            lines.append(f"    v{n}.{ins.method}(Tensor(s{ins.value}))")
        elif ins.fast is not None:  # the effect's own form for this call: the arrays
            env[f"e{n}"] = ins.fast
            lines.append(f"    e{n}({', '.join(f's{i}' for i in ins.reads)})")
        elif ins.template is not None:  # the arguments rebuilt in place, without nest
            env[f"e{n}"] = ins.fn
            args = _source(ins.template[0], env, f"k{n}")
            kwargs = _source(ins.template[1], env, f"k{n}")
            lines.append(f"    e{n}(*{args}, **{kwargs})")
        else:
            env[f"i{n}"] = ins
            lines.append(f"    i{n}.call([{', '.join(f's{i}' for i in ins.reads)}])")
    outs = []
    for k, (slot, const) in enumerate(zip(program.outputs, program.output_constants)):
        if slot is None:
            env[f"o{k}"] = const
            outs.append(f"o{k}")
        else:
            outs.append(f"Tensor(s{slot})")
    lines.append(f"    return pack([{', '.join(outs)}])")
    namespace = {}
    exec(compile("\n".join(lines), f"<program {program.name}>", "exec"), env, namespace)  # noqa: S102
    return namespace["replay"]
