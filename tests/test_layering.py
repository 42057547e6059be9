"""The package's one-way data flow, checked on every import statement (lazy ones too).

Layers, lowest first: foundation (errors, exact, cnf, formats, slp) → problems and the
network model → instance families and io → reductions → solvers and exports → pipelines,
checking and studies → cli.  A module may import from its own layer or lower ones only;
besides, solvers never import reductions (they sit side by side in the data flow: claims
reach solvers through :class:`ermbit.reductions.base.Oracles`), and the network engine is
private to :mod:`ermbit.network`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import ermbit

ROOT = Path(ermbit.__file__).parent

#: package prefix -> layer number (the longest matching prefix wins).
LAYERS = {
    "ermbit.errors": 0,
    "ermbit.exact": 0,
    "ermbit.validate": 0,
    "ermbit.fields": 0,
    "ermbit.files": 0,
    "ermbit.cnf": 1,
    "ermbit._dimacs": 1,
    "ermbit.slp": 1,
    "ermbit.formats": 1,
    "ermbit.kind_registry": 1,
    "ermbit.problems": 2,
    "ermbit.network": 2,
    "ermbit.instances": 3,
    "ermbit.io": 3,
    "ermbit.reductions": 4,
    "ermbit.solvers": 5,
    "ermbit.export": 5,
    "ermbit.pipelines": 6,
    "ermbit.checking": 6,
    "ermbit.studies": 6,
    "ermbit.cli": 7,
    "ermbit": 8,  # the package's own __init__ re-exports everything
}


def layer(module: str) -> int:
    """The layer of ``module``; the root package ``ermbit`` matches only itself."""
    found = [p for p in LAYERS if module == p or (p != "ermbit" and module.startswith(p + "."))]
    if not found:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS in {__file__}")
    return LAYERS[max(found, key=len)]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[int, str]]:
    """Every ``ermbit`` module imported anywhere in ``path`` (with its line)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("ermbit")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                mod = f"{base}.{node.module}" if node.module else base
            else:
                mod = node.module or ""
            if mod.startswith("ermbit"):
                # "from ermbit.x import y" may import the submodule ermbit.x.y
                subs = [f"{mod}.{a.name}" for a in node.names]
                found += [(node.lineno, s if _is_module(s) else mod) for s in subs]
    return found


def _is_module(name: str) -> bool:
    rel = Path(*name.split(".")[1:])
    return (ROOT / rel).with_suffix(".py").exists() or (ROOT / rel / "__init__.py").exists()


MODULES = sorted(ROOT.rglob("*.py"))


def test_the_walk_sees_every_module() -> None:
    assert len(MODULES) > 50
    for path in MODULES:
        layer(module_name(path))  # every module belongs to a declared layer
    assert layer("ermbit.solvers.sat.counting") == 5 and layer("ermbit.reductions.base") == 4


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_imports_flow_one_way(path: Path) -> None:
    here = module_name(path)
    bad = [
        f"line {line}: {here} (layer {layer(here)}) imports {mod} (layer {layer(mod)})"
        for line, mod in imports(path)
        if layer(mod) > layer(here)
    ]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_solvers_and_reductions_do_not_import_each_other(path: Path) -> None:
    here = module_name(path)
    for top, other in (
        ("ermbit.solvers", "ermbit.reductions"),
        ("ermbit.reductions", "ermbit.solvers"),
    ):
        if here.startswith(top):
            bad = [(line, m) for line, m in imports(path) if m.startswith(other)]
            assert not bad, f"{here} imports {bad}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_the_engine_is_private_to_network(path: Path) -> None:
    here = module_name(path)
    if not here.startswith("ermbit.network"):
        bad = [(line, m) for line, m in imports(path) if m.startswith("ermbit.network.engine")]
        assert not bad, f"{here} reaches into the network engine: {bad}"


def test_a_violation_would_be_caught(tmp_path: Path) -> None:
    assert layer("ermbit.cli.instances") > layer("ermbit.reductions.sat_to_slp")
    assert layer("ermbit.slp") < layer("ermbit.network")
