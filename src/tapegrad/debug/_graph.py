"""`graph(tape, target, sources)`: a picture of the recorded computation, from the sources to
the target: the ops with their shapes, dtypes and user's lines, the watched variables and
tensors, the constants, and which edges carry a gradient back and which are cut, and why.

It is built from the explaining() log where that saw the computation (every op, recorded or
not, with its line), else from the tape's own records (the recorded ops only, no lines).
"""

from .._core import nest, record
from .._core.primitive import NONE
from .dot import quote, render_dot
from ._log import carries, current_log
from ._reasons import reason_for_cut
from ._svg import layout_svg

__all__ = ["Edge", "Graph", "Node", "graph"]

# How each kind of node and edge looks, in DOT attributes.
_NODE_STYLE = {
    "variable": 'shape=box, style="rounded,filled", fillcolor="#dbeafe", color="#1d4ed8"',
    "source": 'shape=box, style="rounded,filled", fillcolor="#dbeafe", color="#1d4ed8"',
    "unwatched": 'shape=box, style="rounded,dashed", color="#6b7280"',
    "constant": 'shape=plaintext, fontcolor="#6b7280"',
    "op": 'shape=box, style=filled, fillcolor="#f3f4f6"',
    "cut_op": 'shape=box, style="filled,dashed", fillcolor="#fef2f2", color="#b91c1c"',
}
_EDGE_STYLE = {
    "gradient": 'color="#1d4ed8", penwidth=2',
    "cut": 'color="#b91c1c", style=dashed, fontcolor="#b91c1c"',
    "none": 'color="#9ca3af"',
}


class Node:
    """An op, a watched source, an unwatched variable or a constant.

    Attributes:
        id: "n1", "n2", ... in the order the computation met them.
        kind: "op", "cut_op" (an op the tape did not record), "variable", "source" (a watched
            tensor), "unwatched" (a variable or tensor the tape does not watch), "constant".
        title: the op's or variable's name, or the constant's value.
        detail: dtype and shape.
        line: the user's Line (None where unknown).
        target: whether this node is the target.
    """

    __slots__ = ("id", "kind", "title", "detail", "line", "target")

    def __init__(self, id, kind, title, detail, line=None):
        self.id = id
        self.kind = kind
        self.title = title
        self.detail = detail
        self.line = line
        self.target = False

    @property
    def label(self):
        rows = [self.title + ("  (target)" if self.target else ""), self.detail]
        if self.line is not None:
            rows.append(str(self.line))
        return "\n".join(r for r in rows if r)


class Edge:
    """An input of an op. `kind`: "gradient" (a gradient flows back along it to a source),
    "cut" (the gradient of a source stops here; `why` says why: "stop_gradient", "integer",
    "outside_tape", ..., the kinds of `tapegrad.debug.KINDS`), "none" (no gradient flows: it
    depends on no source, or only through a cut further up)."""

    __slots__ = ("src", "dst", "kind", "why")

    def __init__(self, src, dst, kind, why=None):
        self.src = src
        self.dst = dst
        self.kind = kind
        self.why = why


def _detail(dtype, shape):
    return f"{dtype} scalar" if not shape else f"{dtype} {list(shape)}"


