"""The rules of docs/architecture.md that code can check: no import cycles, no private names
imported from another module, no web module over 500 lines, and estimates.py never importing
tasks.py (it sends the task by name)."""

from __future__ import annotations

import ast
from pathlib import Path

from projects import estimates
from projects.tasks import run_estimate_task

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("projects", "riskboard")
# Pure numpy below these: not the web layer, and its data tables may be long.
NOT_WEB = ("projects/engine/", "projects/calibration/", "projects/migrations/")
MAX_WEB_MODULE_LINES = 500


def modules() -> dict[str, Path]:
    """Every module of the app's packages, by dotted name."""
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _runtime_nodes(tree: ast.AST):
    """Every node of the tree but those under `if TYPE_CHECKING:`, which never run."""
    for node in ast.iter_child_nodes(tree):
        test = getattr(node, "test", None) if isinstance(node, ast.If) else None
        if isinstance(test, ast.Name | ast.Attribute) and "TYPE_CHECKING" in ast.unparse(test):
            yield from (child for branch in node.orelse for child in ast.walk(branch))
            continue
        yield node
        yield from _runtime_nodes(node)


def imports(path: Path, name: str, known: dict[str, Path]) -> list[tuple[str, list[str]]]:
    """(module imported, names taken from it) for every import in the file, even those inside
    functions: an import deferred to run time still ties the two modules together. Imports
    for type checkers only are left out."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in _runtime_nodes(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([node.module] if node.module else []))
            for alias in node.names:
                # `from projects.views import report` imports the module projects.views.report.
                submodule = f"{base}.{alias.name}"
                found.append((submodule, []) if submodule in known else (base, [alias.name]))
    return [(module, names) for module, names in found if module in known]


def test_no_import_cycles():
    known = modules()
    graph = {
        name: {module for module, _ in imports(path, name, known) if module != name}
        for name, path in known.items()
    }
    cycles = []
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            cycles.append(path[path.index(name) :] + [name])
            return
        if name in done:
            return
        for target in sorted(graph[name]):
            visit(target, [*path, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])
    assert cycles == []


def test_no_module_takes_a_private_name_from_another():
    known = modules()
    private = []
    for name, path in known.items():
        found = imports(path, name, known)
        private += [f"{name}: {m}.{n}" for m, names in found for n in names if n.startswith("_")]
        # Modules imported by name (`from projects import charts`), then `charts._layout`.
        aliases = {module.rpartition(".")[2] for module, names in found if not names}
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                private.append(f"{name}: {node.value.id}.{node.attr}")
    assert private == []


def test_no_web_module_is_longer_than_500_lines():
    long = []
    for path in modules().values():
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith(NOT_WEB):
            continue
        lines = len(path.read_text().splitlines())
        if lines > MAX_WEB_MODULE_LINES:
            long.append(f"{relative}: {lines} lines")
    assert long == []


def test_estimates_send_the_task_by_its_name():
    known = modules()
    path = known["projects.estimates"]
    imported = {module for module, _ in imports(path, "projects.estimates", known)}
    assert "projects.tasks" not in imported
    assert run_estimate_task.name == estimates.RUN_ESTIMATE_TASK
