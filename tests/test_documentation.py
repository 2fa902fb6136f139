"""Every Python block of README.md and of the documentation (docs/**/*.md) runs, in
order, as a reader would run it, on the twin `import cydiff` gives; so does every example
in a docstring of the package (doctest).

Sybil parses the Markdown: a block with `>>>` prompts is a doctest, and the outputs it
shows are checked; any other Python block must run without error. A page's blocks share
one namespace, so a block that continues the one before it just does; Sybil's
`<!-- clear-namespace -->` before a block starts it afresh, and every block that does not
say it continues is marked so (a block that uses a name it never defines fails).
Each page runs in a temporary directory, so that its examples may write files.
"""

import doctest
import importlib
import pathlib
import pkgutil

import pytest

sybil = pytest.importorskip("sybil", reason="sybil is in the test extra")
from sybil.parsers.markdown import ClearNamespaceParser, PythonCodeBlockParser  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").glob("**/*.md")])
PAGES = [page for page in PAGES if "_build" not in page.parts]
PARSERS = [ClearNamespaceParser(),
           PythonCodeBlockParser(doctest_optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)]


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_the_pages_examples_run(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    document = sybil.Document.parse(str(page), *PARSERS)
    ran = 0
    for example in document:
        try:
            example.evaluate()
        except Exception as error:
            raise AssertionError(f"{page.relative_to(ROOT)}, line {example.line}: "
                                 f"{type(error).__name__}: {error}") from error
        ran += 1
    if page.name == "README.md":
        assert ran >= 10  # the parser found the README's blocks


DOCUMENTED = ("cydiff", "cydiff.nn", "cydiff.numerical", "cydiff.viz", "cydiff.parallel")


def test_every_public_name_is_in_the_api_reference():
    """docs/api/ documents each name of each public module's __all__ with a directive
    (`.. autofunction:: cydiff.grad`, ...): a new name without its entry fails."""
    import importlib
    import re

    documented = set()
    for page in (ROOT / "docs" / "api").glob("*.md"):
        documented |= set(re.findall(r"^\.\. (?:autofunction|autoclass|py:data):: (\S+)$",
                                     page.read_text(encoding="utf-8"), re.M))
    missing = [f"{name}.{item}" for name in DOCUMENTED
               for item in importlib.import_module(name).__all__
               if f"{name}.{item}" not in documented]
    assert missing == []


def _public_callables(module):
    """(name, object) for each callable of a module's __all__ and each public method of
    its classes."""
    import inspect

    for item in module.__all__:
        obj = getattr(module, item)
        if callable(obj):
            yield item, obj
        if inspect.isclass(obj):
            for attr in dir(obj):
                method = getattr(obj, attr)
                if not attr.startswith("_") and callable(method) and not inspect.isclass(method):
                    yield f"{item}.{attr}", method


@pytest.mark.parametrize("name", [*DOCUMENTED, "cydiff.pure",
                                  pytest.param("cydiff.compiled", marks=pytest.mark.c_extensions)])
def test_every_public_callable_has_a_signature(name):
    """inspect.signature works on every public function, class and method: help(), IDEs
    and Sphinx show the parameters (a compiled class once had none to show)."""
    import importlib
    import inspect

    missing = []
    for item, obj in _public_callables(importlib.import_module(name)):
        try:
            inspect.signature(obj)
        except (TypeError, ValueError) as error:
            missing.append(f"{name}.{item}: {error}")
    assert missing == []


# Callables that take arguments yet raise nothing of their own: a result record.
RAISE_NOTHING = {"cydiff.GradientCheck"}


@pytest.mark.parametrize("name", DOCUMENTED)
def test_what_takes_arguments_says_what_it_raises(name):
    """numpydoc's checks (docs/conf.py) ask for Parameters, Returns and Examples, not for
    Raises: this asks it of every public callable that takes an argument (a method such
    as `x.abs()` or `model.zero_grad()` takes none, and raises nothing)."""
    import importlib
    import inspect

    bare = []
    for item, obj in _public_callables(importlib.import_module(name)):
        parameters = [p for p in inspect.signature(obj).parameters.values()
                      if p.name not in ("self", "cls")]
        if parameters and f"{name}.{item}" not in RAISE_NOTHING \
                and "\nRaises\n------\n" not in (inspect.getdoc(obj) or ""):
            bare.append(f"{name}.{item}")
    assert bare == []


@pytest.mark.parametrize("name", [*DOCUMENTED, "cydiff.pure",
                                  pytest.param("cydiff.compiled", marks=pytest.mark.c_extensions)])
def test_every_public_attribute_says_what_it_holds(name):
    """A property or a compiled class's field has a docstring: numpydoc asks no sections of
    an attribute (docs/conf.py), so this is the check that it has a line (Value.label and
    Tape.n_inputs once had none)."""
    import importlib
    import inspect
    import types

    kinds = (property, types.GetSetDescriptorType, types.MemberDescriptorType)
    module = importlib.import_module(name)
    found, bare = 0, []
    for item in module.__all__:
        cls = getattr(module, item)
        for klass in cls.__mro__[:-1] if inspect.isclass(cls) else ():
            for attr, value in vars(klass).items():
                if isinstance(value, kinds) and not attr.startswith("_"):
                    found += 1
                    if not (value.__doc__ or "").strip():
                        bare.append(f"{name}.{item}.{attr}")
    assert bare == [] and (found > 0 or name in ("cydiff.numerical", "cydiff.viz",
                                                 "cydiff.parallel"))


@pytest.mark.c_extensions
def test_the_twins_signatures_agree(pure, compiled):
    """Every public callable takes the same parameters, with the same defaults, in both
    twins (annotations aside: the compiled twin has none)."""
    import inspect

    def parameters(obj):
        return [(p.name, p.kind, p.default) for p in inspect.signature(obj).parameters.values()]

    theirs = dict(_public_callables(compiled))
    differ = [item for item, obj in _public_callables(pure)
              if parameters(obj) != parameters(theirs[item])]
    assert sorted(theirs) == sorted(dict(_public_callables(pure))) and differ == []


def _modules():
    import cydiff

    for info in pkgutil.walk_packages(cydiff.__path__, "cydiff."):
        if info.name == "cydiff.__main__":
            continue
        compiled = info.name == "cydiff.compiled" or info.name.endswith("_c")
        yield pytest.param(info.name, marks=pytest.mark.c_extensions) if compiled else info.name


NEEDS = {"cydiff.viz.draw": "dot"}  # examples that need a program on the PATH


@pytest.mark.parametrize("name", ["cydiff", *_modules()])
def test_the_docstrings_examples_run(name):
    """stdlib doctest over every docstring of the module, its classes' and functions'.
    An example that needs a program outside Python (viz.draw's, Graphviz's dot) runs where
    the program is installed, and is reported as skipped where it is not."""
    import shutil

    module = importlib.import_module(name)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report, unmet = [], []
    for test in doctest.DocTestFinder(exclude_empty=True).find(module, name):
        program = NEEDS.get(test.name)
        if program is not None and shutil.which(program) is None:
            unmet.append(f"{test.name} needs {program}")
            continue
        result = runner.run(test, out=report.append)
        assert result.failed == 0, "".join(report)
    if unmet:
        pytest.skip("; ".join(unmet) + ", which is not installed")


PURE_INSTALL = """
import doctest, importlib, importlib.abc, pkgutil, shutil, sys, warnings

class NoExtensions(importlib.abc.MetaPathFinder):  # as a pure wheel has it: no cydiff._*_c
    def find_spec(self, name, path, target=None):
        if name.startswith("cydiff._") and name.endswith("_c"):
            raise ImportError(f"No module named {name!r}")

sys.meta_path.insert(0, NoExtensions())
warnings.simplefilter("ignore")
import cydiff
assert cydiff.BACKEND == "pure", cydiff.BACKEND
names = ["cydiff"] + [m.name for m in pkgutil.walk_packages(cydiff.__path__, "cydiff.")
                      if m.name != "cydiff.__main__" and m.name != "cydiff.compiled"
                      and not m.name.endswith("_c")]
runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
report, ran = [], 0
for name in names:
    for test in doctest.DocTestFinder(exclude_empty=True).find(importlib.import_module(name), name):
        if test.name in NEEDS and shutil.which(NEEDS[test.name]) is None:
            continue
        ran += runner.run(test, out=report.append).attempted
print(ran)
print("".join(report))
"""


def test_the_docstrings_examples_run_on_a_pure_install():
    """Where the compiled twin was never built (the pure wheel), every docstring example
    still runs: none may ask for `twin="compiled"` (nn.load's once did; check-dists caught
    it, which CI does not run)."""
    from child import run_python

    result = run_python(f"NEEDS = {NEEDS!r}\n" + PURE_INSTALL)
    assert result.returncode == 0, result.stderr[-3000:]
    ran, _, report = result.stdout.partition("\n")
    assert int(ran) > 500 and report.strip() == "", report[-3000:]