class Graph:
    """The recorded computation of a target; see `graph`.

    Attributes:
        nodes: the `Node`s, in the order the computation met them.
        edges: the `Edge`s.
        lines_known: whether it was built from the explaining() log (the user's lines known).
    """

    def __init__(self, nodes, edges, lines_known):
        self.nodes = nodes
        self.edges = edges
        self.lines_known = lines_known

    def to_dot(self):
        """The graph in Graphviz's DOT language (text)."""
        out = [
            "digraph tape {",
            '  graph [rankdir=TB, fontname="Helvetica"];',
            '  node [fontname="Helvetica", fontsize=11];',
            '  edge [fontname="Helvetica", fontsize=9];',
        ]
        for n in self.nodes:
            extra = ", peripheries=2" if n.target else ""
            out.append(f"  {n.id} [label={quote(n.label)}, {_NODE_STYLE[n.kind]}{extra}];")
        for e in self.edges:
            label = f", label={quote(e.why)}" if e.why else ""
            out.append(f"  {e.src.id} -> {e.dst.id} [{_EDGE_STYLE[e.kind]}{label}];")
        out.append("}")
        return "\n".join(out) + "\n"

    def render(self, path, format=None):
        """Writes the picture to `path` (SVG, PNG, PDF, ...: `format`, or the file's extension)
        through the `graphviz` package and Graphviz's `dot` program.

        Raises:
            ImportError: naming what to install (`pip install "tapegrad[plot]"` and Graphviz)
                if either is missing; `to_svg(layout="builtin")` needs neither.
        """
        import os

        fmt = format or os.path.splitext(str(path))[1].lstrip(".").lower() or "svg"
        data = render_dot(self.to_dot(), fmt, "tapegrad.debug.graph(...).render")
        with open(path, "wb") as f:
            f.write(data)
        return path

    def to_svg(self, layout="auto"):
        """The picture as SVG text: Graphviz's layout (`layout="graphviz"`), tapegrad's own
        simple layered layout (`"builtin"`, no extra package needed), or Graphviz's where it is
        installed and the builtin one otherwise (`"auto"`)."""
        if layout not in ("auto", "graphviz", "builtin"):
            raise ValueError(f"Graph.to_svg: layout must be 'auto', 'graphviz' or 'builtin', "
                             f"got {layout!r}")
        if layout != "builtin":
            try:
                return render_dot(self.to_dot(), "svg", "Graph.to_svg").decode("utf-8")
            except ImportError:
                if layout == "graphviz":
                    raise
        return layout_svg(self)

    def _repr_svg_(self):
        return self.to_svg()

    def summary(self, print_fn=None):
        """Prints a text outline of the graph, one line per node (as `model.summary()`)."""
        (print_fn or print)(str(self))

    def __str__(self):
        ops = sum(n.kind in ("op", "cut_op") for n in self.nodes)
        watched = sum(n.kind in ("variable", "source") for n in self.nodes)
        rows = [f"Tape graph: {ops} op{'s' * (ops != 1)}, {watched} watched "
                f"source{'s' * (watched != 1)}"
                + ("" if self.lines_known else " (lines unknown: build it under "
                   "tapegrad.debug.explaining())")]
        width = max((len(n.title) for n in self.nodes), default=0)
        inputs = {}
        for e in self.edges:
            inputs.setdefault(e.dst.id, []).append(e)
        for n in self.nodes:
            what = {"variable": "watched variable", "source": "watched tensor",
                    "unwatched": "not watched", "constant": "constant", "op": "",
                    "cut_op": "not recorded"}[n.kind]
            row = f"  {n.id:>4}  {n.title:<{width}}  {n.detail}"
            row += f"  {what}" if what else ""
            row += f"  {n.line}" if n.line else ""
            if n.id in inputs:
                row += "  <- " + ", ".join(_edge_text(e) for e in inputs[n.id])
            rows.append(row + ("  [target]" if n.target else ""))
        return "\n".join(rows)

    __repr__ = __str__


def _edge_text(e):
    mark = f" (cut: {e.why})" if e.kind == "cut" else ""
    return e.src.id + mark


def graph(tape, target, sources=None):
    """A picture of what `tape` recorded, from `sources` to `target`.

    tapegrad's own addition beside TensorFlow's API. The nodes are the ops the target was
    computed from (name, dtype and shape, the user's line), the watched variables and tensors
    and the constants; an edge carries a gradient back to a source, or is cut (and says why:
    `stop_gradient`, an integer dtype, an op outside the tape, ...), or carries none because it
    does not depend on a source. Built inside (or after) `with tapegrad.debug.explaining():`
    it shows every op with its line, also those the tape did not record; otherwise it shows
    the tape's records (call it before `gradient` on a non-persistent tape).

    Args:
        tape: the GradientTape.
        target: a Tensor (or a structure of them).
        sources: the sources to mark, default the tape's watched variables and tensors.

    Returns:
        A `Graph`: `.to_dot()`, `.render(path)`, `.to_svg()`, `.summary()`; Jupyter shows it.
    """
    targets = [t for t in nest.flatten(target) if hasattr(t, "_value")]
    if sources is None:
        sources = list(tape.watched_variables())
    sources = [s for s in nest.flatten(sources) if hasattr(s, "_value")]
    log = current_log()
    serial = None if log is None else log.tape_serial(tape)
    if log is not None and (serial is not None or any(t._tid in log.producer for t in targets)):
        return _from_log(tape, log, serial, targets, sources)
    return _from_records(tape, targets, sources)


class _Builder:
    def __init__(self):
        self.nodes, self.edges, self.by_tid = [], [], {}

    def node(self, tid, kind, title, detail, line=None):
        node = self.by_tid.get(tid)
        if node is None:
            node = self.by_tid[tid] = Node(f"n{len(self.nodes) + 1}", kind, title, detail, line)
            self.nodes.append(node)
        return node


