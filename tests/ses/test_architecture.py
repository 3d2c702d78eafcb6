"""The house rules, read from the code's own imports (no module is run).

- The core (`ses`) never names an outer package except in the composition root, which holds the
  one list of installed packages (ses/packages.py) and builds the app and the CLI from it.
- Outer packages depend on the core, never on each other.
- No import cycle between files, counting imports inside functions too (they are cycles all the
  same, only deferred), but not imports made for type checking only.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[2]
CORE = "ses"
OUTER = ("accreditation", "network", "scrapers")
COMPOSITION_ROOT = {"ses/packages.py", "ses/app.py", "ses/cli.py"}
PACKAGES = (CORE, *OUTER)


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        base = ROOT / package
        if not base.is_dir():
            continue
        for path in base.rglob("*.py"):
            if "piccolo_migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The project modules a module imports (resolved to files), skipping TYPE_CHECKING blocks."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking_only(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                targets.add(full if full in known else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    resolved = set()
    for target in targets:
        while target and target not in known:
            target = target.rpartition(".")[0]
        if target and target != name:
            resolved.add(target)
    return resolved


def graph() -> nx.DiGraph:
    known = modules()
    g = nx.DiGraph()
    for name, path in known.items():
        g.add_node(name, path=str(path.relative_to(ROOT)))
        for target in imports_of(name, path, known):
            g.add_edge(name, target)
    return g


def test_the_core_names_no_outer_package_outside_the_composition_root():
    g = graph()
    offending = sorted(
        f"{g.nodes[source]['path']} imports {target}"
        for source, target in g.edges
        if source.split(".")[0] == CORE
        and target.split(".")[0] in OUTER
        and g.nodes[source]["path"] not in COMPOSITION_ROOT
    )
    assert offending == [], "the core must not name outer packages:\n" + "\n".join(offending)


def test_outer_packages_do_not_import_each_other():
    g = graph()
    offending = sorted(
        f"{source} imports {target}"
        for source, target in g.edges
        if source.split(".")[0] in OUTER
        and target.split(".")[0] in OUTER
        and source.split(".")[0] != target.split(".")[0]
    )
    assert offending == [], "\n".join(offending)


def test_no_import_cycle_between_files():
    g = graph()
    cycles = [sorted(c) for c in nx.strongly_connected_components(g) if len(c) > 1]
    assert cycles == [], "import cycles between files:\n" + "\n".join(" ⇄ ".join(c) for c in cycles)


def test_the_checks_see_the_rules_they_enforce():
    """The reader finds what a rule is about: a core→outer edge in the composition root, and a
    cycle where one is made on purpose, so a passing test is not an empty one."""
    g = graph()
    assert ("ses.packages", "accreditation.extension") in g.edges
    assert g.number_of_nodes() > 100
    g.add_edge("ses.extensions", "ses.packages")
    assert any(len(c) > 1 for c in nx.strongly_connected_components(g))
