"""docs/ops.md is generated from the registry and must be current."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _generator():
    spec = importlib.util.spec_from_file_location("gen_ops_doc", ROOT / "tools" / "gen_ops_doc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_ops_doc_is_current():
    gen = _generator()
    assert gen.TARGET.read_text() == gen.render(), (
        "docs/ops.md is out of date: run python tools/gen_ops_doc.py"
    )


def test_ops_doc_lists_every_registered_op():
    from tapegrad._core.primitive import COMPOSITES, PRIMITIVES

    text = _generator().render()
    for name in list(PRIMITIVES) + list(COMPOSITES):
        assert f"| `{name}` |" in text