def _leaf(b, tid, info, tracked, source_tids):
    """The node of a tensor no op in the graph made: a variable, a watched tensor, a constant."""
    detail = _detail(info.dtype, info.shape) if info is not None else ""
    if info is not None and info.origin == "variable":
        name = info.name or "variable"
        return b.node(tid, "variable" if tid in tracked else "unwatched", name, detail)
    if tid in source_tids or tid in tracked:
        return b.node(tid, "source" if tid in tracked else "unwatched", "tensor", detail)
    value = None if info is None else info.value
    return b.node(tid, "constant", "constant" if value is None else repr(value), detail)


class _TapeView:
    """The tape's state for `reason_for_cut`."""

    def __init__(self, tape, serial):
        self.serial = serial
        self.tracked = tape._tracked


def _from_log(tape, log, serial, targets, sources):
    source_tids = {s._tid for s in sources if s._tid}
    _, grad = log.cones(serial, source_tids)
    keep = log.ancestors([t._tid for t in targets])
    b = _Builder()
    view = _TapeView(tape, serial)
    for e in log.events:
        if e.kind != "op" or e.output not in keep:
            continue
        ins = []
        for tid in e.inputs:
            ins.append(b.by_tid.get(tid) or _leaf(b, tid, log.tensors.get(tid), tape._tracked,
                                                   source_tids))
        info = log.tensors.get(e.output)
        kind = "op" if serial in e.recorded else "cut_op"
        out = b.node(e.output, kind, e.name, _detail(info.dtype, info.shape), e.line)
        for i, (tid, node) in enumerate(zip(e.inputs, ins)):
            if tid in grad and e.output in grad and carries(e, i):
                b.edges.append(Edge(node, out, "gradient"))
            elif tid in grad:
                why = reason_for_cut(view, log, e, source_tids).kind
                b.edges.append(Edge(node, out, "cut", why))
            else:
                b.edges.append(Edge(node, out, "none"))
    _mark_targets(b, targets)
    return Graph(b.nodes, b.edges, True)


def _from_records(tape, targets, sources):
    records = tape._records
    producer = {rec.output._tid: rec for rec in records}
    keep, todo = set(), [t._tid for t in targets]
    while todo:
        tid = todo.pop()
        if tid in keep:
            continue
        keep.add(tid)
        rec = producer.get(tid)
        if rec is not None:
            todo.extend(a._tid for a in rec.inputs)
    source_tids = {s._tid for s in sources if s._tid}
    variables = {v._tid: v for v in tape.watched_variables()}
    variables.update({s._tid: s for s in sources if hasattr(s, "_read")})
    grad = set(source_tids)
    b = _Builder()
    for rec in records:
        out_tid = rec.output._tid
        if out_tid not in keep:
            continue
        ins = []
        for a in rec.inputs:
            node = b.by_tid.get(a._tid)
            if node is None:
                detail = _detail(a.dtype.name, a._value.shape)
                if a._tid in variables:
                    node = b.node(a._tid, "variable", variables[a._tid].name, detail)
                elif a._tid in tape._tracked:
                    node = b.node(a._tid, "source", "tensor", detail)
                else:
                    # a record may keep a value-less stand-in of an input (record.py)
                    whole = a._value.size < record.SHELL_MIN_SIZE
                    small = a._value.item() if a._value.size == 1 and whole else None
                    node = b.node(a._tid or ("constant", id(a)), "constant",
                                  "constant" if small is None else repr(small), detail)
            ins.append(node)
        rules = rec.prim.vjp
        rules = rules if type(rules) is tuple else (rules,) * len(ins)
        passes = [a._tid in grad and r is not NONE for a, r in zip(rec.inputs, rules)]
        if any(passes):
            grad.add(out_tid)
        out = b.node(out_tid, "op", rec.prim.name, _detail(rec.output.dtype.name,
                                                           rec.output._value.shape))
        for a, node, p in zip(rec.inputs, ins, passes):
            kind = "gradient" if p else ("cut" if a._tid in grad else "none")
            b.edges.append(Edge(node, out, kind, "no_gradient" if kind == "cut" else None))
    _mark_targets(b, targets)
    return Graph(b.nodes, b.edges, False)


def _mark_targets(b, targets):
    for t in targets:
        node = b.by_tid.get(t._tid)
        if node is not None:
            node.target = True
