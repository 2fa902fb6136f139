"""The package's shape, checked from its source: no import circle among its modules,
no module reaching into another's private names, and `import cydiff` leaving the pure
twin unloaded.

Imports are read from the syntax tree, at module level and inside functions alike (an
import run late is still an edge); only those under `if TYPE_CHECKING:` are left out,
since they never run. The compiled modules count through their templates' Python
imports, which the generated `.pyx` keep.
"""

from __future__ import annotations

import ast
import pathlib

import pytest

import cydiff
from child import run_python

PACKAGE = pathlib.Path(cydiff.__file__).resolve().parent  # installed, or the checkout's
# the compiled twin's templates, where the tests sit in a checkout (not beside an install)
TEMPLATES = pathlib.Path(__file__).resolve().parent.parent / "src" / "cydiff"


def module_name(path: pathlib.Path) -> str:
    parts = path.relative_to(PACKAGE.parent if path.is_relative_to(PACKAGE)
                             else TEMPLATES.parent).parts
    name = ".".join(parts).split(".py")[0]  # .py, .pyx.tp
    return name.removesuffix(".__init__")


def sources() -> dict[str, tuple[pathlib.Path, bool]]:
    """Every module of the package: its source and whether it is a package."""
    found = {module_name(p): (p, p.name == "__init__.py") for p in PACKAGE.rglob("*.py")}
    for template in TEMPLATES.glob("*.pyx.tp"):
        found[module_name(template)] = (template, False)
    return found


def runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """The tree's nodes, less the bodies of `if TYPE_CHECKING:`."""
    out: list[ast.AST] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if (isinstance(node, ast.If) and isinstance(node.test, ast.Name)
                and node.test.id == "TYPE_CHECKING"):
            stack.extend(node.orelse)
            continue
        out.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return out


def parse(path: pathlib.Path) -> ast.AST:
    text = path.read_text()
    if path.suffix == ".tp":  # keep the Python-level imports of a Cython template
        text = "\n".join(line for line in text.splitlines()
                         if line.startswith(("import ", "from ")) and " cimport " not in line)
    return ast.parse(text)


def imports(name: str, path: pathlib.Path, is_package: bool, modules: set[str]):
    """(module imported, names taken from it) for each import in the module."""
    package = name if is_package else name.rpartition(".")[0]
    for node in runtime_nodes(parse(path)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "cydiff":
                    yield alias.name, ()
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            if source.split(".")[0] != "cydiff":
                continue
            names = []
            for alias in node.names:  # `from pkg import module` imports the module
                if f"{source}.{alias.name}" in modules:
                    yield f"{source}.{alias.name}", ()
                else:
                    names.append(alias.name)
            if names:
                yield source, tuple(names)


def graph() -> dict[str, set[str]]:
    found = sources()
    edges: dict[str, set[str]] = {}
    for name, (path, is_package) in found.items():
        edges[name] = {target for target, _ in imports(name, path, is_package, set(found))
                       if target != name}
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in edges:
                    continue
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_the_checker_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle():
    edges = graph()
    assert len(edges) > 20  # the walk found the package
    # `from . import x` is an edge to the module x, not to the package: a package counts
    # by its __init__'s own imports, as Python runs them
    assert cycles(edges) == []


def private_reaches() -> list[str]:
    """`from M import _x` or `M._x` where M is another cydiff module."""
    found = sources()
    modules = set(found)
    out = []
    for name, (path, is_package) in sorted(found.items()):
        tree = parse(path)
        taken_modules = []
        for target, names in imports(name, path, is_package, modules):
            taken_modules += [] if names else [target]
            for taken in names:
                if taken.startswith("_") and not taken.startswith("__"):
                    out.append(f"{name}: from {target} import {taken}")
        bound = {}  # local name -> the cydiff module it names
        for node in runtime_nodes(tree):
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    for target in taken_modules:
                        if target.endswith("." + alias.name):
                            bound[alias.asname or alias.name] = target
        for node in runtime_nodes(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in bound and node.attr.startswith("_")
                    and not node.attr.startswith("__")):
                out.append(f"{name}: {bound[node.value.id]}.{node.attr}")
    return sorted(set(out))


def test_no_module_reaches_into_another_modules_privates():
    assert private_reaches() == []


@pytest.mark.c_extensions
def test_import_cydiff_leaves_the_pure_twin_unloaded():
    show = "; print(cydiff.BACKEND, sorted(m for m in sys.modules if m.startswith('cydiff.pure')))"
    result = run_python("import sys, cydiff" + show)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "compiled []"
    result = run_python("import sys, cydiff, cydiff.pure" + show)  # and loads it when asked
    assert "'cydiff.pure._value_py'" in result.stdout, result.stderr


# The house's sizes: a module holds one job, a function one step.
LONG_MODULES: dict[str, int] = {}  # none: a module that grows past this splits by job


def test_short_templates():
    """The compiled twin's hand-written sources too: templates and their fragments."""
    if not TEMPLATES.is_dir():
        pytest.skip("src/cydiff is not beside the tests (an installed package)")
    written = [p for p in TEMPLATES.iterdir() if p.suffix == ".tp" or (  # not generated:
        p.suffix in (".pyx", ".pxd") and not p.with_name(p.name + ".tp").exists())]
    assert any(p.name == "_value_sweeps_c.tp" for p in written)
    for path in written:
        lines = len(path.read_text().splitlines())
        assert lines <= 400, f"{path.name}: {lines} lines"


@pytest.mark.parametrize("module", sorted(name for name, (path, _) in sources().items()
                                          if path.suffix == ".py"))
def test_short_modules_and_functions(module):
    path = sources()[module][0]
    source = path.read_text()
    lines = len(source.splitlines())
    assert lines <= LONG_MODULES.get(module, 400), f"{module}: {lines} lines"
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            assert node.end_lineno - node.lineno + 1 <= 80, f"{module}.{node.name}"
