"""Every module's ``__all__`` lists exactly its public names (no drift), and exists."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import ermbit

ROOT = Path(ermbit.__file__).parent
MODULES = sorted(
    p for p in ROOT.rglob("*.py") if not p.name.startswith("_") or p.name == "__init__.py"
)


def _name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _defined_public(path: Path) -> set[str]:
    """Public names a module defines itself: functions, classes and constants at top level."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {n for n in names if not n.startswith("_")}


def _is_alias(module: object, name: str) -> bool:
    """Type aliases and TypeVars are helpers, not API (listed or not, either is fine)."""
    value = getattr(module, name)
    return not callable(value) or type(value).__name__ in ("TypeVar", "GenericAlias", "UnionType")


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_all_matches_the_public_names(path: Path) -> None:
    module = importlib.import_module(_name(path))
    if path.name == "__init__.py" and not hasattr(module, "__all__") and not _defined_public(path):
        return  # a package docstring only: nothing to export
    assert hasattr(module, "__all__"), f"{_name(path)} has no __all__"
    listed = set(module.__all__)
    missing = [n for n in listed if not hasattr(module, n)]
    assert not missing, f"{_name(path)}.__all__ names what it lacks: {missing}"
    unlisted = {
        n
        for n in _defined_public(path) - listed
        if not _is_alias(module, n)
        and getattr(getattr(module, n), "__module__", None) == module.__name__
    }
    assert not unlisted, (
        f"{_name(path)} defines public names missing from __all__: {sorted(unlisted)}"
    )
