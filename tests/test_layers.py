"""The shape of the code, as rules that can fail: the import-linter contracts in
pyproject.toml (the layers of ARCHITECTURE.md), no import cycle inside ``desk``, and no
module reaching into another's private names."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("desk", "ui", "models", "reports", "resources")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_import_contracts_hold() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("desk/read/queue.py", "from desk.process import workflow", "desk.read is not allowed"),
    ("desk/process/reporting.py", "from desk.notify import outbox",
     "desk.process is not allowed"),
    ("desk/rules/sla.py", "from desk.db import Database", "desk.rules is not allowed"),
    ("reports/layout.py", "import desk.errors", "reports is not allowed"),
    ("models/entities.py", "import desk.errors", "models is not allowed"),
])
def test_a_back_import_breaks_a_contract(tmp_path: Path, module: str, line: str,
                                         contract: str) -> None:
    for name in PACKAGES:
        shutil.copytree(ROOT / name, tmp_path / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.ttf", "*.ttc", "*.otf"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    with (tmp_path / module).open("a", encoding="utf-8") as f:
        f.write(f"\n{line}  # a back-import\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0, result.stdout
    assert contract in result.stdout


def desk_modules() -> list[Path]:
    return sorted((ROOT / "desk").rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_desk_has_no_import_cycle() -> None:
    graph = grimp.build_graph("desk")
    modules = sorted(graph.modules)
    index, low, on_stack, stack, cycles = {}, {}, set(), [], []

    def visit(m: str) -> None:  # Tarjan's strongly connected components
        index[m] = low[m] = len(index)
        stack.append(m)
        on_stack.add(m)
        for n in sorted(graph.find_modules_directly_imported_by(m)):
            if n not in index:
                visit(n)
                low[m] = min(low[m], low[n])
            elif n in on_stack:
                low[m] = min(low[m], index[n])
        if low[m] == index[m]:
            component = []
            while True:
                n = stack.pop()
                on_stack.discard(n)
                component.append(n)
                if n == m:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))
    for m in modules:
        if m not in index:
            visit(m)
    assert cycles == []


def private_imports(path: Path, own: str | None = None) -> list[str]:
    """``from x import _name`` and ``module._name`` of another Desk module in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own = own or module_name(path)
    found: list[str] = []
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                and node.module.split(".")[0] in PACKAGES:
            for a in node.names:
                target = f"{node.module}.{a.name}"
                if a.name.startswith("_") and not a.name.startswith("__") \
                        and node.module != own:
                    found.append(f"{own}:{node.lineno} imports {target}")
                aliases[a.asname or a.name] = target
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] in PACKAGES:
                    aliases[a.asname or a.name] = a.name
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") \
                and not node.attr.startswith("__") and isinstance(node.value, ast.Name) \
                and node.value.id in aliases and aliases[node.value.id] != own \
                and (ROOT / (aliases[node.value.id].replace(".", "/") + ".py")).exists():
            found.append(f"{own}:{node.lineno} uses {aliases[node.value.id]}.{node.attr}")
    return found


def test_no_module_uses_another_modules_private_names() -> None:
    found = [hit for path in desk_modules() + sorted((ROOT / "ui").rglob("*.py"))
             for hit in private_imports(path)]
    assert found == []


def test_the_private_name_check_sees_both_forms(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("from desk.read.tickets import load_ticket, _x\n"
                     "from desk.read import queue\n\nqueue._search\n", encoding="utf-8")
    hits = private_imports(probe, own="desk.probe")
    assert len(hits) == 2 and "desk.read.tickets._x" in hits[0]
    assert "desk.read.queue._search" in hits[1]
