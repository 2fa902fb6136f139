#!/usr/bin/env python
"""run_suite.py -- how many functions of a public numpy test-function suite cydiff
differentiates *unchanged*.

The suite is opfunu (PyPI, "OPtimization Functions in NUmpy"), version pinned below;
by default its `opfunu.name_based` module (125 classic functions -- Ackley, Beale,
Griewank, ... -- as classes with `.evaluate(x)`, bounds and a default dimension).
`--suite cec` measures `opfunu.cec_based` (the CEC 2005-2022 competition functions,
shifted/rotated, at 10 dimensions) instead.

Setup (a clean venv, the Python the trees' compiled modules were built for):

    python3.11 -m venv suite-venv
    suite-venv/bin/pip install numpy==2.4.6 scipy opfunu==1.0.4 mpmath

Whatever cydiff is importable is measured: run it with PYTHONPATH pointing at a tree built
in place (`python setup.py build_ext --inplace`), one tree before a change, one after,

    PYTHONPATH=../before  python run_suite.py --out results_before.json
    PYTHONPATH=../after   python run_suite.py --out results_after.json
    python run_suite.py --summarize results_before.json results_after.json

`summary.txt` and `cec_summary.txt` beside this file are those summaries for the breadth
issue (before: bc75f10; after: f825a44), and README.md says what they show.

Per function
------------
* Dimension: the function's default when it is fixed (dim_changeable False); 5 when it
  takes any (`--any-dim`), or the first of 4, 6, 8, 10, 2, 3 at which it can be built
  and evaluated if 5 cannot. The CEC functions at 10 (else their fixed dimension). A function
  fixed above 20 dimensions (CEC 2010's 1000) is skipped and counted apart; Cola (17) is in.
* Point x0: lb + (ub - lb) * u, u ~ U(0.05, 0.95)^n from numpy's default_rng seeded with
  crc32(name) + `--seed` (default 0): deterministic, independent of the order of the run,
  the same in every tree. Random points miss exact kinks with probability one; a point near
  a kink shows up as a disagreement and is judged by hand in the report. Deb01's box in
  opfunu 1.0.4 is [-1, -1]^n (a bug); its documented [-1, 1]^n is used (BOUNDS_FIX).
  Constructors run with numpy's global RNG seeded (CEC 2005 F8 draws its shift at random).
* f is `obj.evaluate` unchanged, wrapped only to reseed numpy's and Python's global RNG
  (seed 0) before each call, so the few functions with a random term are deterministic
  functions of x (the random draw is then the same at every call).
* "Evaluable": f(x0) on a float64 array returns one finite real number (else skipped, with
  the reason). Where f(x0) is not finite (inf/nan: e.g. a negative base to a real power),
  the next point of the same generator is tried, up to 10 points.
* Reverse mode: `cydiff.grad(f)(x0)` with x0 a float64 numpy array (f receives a numpy
  object array of Values). Forward mode: `cydiff.jacfwd(f)(x0)` (MultiDuals) and
  `cydiff.jvp(f, x0, v)` (Duals) along a fixed random v. Second order:
  `cydiff.hessian(f)(x0)`.
* References, all on plain floats and independent of cydiff's numerics: central differences
  of f with Richardson extrapolation (steps h0 = 2**-10 * max(|x_i|, 1), halved 6 times; the
  tableau entry with the smallest error estimate is taken) give the gradient; the same
  differences of cydiff's own reverse gradient give the Hessian reference (only when that
  gradient agreed with the differences of f).
* Agreement: gradient   max|g - g_fd| <= 1e-5 * max|g_fd| + 1e-8 * max(1, |f(x0)|)
             jvp        |t - g_fd.v|  <= 1e-5 * sum|g_fd*v| + 1e-8 * max(1, |f(x0)|)
             Hessian    max|H - H_fd| <= 1e-4 * max|H_fd| + 1e-6 * max(1, max|g|)
  Each record keeps the errors, the tolerance and the differences' own error estimate.
  Where the gradient or the Hessian disagrees, `step_scan` tries plain central differences
  at steps 1e-2 .. 1e-13 (relative) and records the best agreement and its step: a
  diagnostic for the report's judgement (kinks/jumps/fast oscillation vs a wrong derivative),
  not a pass.
* Timeouts: every cydiff call gets `--timeout` seconds (default 10, signal.alarm), each
  reference computation 6x that; a supervisor restarts the worker process past a function
  that crashes the interpreter or hangs beyond 150 s.
* Failures are recorded with exception type, message, a normalised category and the line
  of opfunu (file:line and source) the exception came through.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import traceback
import zlib

import numpy as np

OPFUNU_VERSION = "1.0.4"
ANY_DIMS = (4, 6, 8, 10, 2, 3)
RTOL_G, ATOL_G = 1e-5, 1e-8
RTOL_H, ATOL_H = 1e-4, 1e-6
FD_LEVELS = 7             # h0, h0/2, ..., h0/64
FD_H0 = 2.0 ** -10
HARD_TIMEOUT = 150.0      # supervisor: seconds without a finished function
# opfunu 1.0.4 gives Deb01 the box [-1, -1]^n (its __init__ writes [[-1, -1.], ...]); its own
# latex_formula_bounds say [-1, 1]^n, which is used instead (recorded as bounds_fixed)
BOUNDS_FIX = {"Deb01": (-1.0, 1.0)}
MAX_FIXED_DIM = 20        # a function fixed at a larger dimension is skipped (not measured)
POINT_DRAWS = 10          # points drawn (in order, same generator) until f(x0) is finite


# --- the suite ---------------------------------------------------------------------------

def suite_classes(suite: str):
    import opfunu
    if opfunu.__version__ != OPFUNU_VERSION:
        print(f"warning: opfunu {opfunu.__version__}, this script was written for "
              f"{OPFUNU_VERSION}", file=sys.stderr)
    if suite == "name":
        classes = opfunu.get_all_name_based_functions()
    elif suite == "cec":
        classes = opfunu.get_all_cec_based_functions()
    else:
        raise SystemExit(f"unknown suite {suite!r}")
    return sorted(classes, key=lambda c: c.__name__)


class Timeout(Exception):
    pass


class SkipDimension(Exception):
    """The function exists only at a dimension above MAX_FIXED_DIM (CEC 2010's 1000)."""


def _alarm(signum, frame):
    raise Timeout("timed out")


def timed(seconds, fn, *args):
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn(*args)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def make_f(obj):
    def f(x):
        np.random.seed(0)
        random.seed(0)
        return obj.evaluate(x)
    f.__name__ = type(obj).__name__
    return f


def as_scalar(y):
    a = np.asarray(y, dtype=float)
    if a.size != 1:
        raise ValueError(f"f returned shape {a.shape}, not one number")
    v = float(a.reshape(()))
    return v


def build(cls, suite, any_dim, seed):
    """(obj, n, x0, f0, f) at the first dimension that builds and evaluates, or raises."""
    name = cls.__name__
    probe = cls()
    if suite == "cec":
        dims = (10, probe.ndim) if probe.ndim != 10 else (10,)
        dims = tuple(d for d in dims if d <= MAX_FIXED_DIM)
    elif probe.dim_changeable:
        dims = (any_dim,) + tuple(d for d in ANY_DIMS if d != any_dim)
    else:
        dims = (probe.ndim,)
    last = SkipDimension(f"skipped: fixed dimension {probe.ndim} > {MAX_FIXED_DIM}")
    for n in dims:
        try:
            # a few constructors draw from numpy's global RNG (CEC 2005 F8's shift): seeded
            # here, the same object can be rebuilt elsewhere (exact_referee.py does)
            np.random.seed(0)
            random.seed(0)
            if suite == "cec":
                obj = cls(ndim=n)
            else:
                obj = cls(ndim=n) if probe.dim_changeable else cls()
            lb, ub = np.asarray(obj.lb, float), np.asarray(obj.ub, float)
            n = len(lb)
            if name in BOUNDS_FIX and np.any(lb >= ub):
                lb, ub = np.full(n, BOUNDS_FIX[name][0]), np.full(n, BOUNDS_FIX[name][1])
            rng = np.random.default_rng(zlib.crc32(name.encode()) + seed)
            f = make_f(obj)
            for draw in range(POINT_DRAWS):
                x0 = lb + (ub - lb) * rng.uniform(0.05, 0.95, n)
                f0 = as_scalar(timed(10.0, f, x0.copy()))
                if np.isfinite(f0):
                    break
            else:
                raise ValueError(f"f(x0) = {f0} is not finite at {POINT_DRAWS} random points")
            if as_scalar(f(x0.copy())) != f0:
                raise ValueError("f is not deterministic at x0")
            if n > MAX_FIXED_DIM:
                raise SkipDimension(f"skipped: fixed dimension {n} > {MAX_FIXED_DIM}")
            return obj, n, x0, f0, f, draw
        except SkipDimension as e:
            last = e
        except Exception as e:  # noqa: BLE001 -- every failure is recorded
            last = e
    if probe.ndim > MAX_FIXED_DIM and not isinstance(last, SkipDimension):
        raise SkipDimension(f"skipped: fixed dimension {probe.ndim} > {MAX_FIXED_DIM} "
                            f"(at 10: {type(last).__name__}: {last})")
    raise last


# --- finite differences (plain floats only) ----------------------------------------------

def richardson_jacobian(func, x0):
    """Columns d func / d x_i of a vector func, by central differences with Richardson
    extrapolation; returns (J of shape (m, n), error estimate per column)."""
    n = len(x0)
    cols, errs = [], []
    for i in range(n):
        h0 = FD_H0 * max(abs(x0[i]), 1.0)
        table = []
        for k in range(FD_LEVELS):
            h = h0 / 2 ** k
            xp, xm = x0.copy(), x0.copy()
            xp[i] += h
            xm[i] -= h
            step = xp[i] - xm[i]
            row = [(np.asarray(func(xp), float) - np.asarray(func(xm), float)) / step]
            for j in range(1, k + 1):
                row.append(row[j - 1] + (row[j - 1] - table[k - 1][j - 1]) / (4 ** j - 1))
            table.append(row)
        best, best_err = table[0][0], np.inf
        for k in range(1, FD_LEVELS):
            for j in range(1, k + 1):
                e1 = np.max(np.abs(table[k][j] - table[k][j - 1]))
                e2 = np.max(np.abs(table[k][j] - table[k - 1][j - 1]))
                err = max(e1, e2)
                if err < best_err:
                    best, best_err = table[k][j], err
        cols.append(np.atleast_1d(best))
        errs.append(float(best_err))
    return np.stack(cols, axis=1), np.array(errs)


def step_scan(func, x0, target):
    """Diagnostic for a disagreement: plain central differences of func (vector-valued) at
    steps h = 10**-k * max(|x_i|, 1), k = 2..13, one step for all coordinates at a time;
    returns (best relative error against `target` over k, that k), the error relative to
    max|target|. A derivative that differences reproduce at *some* small step, where the
    default steps straddle kinks, jumps or oscillations far faster than the step, is right
    there; one that no step reproduces is suspect."""
    n = len(x0)
    scale = max(float(np.max(np.abs(target))), 1e-300)
    best, best_k = np.inf, None
    for k in range(2, 14):
        cols = []
        for i in range(n):
            h = 10.0 ** -k * max(abs(x0[i]), 1.0)
            xp, xm = x0.copy(), x0.copy()
            xp[i] += h
            xm[i] -= h
            step = xp[i] - xm[i]
            cols.append((np.asarray(func(xp), float) - np.asarray(func(xm), float)) / step)
        d = np.stack([np.atleast_1d(c) for c in cols], axis=-1).reshape(np.shape(target))
        err = float(np.max(np.abs(d - target))) / scale
        if err < best:
            best, best_k = err, k
    return best, best_k


# --- errors --------------------------------------------------------------------------------

CYNUM = r"(?:cydiff\.[\w.]*\.)?\b(?:Value|Dual|MultiDual)\b"


def describe_error(e):
    tb = traceback.extract_tb(e.__traceback__)
    site = None
    for fr in tb:
        if "opfunu" in fr.filename:
            site = f"{os.path.basename(fr.filename)}:{fr.lineno}: {(fr.line or '').strip()}"
    msg = str(e).strip().splitlines()[0] if str(e).strip() else ""
    norm = re.sub(CYNUM, "<cydiff number>", msg)
    norm = re.sub(r"'<cydiff number>'", "<cydiff number>", norm)
    norm = re.sub(r"(?<![\w.])-?\d+(\.\d+)?(e[+-]?\d+)?", "N", norm)
    return {"type": type(e).__name__, "message": msg[:400],
            "category": f"{type(e).__name__}: {norm[:200]}", "site": site}


def attempt(seconds, fn, *args):
    try:
        return timed(seconds, fn, *args), None
    except Timeout:
        return None, {"type": "Timeout", "message": f"over {seconds} s",
                      "category": f"Timeout: over {seconds} s", "site": None}
    except Exception as e:  # noqa: BLE001
        return None, describe_error(e)


def finite_vec(a, shape):
    a = np.asarray(a, dtype=float)
    if a.shape != shape:
        if a.size == int(np.prod(shape)):
            a = a.reshape(shape)
        else:
            raise ValueError(f"result shape {a.shape}, expected {shape}")
    return a


# --- one function -----------------------------------------------------------------------

def measure(cls, args):
    import cydiff
    name = cls.__name__
    rec = {"name": name}
    try:
        obj, n, x0, f0, f, draw = build(cls, args.suite, args.any_dim, args.seed)
    except Exception as e:  # noqa: BLE001
        rec.update(evaluable=False, eval_error=describe_error(e))
        return rec
    T = args.timeout
    rec.update(evaluable=True, dim=n, x0=x0.tolist(), f0=f0, point_draw=draw,
               bounds_fixed=name in BOUNDS_FIX,
               dim_changeable=bool(obj.dim_changeable),
               differentiable_flag=bool(getattr(type(obj), "differentiable", True)))
    v = np.random.default_rng(zlib.crc32(name.encode()) + args.seed + 1).standard_normal(n)

    # reference gradient by differences of f on floats
    fs = lambda x: np.array([as_scalar(f(x))])
    ref, err = attempt(6 * T, richardson_jacobian, fs, x0)
    g_fd = fd_err = None
    if err is None:
        g_fd, fd_err = ref[0][0], ref[1]
        rec["g_fd"] = g_fd.tolist()
        rec["g_fd_err_est"] = float(np.max(fd_err))
        if not np.all(np.isfinite(g_fd)):
            rec["fd_error"] = {"type": "NonFinite", "message": "non-finite differences",
                               "category": "NonFinite", "site": None}
            g_fd = None
    else:
        rec["fd_error"] = err
    tol_g = None if g_fd is None else RTOL_G * np.max(np.abs(g_fd)) + ATOL_G * max(1.0, abs(f0))
    if tol_g is not None:
        rec["grad_tol"] = float(tol_g)
        # the differences converged (their own error estimate is inside the tolerance)
        rec["fd_converged"] = bool(np.max(fd_err) <= tol_g)

    # reverse mode
    t = time.perf_counter()
    g, err = attempt(T, lambda: finite_vec(cydiff.grad(f)(x0.copy()), (n,)))
    rec["grad_seconds"] = time.perf_counter() - t
    rec["grad_ok"] = err is None and bool(np.all(np.isfinite(g)))
    rec["grad_error"] = err
    if err is None and not rec["grad_ok"]:
        rec["grad_error"] = {"type": "NonFinite", "message": f"gradient {g.tolist()}",
                             "category": "NonFinite: gradient not finite", "site": None}
    rec["grad_match"] = None
    if err is None:
        rec["grad"] = g.tolist()
        if g_fd is not None and rec["grad_ok"]:
            e = float(np.max(np.abs(g - g_fd)))
            rec["grad_abs_err"] = e
            rec["grad_rel_err"] = e / max(float(np.max(np.abs(g_fd))), 1e-300)
            rec["grad_match"] = bool(e <= tol_g)
            if not rec["grad_match"]:
                scan, err2 = attempt(6 * T, step_scan, fs, x0, g.reshape(1, n))
                if err2 is None:
                    rec["grad_step_scan_best_rel_err"], rec["grad_step_scan_k"] = scan

    # forward mode: jacfwd (MultiDual) and jvp (Dual)
    J, err = attempt(T, lambda: finite_vec(cydiff.jacfwd(f)(x0.copy()), (n,)))
    rec["jacfwd_ok"] = err is None and bool(np.all(np.isfinite(J)))
    rec["jacfwd_error"] = err
    rec["jacfwd_match"] = None
    if err is None and g_fd is not None and rec["jacfwd_ok"]:
        e = float(np.max(np.abs(J - g_fd)))
        rec["jacfwd_abs_err"] = e
        rec["jacfwd_match"] = bool(e <= tol_g)
    if rec["jacfwd_ok"] and rec["grad_ok"]:
        rec["jacfwd_minus_grad"] = float(np.max(np.abs(J - g)))

    def run_jvp():
        y, tan = cydiff.jvp(f, x0.copy(), v)
        return as_scalar(y), as_scalar(tan)
    r, err = attempt(T, run_jvp)
    rec["jvp_ok"] = err is None and bool(np.all(np.isfinite(r)))
    rec["jvp_error"] = err
    rec["jvp_match"] = None
    if err is None:
        rec["jvp_value_minus_f0"] = r[0] - f0
        if g_fd is not None and rec["jvp_ok"]:
            e = abs(r[1] - float(g_fd @ v))
            tol = RTOL_G * float(np.sum(np.abs(g_fd * v))) + ATOL_G * max(1.0, abs(f0))
            rec["jvp_abs_err"] = e
            rec["jvp_match"] = bool(e <= tol)

    # second order
    t = time.perf_counter()
    H, err = attempt(T, lambda: finite_vec(cydiff.hessian(f)(x0.copy()), (n, n)))
    rec["hessian_seconds"] = time.perf_counter() - t
    rec["hessian_ok"] = err is None and bool(np.all(np.isfinite(H)))
    rec["hessian_error"] = err
    if err is None and not rec["hessian_ok"]:
        rec["hessian_error"] = {"type": "NonFinite", "message": "Hessian not finite",
                                "category": "NonFinite: Hessian not finite", "site": None}
    rec["hessian_match"] = None
    if rec["hessian_ok"]:
        rec["hessian"] = H.tolist()
        rec["hessian_asym"] = float(np.max(np.abs(H - H.T)))
    if rec["hessian_ok"] and rec["grad_match"]:
        gf = lambda x: finite_vec(cydiff.grad(f)(x), (n,))
        ref, err = attempt(6 * T, richardson_jacobian, gf, x0)
        if err is None:
            H_fd, h_err = ref
            H_fd = np.asarray(H_fd)
            tol = RTOL_H * float(np.max(np.abs(H_fd))) + ATOL_H * max(1.0, float(np.max(np.abs(g))))
            e = float(np.max(np.abs(H - H_fd)))
            rec.update(hessian_fd=H_fd.tolist(), hessian_fd_err_est=float(np.max(h_err)),
                       hessian_abs_err=e, hessian_tol=tol,
                       hessian_rel_err=e / max(float(np.max(np.abs(H_fd))), 1e-300),
                       hessian_match=bool(e <= tol))
            if not rec["hessian_match"]:
                scan, err2 = attempt(6 * T, step_scan, gf, x0, H)
                if err2 is None:
                    rec["hessian_step_scan_best_rel_err"], rec["hessian_step_scan_k"] = scan
        else:
            rec["hessian_fd_error"] = err
    return rec


# --- worker and supervisor -----------------------------------------------------------------

def worker(args):
    classes = suite_classes(args.suite)
    if args.only:
        classes = [c for c in classes if c.__name__ in args.only]
    sys.stdout = sys.stderr   # opfunu prints; keep stdout clean
    with open(args.jsonl, "a") as out:
        for cls in classes[args.start:]:
            rec = measure(cls, args)
            out.write(json.dumps(rec, default=float) + "\n")
            out.flush()


def environment():
    import cydiff
    import opfunu
    root = os.path.dirname(os.path.dirname(os.path.abspath(cydiff.__file__)))
    try:
        commit = subprocess.run(["git", "-C", root, "rev-parse", "HEAD"], capture_output=True,
                                text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", root, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip() != ""
    except Exception:  # noqa: BLE001
        commit, dirty = None, None
    return {"cydiff_file": cydiff.__file__, "cydiff_backend": cydiff.BACKEND,
            "cydiff_commit": commit, "cydiff_tree_modified": dirty,
            "opfunu": opfunu.__version__, "numpy": np.__version__,
            "python": sys.version.split()[0]}


def supervise(args):
    env = environment()
    classes = suite_classes(args.suite)
    if args.only:
        classes = [c for c in classes if c.__name__ in args.only]
    names = [c.__name__ for c in classes]
    jsonl = args.out + ".partial.jsonl"
    if os.path.exists(jsonl):
        os.remove(jsonl)
    done = 0
    t0 = time.time()
    while done < len(names):
        cmd = [sys.executable, os.path.abspath(__file__), "--worker", "--jsonl", jsonl,
               "--start", str(done), "--suite", args.suite, "--any-dim", str(args.any_dim),
               "--seed", str(args.seed), "--timeout", str(args.timeout)]
        if args.only:
            cmd += ["--only", *args.only]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                                stderr=open(args.out + ".worker.log", "a"))
        last, last_t = done, time.time()
        while proc.poll() is None:
            time.sleep(0.2)
            now = _count(jsonl)
            if now != last:
                last, last_t = now, time.time()
                print(f"  {now}/{len(names)}", end="\r", file=sys.stderr)
            elif time.time() - last_t > HARD_TIMEOUT:
                proc.kill()        # the worker this supervisor started, by its own handle
                proc.wait()
                break
        now = _count(jsonl)
        if now >= len(names):
            break
        # the worker died or hung on names[now]: record it and go on past it
        with open(jsonl, "a") as out:
            out.write(json.dumps({"name": names[now], "evaluable": None,
                                  "crash": f"worker exit {proc.returncode}"}) + "\n")
        done = now + 1
    records = [json.loads(line) for line in open(jsonl)]
    result = {"environment": env, "suite": f"opfunu.{args.suite}_based",
              "settings": {"any_dim": args.any_dim, "seed": args.seed, "timeout": args.timeout,
                           "rtol_grad": RTOL_G, "atol_grad": ATOL_G, "rtol_hessian": RTOL_H,
                           "atol_hessian": ATOL_H, "fd_h0": FD_H0, "fd_levels": FD_LEVELS},
              "seconds": round(time.time() - t0, 1), "functions": records}
    with open(args.out, "w") as fh:
        json.dump(result, fh, indent=1, default=float)
    os.remove(jsonl)
    print(file=sys.stderr)
    print(json.dumps(counts(records), indent=1))


def _count(path):
    try:
        with open(path) as fh:
            return sum(1 for _ in fh)
    except FileNotFoundError:
        return 0


# --- summaries -----------------------------------------------------------------------------

def counts(records):
    ev = [r for r in records if r.get("evaluable")]
    c = {"functions": len(records),
         "skipped_dimension_over_20": sum(1 for r in records if not r.get("evaluable") and
                                          (r.get("eval_error") or {}).get("type") == "SkipDimension"),
         "evaluable_on_floats": len(ev),
         "crashed": sum(1 for r in records if r.get("crash"))}
    for key in ("grad", "jacfwd", "jvp", "hessian"):
        c[f"{key}_runs"] = sum(1 for r in ev if r.get(f"{key}_ok"))
        c[f"{key}_correct"] = sum(1 for r in ev if r.get(f"{key}_match"))
        c[f"{key}_wrong"] = sum(1 for r in ev if r.get(f"{key}_match") is False)
        c[f"{key}_wrong_fd_converged"] = sum(1 for r in ev if r.get(f"{key}_match") is False
                                             and r.get("fd_converged"))
    c["grad_correct_only_by_abs_floor"] = sum(
        1 for r in ev if r.get("grad_match") and max(map(abs, r["g_fd"])) <= r["grad_tol"])
    c["no_fd_reference"] = sum(1 for r in ev if "g_fd" not in r or r.get("fd_error"))
    return c


def categories(records, key):
    out = {}
    for r in records:
        if r.get("evaluable") and r.get(f"{key}_error"):
            cat = r[f"{key}_error"]["category"]
            out.setdefault(cat, []).append(r["name"])
    return dict(sorted(out.items(), key=lambda kv: (-len(kv[1]), kv[0])))


def summarize(paths):
    data = [json.load(open(p)) for p in paths]
    for p, d in zip(paths, data):
        print(f"## {p}: {d['suite']}, {json.dumps(d['environment'])}, {d['seconds']} s")
    keys = list(counts(data[0]["functions"]).keys())
    print("\n| | " + " | ".join(paths) + " |\n|---|" + "---|" * len(paths))
    cs = [counts(d["functions"]) for d in data]
    for k in keys:
        print(f"| {k} | " + " | ".join(str(c[k]) for c in cs) + " |")
    for p, d in zip(paths, data):
        for key in ("grad", "hessian", "jacfwd", "jvp"):
            print(f"\n### {p}: {key} failure categories")
            for cat, names in categories(d["functions"], key).items():
                print(f"- {len(names)} x `{cat}`: {', '.join(names)}")
                if key == "grad":
                    sites = {}
                    for r in d["functions"]:
                        if r["name"] in names:
                            sites.setdefault(r["grad_error"]["site"], []).append(r["name"])
                    for site, who in sorted(sites.items(), key=lambda kv: -len(kv[1])):
                        print(f"    - at `{site}`: {len(who)} ({', '.join(who[:6])}"
                              f"{', ...' if len(who) > 6 else ''})")
        print(f"\n### {p}: not evaluable on floats")
        for r in d["functions"]:
            if not r.get("evaluable"):
                e = r.get("eval_error") or {"category": r.get("crash")}
                print(f"- {r['name']}: {e['category']} ({e.get('site')})")
        print(f"\n### {p}: wrong numbers (runs, disagrees with differences)")
        for r in d["functions"]:
            for key in ("grad", "jacfwd", "jvp", "hessian"):
                if r.get(f"{key}_match") is False:
                    extra = {k: r.get(k) for k in (f"{key}_abs_err", f"{key}_rel_err",
                                                    "grad_tol", "g_fd_err_est", "fd_converged",
                                                    "hessian_tol", "hessian_fd_err_est",
                                                    f"{key}_step_scan_best_rel_err",
                                                    f"{key}_step_scan_k")
                             if r.get(k) is not None}
                    print(f"- {r['name']} ({key}): {extra}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", help="results JSON to write")
    ap.add_argument("--suite", default="name", choices=("name", "cec"))
    ap.add_argument("--any-dim", type=int, default=5,
                    help="dimension for functions that take any (default 5)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=10.0,
                    help="seconds per cydiff call (default 10)")
    ap.add_argument("--only", nargs="*", help="only these function names")
    ap.add_argument("--summarize", nargs="+", metavar="JSON")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--jsonl", help=argparse.SUPPRESS)
    ap.add_argument("--start", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.summarize:
        summarize(args.summarize)
    elif args.worker:
        worker(args)
    elif args.out:
        supervise(args)
    else:
        ap.error("--out or --summarize")


if __name__ == "__main__":
    main()
