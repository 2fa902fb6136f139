"""`python -m cydiff`: the seeds' derivative pictures and the command line (the demo's
training is in test_demo.py)."""

import os
import pathlib
import subprocess
import sys

import pytest

import cydiff
from cydiff.__main__ import main

PNG = b"\x89PNG\r\n\x1a\n"


def test_usage_and_unknown_commands(capsys):
    assert main([]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: python -m cydiff [-h] [--version] command ...")
    assert "a command is needed (demo or plot)" in err
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "demo  " in out and "plot  " in out and "--version" in out
    assert main(["fly"]) == 2
    assert "argument command: invalid choice: 'fly' (choose from" in capsys.readouterr().err
    assert main(["demo", "--steps", "0"]) == 2
    assert "argument --steps: must be a whole number, at least 1, not '0'" in capsys.readouterr().err
    assert main(["demo", "--steps", "x"]) == 2
    assert "argument --steps: must be a whole number, at least 1, not 'x'" in capsys.readouterr().err


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"cydiff {cydiff.__version__} ({cydiff.BACKEND} twin)\n"


def test_each_command_has_its_help(capsys):
    assert main(["demo", "--help"]) == 0
    assert "usage: python -m cydiff demo [-h] [--xor]" in capsys.readouterr().out
    assert main(["plot", "--help"]) == 0
    assert "{derivatives,step-error}" in capsys.readouterr().out


@pytest.mark.parametrize("which, name", [("derivatives", "derivatives.png"),
                                         ("step-error", "step_error.png")])
def test_plots_write_pngs(which, name, tmp_path, capsys):
    pytest.importorskip("matplotlib", reason="matplotlib is in the test extra")
    assert main(["plot", which, "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {tmp_path / name}"
    data = (tmp_path / name).read_bytes()
    assert data.startswith(PNG) and len(data) > 20_000  # a real picture, not an empty one


def test_plots_say_how_to_get_matplotlib(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert main(["plot", "derivatives", "--out", str(tmp_path)]) == 1
    assert "pip install 'cydiff[demo]'" in capsys.readouterr().err
    assert not (tmp_path / "derivatives.png").exists()


def test_plot_rejects_an_unknown_picture(capsys):
    assert main(["plot", "gradients"]) == 2
    assert "invalid choice: 'gradients'" in capsys.readouterr().err


def test_the_module_runs_as_a_program(tmp_path):
    """`python -m cydiff`, from a directory without the source tree."""
    package_root = str(pathlib.Path(cydiff.__file__).parent.parent)
    run = subprocess.run([sys.executable, "-m", "cydiff"], capture_output=True, text=True,
                         cwd=tmp_path, env={**os.environ, "PYTHONPATH": package_root})
    assert run.returncode == 2 and "usage: python -m cydiff" in run.stderr
    version = subprocess.run([sys.executable, "-m", "cydiff", "--version"], capture_output=True,
                             text=True, cwd=tmp_path, env={**os.environ, "PYTHONPATH": package_root})
    assert version.returncode == 0 and version.stdout.startswith(f"cydiff {cydiff.__version__} (")
