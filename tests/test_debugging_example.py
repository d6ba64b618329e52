"""examples/debugging_gradients.py: the three tools of tapegrad.debug on the tutorial's f and g."""

import importlib.util
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "debugging_gradients.py"


def test_debugging_example_shows_each_tool(capsys, tmp_path):
    spec = importlib.util.spec_from_file_location("debugging_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(["--svg", str(tmp_path / "g.svg")])
    out = capsys.readouterr().out
    assert "Tape graph: 3 ops, 2 watched sources" in out and "digraph tape {" in out
    assert (tmp_path / "g.svg").read_text().startswith("<svg")
    for kind in ("[not_watched]", "[numpy]", "[rebound]", "No gradients provided"):
        assert kind in out
    assert "`round` has no gradient" in out
    assert "check_numerics: `multiply` made float32[]" in out and "in the forward pass" in out
    assert "reverse rule of `sqrt` for its input #0" in out
    assert "debugging_gradients.py:" in out
