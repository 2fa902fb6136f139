"""The hand-written C references (benchmarks/hand/*.c), built with the system's C
compiler and called through ctypes: the physical limit the tape's figures quote.

Built once per source change into a cache directory, with the flags the extension
modules get (-O3, no fp contraction, no -ffast-math), so that the C is judged as the
tape's C is. Without a C compiler the figures leave the hand-written rows out.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import subprocess
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

import numpy

SOURCES = sorted((Path(__file__).resolve().parent / "hand").glob("*.c"))
FLAGS = ["-O3", "-ffp-contract=off", "-fPIC", "-shared"]

_double_p = ctypes.POINTER(ctypes.c_double)


def library() -> ctypes.CDLL | None:
    """The references as one shared library, or None without a C compiler."""
    cc = os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc"
    cc = cc.split()[0]
    if shutil.which(cc) is None:
        return None
    key = hashlib.sha256(b"".join(p.read_bytes() for p in SOURCES) + " ".join(FLAGS).encode())
    path = Path(tempfile.gettempdir()) / f"cydiff-hand-{key.hexdigest()[:16]}.so"
    if not path.exists():
        part = path.with_suffix(f".{os.getpid()}.part")
        subprocess.run([cc, *FLAGS, "-o", str(part), *map(str, SOURCES), "-lm"], check=True)
        part.replace(path)
    lib = ctypes.CDLL(str(path))
    lib.demo_loss.restype = ctypes.c_double
    lib.demo_loss.argtypes = [_double_p, _double_p, _double_p, ctypes.c_int, _double_p]
    lib.demo_loss_rows.restype = None
    lib.demo_loss_rows.argtypes = [_double_p, ctypes.c_int, _double_p, _double_p, ctypes.c_int,
                                   _double_p, _double_p]
    lib.rosen_grad.restype = ctypes.c_double
    lib.rosen_grad.argtypes = [_double_p, ctypes.c_int, _double_p]
    lib.rosen_hess.restype = None
    lib.rosen_hess.argtypes = [_double_p, ctypes.c_int, _double_p]
    lib.g_and_dg.restype = None
    lib.g_and_dg.argtypes = [_double_p, ctypes.c_long, _double_p, _double_p]
    return lib


def pointer(a: Any) -> Any:
    """A C-contiguous float64 array's data, as ctypes passes it."""
    assert a.dtype == numpy.float64 and a.flags.c_contiguous
    return a.ctypes.data_as(_double_p)
