"""keras.utils.plot_model / model_to_dot: the DOT text of a model's graph (always written), and
the image rendered through the graphviz package, or an error naming what to install."""

import sys
import types

import pytest

from tapegrad import keras


def _functional():
    inputs = keras.Input((4,), name="x")
    a = keras.layers.Dense(3, activation="relu", name="d1")(inputs)
    b = keras.layers.Dense(2, name="d2")(inputs)
    return keras.Model(inputs, keras.layers.concatenate([a, b], name="cat"), name="net")


def test_dot_of_a_functional_graph():
    dot = keras.utils.model_to_dot(
        _functional(),
        show_shapes=True,
        show_layer_activations=True,
        show_dtype=True,
        show_trainable=True,
        rankdir="LR",
    )
    assert dot.startswith('digraph "net" {') and "rankdir=LR" in dot
    assert '"d1 (Dense)\\nactivation: relu\\ninput: (None, 4)\\noutput: (None, 3)' in dot
    assert "cat (Concatenate)\\ninput: (None, 3), (None, 2)\\noutput: (None, 5)" in dot
    edges = [line.strip() for line in dot.splitlines() if "->" in line]
    assert edges == ["n0 -> n1;", "n0 -> n2;", "n1 -> n3;", "n2 -> n3;"]


def test_dot_of_sequential_and_errors():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2), keras.layers.Dense(1)])
    dot = keras.utils.model_to_dot(model, show_layer_names=False)
    assert dot.count("->") == 2 and '"Dense"' in dot
    with pytest.raises(ValueError, match="has not yet been built"):
        keras.utils.model_to_dot(keras.Sequential([keras.layers.Dense(1)]))
    with pytest.raises(ValueError, match="rankdir"):
        keras.utils.model_to_dot(model, rankdir="XY")


def test_plot_model_writes_the_dot_file_and_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)  # as if not installed
    target = tmp_path / "model.png"
    with pytest.raises(ImportError, match=r'pip install "tapegrad\[plot\]"'):
        keras.utils.plot_model(_functional(), to_file=target, show_shapes=True)
    assert (tmp_path / "model.dot").read_text().startswith('digraph "net"')
    assert keras.utils.plot_model(_functional(), to_file=tmp_path / "only.dot") is None
    assert (tmp_path / "only.dot").exists()


def test_plot_model_renders_through_graphviz(tmp_path, monkeypatch):
    calls = []

    class Source:
        def __init__(self, text):
            calls.append(text)

        def pipe(self, format):
            return b"\x89PNG fake " + format.encode()

    fake = types.SimpleNamespace(Source=Source, ExecutableNotFound=RuntimeError)
    monkeypatch.setitem(sys.modules, "graphviz", fake)
    keras.utils.plot_model(_functional(), to_file=tmp_path / "m.svg")
    assert (tmp_path / "m.svg").read_bytes() == b"\x89PNG fake svg"
    assert calls and calls[0] == (tmp_path / "m.dot").read_text()


def test_plot_model_without_graphviz_program(tmp_path):
    graphviz = pytest.importorskip("graphviz")
    import shutil

    if shutil.which("dot"):
        keras.utils.plot_model(_functional(), to_file=tmp_path / "m.png")
        assert (tmp_path / "m.png").read_bytes()[:4] == b"\x89PNG"
        return
    with pytest.raises(ImportError, match="Graphviz's `dot` program"):
        keras.utils.plot_model(_functional(), to_file=tmp_path / "m.png")
    assert graphviz and (tmp_path / "m.dot").exists()
