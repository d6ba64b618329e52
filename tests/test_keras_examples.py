"""The California housing examples run end to end (one epoch) when their extras are installed."""

import importlib.util
import sys
from pathlib import Path

import pytest

pytest.importorskip("sklearn")
pytest.importorskip("matplotlib")

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.mark.parametrize("name", ["california_housing", "california_housing_fit"])
def test_example_trains_one_epoch(name, tmp_path, monkeypatch, capsys):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "curves.png"
    monkeypatch.setattr(sys, "argv", [name, "--seed", "0", "--epochs", "1", "--out", str(out)])
    module.main()
    text = capsys.readouterr().out
    mse = float(text.split("final validation MSE: ")[1].split()[0])
    assert mse < 0.7 and out.exists()
