"""Data flows one way: layout/ocr → mapping → models → govreport.

A stage may use the data types of the stages after it (mapping produces the
``Mapping`` that ``models`` defines) but never imports a stage before it, nor
the pipeline package. Checked on the source with ``ast``, so a violating
import is caught even where it sits inside a function.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("layout", "ocr", "mapping", "models", "govreport")
# the packages each stage must not import: those before it in the flow
# (layout and ocr run side by side and stay independent of each other)
FORBIDDEN = {
    "layout": {"ocr", "mapping", "models", "govreport"},
    "ocr": {"layout", "mapping", "models", "govreport"},
    "mapping": {"layout", "ocr", "govreport"},
    "models": {"layout", "ocr", "mapping", "govreport"},
}


def first_party_imports(package: str) -> dict[str, set[str]]:
    """Top-level first-party packages imported by each module of `package` (absolute imports)."""
    out: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
        out[str(path.relative_to(ROOT))] = names & set(STAGES)
    return out


@pytest.mark.parametrize("stage", sorted(FORBIDDEN))
def test_no_stage_imports_one_before_it(stage: str) -> None:
    modules = first_party_imports(stage)
    assert modules, f"no modules found in {stage}/"
    bad = {module: sorted(names & FORBIDDEN[stage]) for module, names in modules.items()
           if names & FORBIDDEN[stage]}
    assert not bad, f"{stage} imports a stage before it: {bad}"


def test_the_mapping_hand_off_is_the_models_type() -> None:
    import mapping
    import models

    assert mapping.Mapping is models.Mapping and mapping.MappedValue is models.MappedValue
