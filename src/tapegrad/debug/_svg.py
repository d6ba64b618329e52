"""tapegrad's own SVG drawing of a tape graph, for where Graphviz is not installed.

A plain layered layout: each node sits one row below the lowest of its inputs (sources and
constants on top, the target at the bottom), the nodes of a row ordered by where their inputs
are (two barycentre sweeps), edges drawn as curves from an input's bottom to an op's top. It
is no match for Graphviz's `dot` on large graphs, but needs nothing beyond the standard library.
"""

import itertools
from xml.sax.saxutils import escape

__all__ = ["layout_svg"]

_CHAR_W, _LINE_H, _PAD, _GAP_X, _GAP_Y = 7.0, 15.0, 10.0, 28.0, 56.0

# fill, stroke, dash, rounded: as the DOT styles of _graph.py
_BOX = {
    "variable": ("#dbeafe", "#1d4ed8", None, True),
    "source": ("#dbeafe", "#1d4ed8", None, True),
    "unwatched": ("#ffffff", "#6b7280", "4 3", True),
    "constant": (None, None, None, False),
    "op": ("#f3f4f6", "#111827", None, False),
    "cut_op": ("#fef2f2", "#b91c1c", "4 3", False),
}
_LINE = {  # stroke, width, dash
    "gradient": ("#1d4ed8", 2.0, None),
    "cut": ("#b91c1c", 1.2, "5 4"),
    "none": ("#9ca3af", 1.0, None),
}


class _Point:
    """A slot an edge passes through on a row it crosses (so no edge is drawn over a node)."""

    __slots__ = ("id",)

    def __init__(self, id):
        self.id = id


def _rows(graph):
    """The rows, each node one row below the lowest of its inputs, with a `_Point` on each row
    an edge crosses; and each edge's chain of ids from its input to its op."""
    row = {}
    inputs = {n.id: [e.src for e in graph.edges if e.dst is n] for n in graph.nodes}
    for n in graph.nodes:  # inputs come before the ops that use them
        row[n.id] = 1 + max((row[s.id] for s in inputs[n.id]), default=-1)
    rows = [[] for _ in range(max(row.values(), default=-1) + 1)]
    for n in graph.nodes:
        rows[row[n.id]].append(n)
    chains, above = [], {n.id: [s.id for s in inputs[n.id]] for n in graph.nodes}
    for k, e in enumerate(graph.edges):
        chain = [e.src.id]
        for r in range(row[e.src.id] + 1, row[e.dst.id]):
            point = _Point(f"p{k}.{r}")
            rows[r].append(point)
            above[point.id] = [chain[-1]]
            chain.append(point.id)
        chains.append(chain + [e.dst.id])
        if len(chain) > 1:
            above[e.dst.id] = [chain[-1] if x == e.src.id else x for x in above[e.dst.id]]
    for _ in range(3):  # order each row by the mean position of what is above it
        place = {n.id: i for r in rows for i, n in enumerate(r)}
        for r in rows[1:]:
            r.sort(key=lambda n: sum(place[a] for a in above[n.id]) / max(len(above[n.id]), 1))
            place.update({n.id: i for i, n in enumerate(r)})
    return rows, chains


