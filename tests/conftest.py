"""One suite, two twins: every test that takes `impl` runs on the compiled and the pure twin.

The compiled parameter is marked `c_extensions`; `--no-c-extensions` deselects
it for a pure-only install. A compiled module that fails to import makes its
tests error, never skip.
"""

import importlib

import pytest

import cydiff

TWINS = [
    pytest.param("compiled", id="c", marks=pytest.mark.c_extensions),
    pytest.param("pure", id="py"),
]


def pytest_addoption(parser):
    parser.addoption("--no-c-extensions", action="store_true",
                     help="run the pure twin only (for a package built without extensions)")
    parser.addoption("--parity-seed", type=int, default=None,
                     help="replay the parity tests' random programs from this seed")


def pytest_report_header(config):
    return f"cydiff {cydiff.__version__} from {cydiff.__file__} (default backend: {cydiff.BACKEND})"


def pytest_collection_modifyitems(config, items):
    if not config.getoption("--no-c-extensions"):
        return
    kept = [item for item in items if item.get_closest_marker("c_extensions") is None]
    deselected = [item for item in items if item.get_closest_marker("c_extensions") is not None]
    config.hook.pytest_deselected(items=deselected)
    items[:] = kept


def pytest_terminal_summary(terminalreporter):
    import programs
    if any(programs.FUZZED.values()):
        terminalreporter.write_line(
            "fuzzed on both twins, no disagreement: "
            + ", ".join(f"{n:,} {kind}" for kind, n in programs.FUZZED.items() if n))


@pytest.fixture(scope="session", params=TWINS)
def impl(request):
    """The twin under test: the module `cydiff.compiled` or `cydiff.pure`."""
    return importlib.import_module(f"cydiff.{request.param}")


@pytest.fixture(scope="session")
def pure():
    return importlib.import_module("cydiff.pure")


@pytest.fixture(scope="session")
def compiled():
    return importlib.import_module("cydiff.compiled")
