"""Builds the compiled twin: the Cython sources in src/cydiff/ become cydiff's
extension modules. CYDIFF_NO_EXTENSIONS=1 builds a pure-Python package instead.

There is no try/except around the build: a compiler that fails makes the
build fail, never a silent pure install.
"""

import os
import sys

from setuptools import Extension, setup
from setuptools.command.build_py import build_py

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "src"))
import codegen  # noqa: E402  the compiled twin's sources from the op spec

MODULES = ["_kernels_c", "_gamma_c", "_dual_c", "_multidual_c", "_value_c", "_functions_c",
           "_tape_c"]


def extensions():
    from Cython.Build import cythonize

    codegen.generate()  # _ops_c.pxd, the classes and functions: from cydiff/_spec.py

    if sys.platform == "win32":
        args = []
    else:
        # No fused multiply-add: a*b + c must round twice, as Python's floats do,
        # or the compiled twin would drift from the pure one on arm64.
        args = ["-ffp-contract=off"]
    if os.environ.get("CYDIFF_SANITIZE"):  # make asan
        args += ["-fsanitize=address,undefined", "-fno-sanitize-recover=all",
                 "-fno-omit-frame-pointer", "-O1", "-g"]
    # libm explicitly: unlinked, glibc binds pow, exp, ... to their oldest symbol
    # versions, compatibility wrappers twice as slow as what CPython's math calls
    # (the same kernels inside, so the same results).
    libraries = [] if sys.platform == "win32" else ["m"]
    # Hot code aligned to 32 bytes, always, where GCC's default (16, when cheap) made speed
    # swing by up to 10% with unrelated changes elsewhere in a module (a method appended
    # to Dual, an op appended to the tape's switch): the tape's replay loops, and the
    # number classes' operators (Value's sweep measured best as GCC lays it out).
    aligned = {"_tape_c": ["-falign-loops=32"], "_dual_c": ["-falign-functions=32"],
               "_multidual_c": ["-falign-functions=32"], "_functions_c": ["-falign-functions=32"]}
    if sys.platform == "win32":
        aligned = {}
    modules = [
        Extension(f"cydiff.{name}", [f"src/cydiff/{name}.pyx"],
                  extra_compile_args=args + aligned.get(name, []),
                  extra_link_args=[a for a in args if a.startswith("-fsanitize")],
                  libraries=libraries)
        for name in MODULES
    ]
    return cythonize(
        modules,
        include_path=["src"],
        compiler_directives={
            "language_level": 3,
            "cdivision": False,   # Python's division semantics, always
            "cpow": False,
        },
    )


class BuildPy(build_py):
    """build_py that also removes, from the build directory, the modules the sources no
    longer have: setuptools leaves them there, and a wheel built in a working tree would
    ship a module renamed or removed since (cydiff/_functional.py, _ops_c's extension)."""

    def run(self) -> None:
        super().run()
        built = os.path.join(self.build_lib, "cydiff")
        for folder, _, files in os.walk(built):
            for name in files:
                path = os.path.join(folder, name)
                if name.endswith(".py"):
                    stale = not os.path.exists(os.path.join("cydiff", os.path.relpath(path, built)))
                else:  # an extension module: one of MODULES, at the package's top
                    stale = (name.endswith((".so", ".pyd"))
                             and (folder != built or name.split(".")[0] not in MODULES))
                if stale:
                    os.remove(path)


COMMANDS = {"build_py": BuildPy}
if os.environ.get("CYDIFF_NO_EXTENSIONS"):
    setup(ext_modules=[], cmdclass=COMMANDS)
elif os.environ.get("CYDIFF_SANITIZE"):
    # Objects of their own: setuptools reuses up-to-date objects, and instrumented
    # ones must never end up in a normal build of the same checkout.
    setup(ext_modules=extensions(), cmdclass=COMMANDS,
          options={"build": {"build_base": "build/sanitize"}})
else:
    setup(ext_modules=extensions(), cmdclass=COMMANDS)
