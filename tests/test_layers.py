"""The package's layers: every import goes down the flow, and none goes round.

inputs -> stats -> interpolation -> scene -> rendering -> writers ->
animation -> API -> CLI, on top of a few base modules. Imports inside
functions count too: a lazy import hides a cycle, it does not remove it.
"""

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "mne_coefanim"

# lowest first; a module may import from its own layer and the ones before it
LAYERS = [
    (
        "base",
        (
            "_checks",
            "_docs",
            "_params",
        ),
    ),
    ("inputs", ("inputs", "datasets")),
    ("stats", ("stats",)),
    ("interpolation", ("interp",)),
    ("scene", ("scene",)),
    ("rendering", ("viz", "figure", "compose")),
    ("writers", ("io",)),
    ("animation", ("_animation",)),
    ("api", ("_api", "_batch")),
    ("cli", ("cli",)),
]


def _modules():
    """Map dotted module names (within the package) to their files."""
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _layer(module):
    head = module.split(".")[0]
    for rank, (_, heads) in enumerate(LAYERS):
        if head in heads:
            return rank
    return None


def _imports(module, path, modules):
    """Package modules that ``module`` imports, anywhere in its code."""
    parts = module.split(".") if module else []
    package = parts if path.name == "__init__.py" else parts[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = package[: len(package) - (node.level - 1)]
        elif (node.module or "").startswith("mne_coefanim"):
            base, node.module = [], node.module.removeprefix("mne_coefanim").lstrip(".")
        else:
            continue
        target = ".".join([*base, *filter(None, [node.module])])
        for alias in node.names:  # "from . import _demo" names a module
            candidate = ".".join(filter(None, [target, alias.name]))
            found.add(candidate if candidate in modules else target)
    return {name for name in found if name in modules and name != module}


@pytest.fixture(scope="module")
def graph():
    modules = _modules()
    return {m: _imports(m, p, modules) for m, p in modules.items()}


def test_every_module_has_a_layer(graph):
    unplaced = [m for m in graph if m and "." not in m and _layer(m) is None]
    unplaced = [m for m in unplaced if m not in ("", "__init__")]
    assert unplaced == [], f"add these modules to LAYERS: {unplaced}"


def test_imports_go_down_the_flow(graph):
    upward = []
    for module, targets in graph.items():
        rank = _layer(module) if module else len(LAYERS)
        if rank is None:
            continue
        for target in targets:
            target_rank = _layer(target)
            if target_rank is not None and target_rank > rank:
                upward.append(
                    f"{module} ({LAYERS[rank][0]}) imports {target} "
                    f"({LAYERS[target_rank][0]})"
                )
    assert upward == []


def test_no_import_cycles(graph):
    state, cycles = {}, []

    def visit(module, stack):
        state[module] = "open"
        for target in sorted(graph.get(module, ())):
            if state.get(target) == "open":
                cycles.append(stack[stack.index(target) :] + [target])
            elif target not in state:
                visit(target, [*stack, target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_the_test_sees_imports(graph):
    """Guard the walker itself: known edges are found."""
    assert "inputs._coefs" in graph["scene._scene"]
    assert "scene._colors" in graph["cli._main"]  # a lazy import counts
    assert "_api" in graph[""]  # the package's __init__