def layout_svg(graph):
    """The graph as SVG text, laid out by tapegrad itself (see the module docstring)."""
    rows, chains = _rows(graph)
    size = {}
    for n in graph.nodes:
        lines = n.label.split("\n")
        size[n.id] = (max(len(t) for t in lines) * _CHAR_W + 2 * _PAD,
                      len(lines) * _LINE_H + 2 * _PAD - 4)
    for r in rows:
        size.update({p.id: (0.0, 0.0) for p in r if isinstance(p, _Point)})
    widths = [sum(size[n.id][0] for n in r) + _GAP_X * (len(r) - 1) for r in rows]
    width = max(widths, default=0) + 2 * _GAP_X
    pos, y = {}, _GAP_X / 2
    for r, w in zip(rows, widths):
        x = (width - w) / 2
        height = max(size[n.id][1] for n in r)
        for n in r:
            pos[n.id] = (x, y + (height - size[n.id][1]) / 2 if size[n.id][1] else y + height / 2)
            x += size[n.id][0] + _GAP_X
        y += height + _GAP_Y
    height = y - _GAP_Y + _GAP_X / 2
    out = [
        (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
         f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="Helvetica, Arial, sans-serif">'),
        "<defs>",
    ]
    for kind, (stroke, _, _) in _LINE.items():
        out.append(f'<marker id="arrow-{kind}" viewBox="0 0 10 10" refX="9" refY="5" '
                   'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
                   f'<path d="M0,0 L10,5 L0,10 z" fill="{stroke}"/></marker>')
    out.append("</defs>")
    out.append(f'<rect width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>')
    ends = _ends(graph, chains, pos, size)
    for e, chain, (start, end) in zip(graph.edges, chains, ends):
        points = [start] + [pos[i] for i in chain[1:-1]] + [end]
        out.append(_edge(e, points))
    for n in graph.nodes:
        out.append(_node(n, pos[n.id], size[n.id]))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _ends(graph, chains, pos, size):
    """Where each edge leaves its input's bottom and enters its op's top: spread along the
    side, in the order of where the edges go (or come from), so that they do not overlap."""
    leaving, entering = {}, {}
    for k, chain in enumerate(chains):
        leaving.setdefault(chain[0], []).append(k)
        entering.setdefault(chain[-1], []).append(k)

    def spread(node_id, ks, other, bottom):
        (x, y), (w, h) = pos[node_id], size[node_id]
        ks = sorted(ks, key=lambda k: pos[chains[k][other]][0])
        return {k: (x + w * (j + 1) / (len(ks) + 1), y + h if bottom else y)
                for j, k in enumerate(ks)}

    start, end = {}, {}
    for node_id, ks in leaving.items():
        start.update(spread(node_id, ks, 1, True))
    for node_id, ks in entering.items():
        end.update(spread(node_id, ks, -2, False))
    return [(start[k], end[k]) for k in range(len(chains))]


def _edge(e, points):
    stroke, width, dash = _LINE[e.kind]
    path = f"M{points[0][0]:.1f},{points[0][1]:.1f}"
    for (x1, y1), (x2, y2) in itertools.pairwise(points):
        bend = (y2 - y1) / 2
        path += f" C{x1:.1f},{y1 + bend:.1f} {x2:.1f},{y2 - bend:.1f} {x2:.1f},{y2:.1f}"
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    text = ""
    if e.why:
        (x1, y1), (x2, y2) = points[0], points[1]
        text = (f'<text x="{(x1 + x2) / 2 + 4:.1f}" y="{(y1 + y2) / 2:.1f}" font-size="10" '
                f'fill="{stroke}">{escape(e.why)}</text>')
    return (f'<path d="{path}" fill="none" stroke="{stroke}" stroke-width="{width}"{dashed} '
            f'marker-end="url(#arrow-{e.kind})"/>{text}')


def _node(n, at, box):
    (x, y), (w, h) = at, box
    fill, stroke, dash, rounded = _BOX[n.kind]
    parts = []
    if stroke is not None:
        r = ' rx="8"' if rounded else ' rx="2"'
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}"{r} '
                     f'fill="{fill}" stroke="{stroke}"{dashed}/>')
        if n.target:
            parts.append(f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="{w + 6:.1f}" '
                         f'height="{h + 6:.1f}"{r} fill="none" stroke="{stroke}"/>')
    color = "#6b7280" if n.kind == "constant" else "#111827"
    for i, line in enumerate(n.label.split("\n")):
        weight = ' font-weight="bold"' if i == 0 and n.kind != "constant" else ""
        parts.append(f'<text x="{x + w / 2:.1f}" y="{y + _PAD + 9 + i * _LINE_H:.1f}" '
                     f'font-size="{12 if i == 0 else 10}" text-anchor="middle" fill="{color}"'
                     f"{weight}>{escape(line)}</text>")
    return "\n".join(parts)
