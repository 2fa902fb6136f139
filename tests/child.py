"""Run code in a fresh interpreter that imports the same cydiff as the test process."""

import os
import subprocess
import sys
import tempfile

import cydiff

PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(cydiff.__file__)))


def run_python(code, *options, timeout=600, **env):
    """The finished process; its working directory is a temporary one, so the source
    tree can never shadow the package under test."""
    environ = {k: v for k, v in os.environ.items() if k != "CYDIFF_NO_EXTENSIONS"}
    environ["PYTHONPATH"] = os.pathsep.join(
        [PACKAGE_ROOT] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
    environ.update(env)
    return subprocess.run([sys.executable, *options, "-c", code], capture_output=True,
                          text=True, env=environ, timeout=timeout, cwd=tempfile.gettempdir())
