"""tapegrad.debug.graph: the picture of a tape (DOT text, SVG, the text outline, rendering)."""

import builtins
import inspect
import os
import re

import pytest

import tapegrad as tf
from tapegrad import tutorial
from tapegrad._core import record

# The tutorial's g(x1, x2) = (x1 + 5) * x2**2, checked by eye against the function: x1 and the
# constant 5 go into add, x2 into square, both into the target multiply, and every edge from
# a variable to the target carries a gradient (blue) while the constant's does not (grey).
GOLDEN_G = """\
digraph tape {
  graph [rankdir=TB, fontname="Helvetica"];
  node [fontname="Helvetica", fontsize=11];
  edge [fontname="Helvetica", fontsize=9];
  n1 [label="x1:0\\nfloat32 scalar", shape=box, style="rounded,filled", fillcolor="#dbeafe", \
color="#1d4ed8"];
  n2 [label="5.0\\nfloat32 scalar", shape=plaintext, fontcolor="#6b7280"];
  n3 [label="add\\nfloat32 scalar\\ntutorial.py:{line}", shape=box, style=filled, \
fillcolor="#f3f4f6"];
  n4 [label="x2:0\\nfloat32 scalar", shape=box, style="rounded,filled", fillcolor="#dbeafe", \
color="#1d4ed8"];
  n5 [label="square\\nfloat32 scalar\\ntutorial.py:{line}", shape=box, style=filled, \
fillcolor="#f3f4f6"];
  n6 [label="multiply  (target)\\nfloat32 scalar\\ntutorial.py:{line}", shape=box, \
style=filled, fillcolor="#f3f4f6", peripheries=2];
  n1 -> n3 [color="#1d4ed8", penwidth=2];
  n2 -> n3 [color="#9ca3af"];
  n4 -> n5 [color="#1d4ed8", penwidth=2];
  n3 -> n6 [color="#1d4ed8", penwidth=2];
  n5 -> n6 [color="#1d4ed8", penwidth=2];
}
"""


def _tutorial_g(explaining=True, persistent=False):
    x1, x2 = tf.Variable(2.0, name="x1"), tf.Variable(3.0, name="x2")
    if explaining:
        with tf.debug.explaining(), tf.GradientTape(persistent=persistent) as tape:
            z = tutorial.g(x1, x2)
    else:
        with tf.GradientTape(persistent=persistent) as tape:
            z = tutorial.g(x1, x2)
    return tape, z, x1, x2


def _g_line():
    source, first = inspect.getsourcelines(tutorial.g)
    return first + next(i for i, text in enumerate(source) if "return" in text)


def _golden():
    return GOLDEN_G.replace("{line}", str(_g_line()))


def test_golden_dot_of_the_tutorial_g():
    tape, z, x1, x2 = _tutorial_g()
    assert tf.debug.graph(tape, z, [x1, x2]).to_dot() == _golden()


def test_graph_from_the_records_alone_has_the_same_structure_without_lines(monkeypatch):
    monkeypatch.setattr(record, "SHELL_MIN_SIZE", 1024)  # the default: scalars are kept whole
    tape, z, x1, x2 = _tutorial_g(explaining=False)
    g = tf.debug.graph(tape, z, [x1, x2])
    assert not g.lines_known
    expected = _golden().replace(f"\\ntutorial.py:{_g_line()}", "")
    assert g.to_dot() == expected
    monkeypatch.setattr(record, "SHELL_MIN_SIZE", 0)  # a record may keep no value: not shown
    tape, z, x1, x2 = _tutorial_g(explaining=False)
    assert 'label="constant\\nfloat32 scalar"' in tf.debug.graph(tape, z, [x1, x2]).to_dot()


def test_default_sources_are_the_watched_variables():
    tape, z, _, _ = _tutorial_g()
    assert tf.debug.graph(tape, z).to_dot() == _golden()


def test_cut_edges_say_why():
    w = tf.Variable(2.0, name="w")
    with tf.debug.explaining(), tf.GradientTape() as tape:
        y = tf.stop_gradient(w * 2.0) + tf.cast(tf.cast(w, tf.int32), tf.float32) + w
    g = tf.debug.graph(tape, y, [w])
    cuts = sorted(e.why for e in g.edges if e.kind == "cut")
    assert cuts == ["integer", "stop_gradient"]
    dot = g.to_dot()
    assert 'label="stop_gradient"' in dot and 'label="integer"' in dot
    # not recorded: stop_gradient, both casts, and the add of their two constant results
    assert [n.title for n in g.nodes if n.kind == "cut_op"] == [
        "stop_gradient", "cast", "cast", "add"]
    assert g.nodes[-1].target and g.nodes[-1].kind == "op"
    assert any(e.kind == "gradient" for e in g.edges)


def test_summary_prints_an_outline(capsys):
    tape, z, x1, x2 = _tutorial_g()
    tf.debug.graph(tape, z, [x1, x2]).summary()
    out = capsys.readouterr().out
    assert out.startswith("Tape graph: 3 ops, 2 watched sources\n")
    assert "watched variable" in out and "[target]" in out
    assert f"tutorial.py:{_g_line()}  <- n3, n5  [target]" in out


def test_builtin_svg_draws_every_node():
    tape, z, x1, x2 = _tutorial_g()
    svg = tf.debug.graph(tape, z, [x1, x2]).to_svg(layout="builtin")
    assert svg.startswith("<svg ") and svg.rstrip().endswith("</svg>")
    for text in ("x1:0", "x2:0", "add", "square", "multiply", "5.0"):
        assert f">{text}" in svg
    assert len(re.findall(r'<path d="M[\d.]+,[\d.]+ C', svg)) == 5  # one curve per edge


def _without_graphviz(monkeypatch):
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "graphviz":
            raise ImportError("No module named 'graphviz'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)


def test_render_without_graphviz_says_what_to_install(monkeypatch, tmp_path):
    tape, z, x1, x2 = _tutorial_g()
    g = tf.debug.graph(tape, z, [x1, x2])
    _without_graphviz(monkeypatch)
    with pytest.raises(ImportError, match=r'pip install "tapegrad\[plot\]"'):
        g.render(tmp_path / "g.svg")
    assert not os.path.exists(tmp_path / "g.svg")
    with pytest.raises(ImportError, match="graphviz"):
        g.to_svg(layout="graphviz")
    assert g._repr_svg_().startswith("<svg ")  # Jupyter falls back on the builtin layout


def test_render_with_graphviz_writes_the_image(tmp_path):
    graphviz = pytest.importorskip("graphviz")
    tape, z, x1, x2 = _tutorial_g()
    g = tf.debug.graph(tape, z, [x1, x2])
    try:
        graphviz.Source("digraph { a }").pipe(format="svg")
    except graphviz.ExecutableNotFound:
        with pytest.raises(ImportError, match="`dot` program"):
            g.render(tmp_path / "g.svg")
        return
    g.render(tmp_path / "g.svg")
    assert b"<svg" in (tmp_path / "g.svg").read_bytes()


def test_to_svg_rejects_an_unknown_layout():
    tape, z, _, _ = _tutorial_g()
    with pytest.raises(ValueError, match="layout must be"):
        tf.debug.graph(tape, z).to_svg(layout="neato")


def test_import_tapegrad_does_not_load_debug():
    import subprocess
    import sys

    code = "import sys, tapegrad; print('tapegrad.debug' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ}, check=True).stdout
    assert out.strip() == "False"
