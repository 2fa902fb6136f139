"""Exact referee for the disagreements of run_suite.py: f is run unchanged on numpy object
arrays of `MP` numbers (mpmath at 60 significant digits, with the methods numpy's object
loops call: sin, cos, exp, sqrt, rint, ...), at the very float64 point x0 of the run, and
its gradient (and Hessian) are taken by central differences with steps 1e-25 (1e-15 for
the Hessian), and again with steps 1e-32 (1e-18): where the two disagree the referee marks
itself unreliable at that point (f varies on scales below its step there) -- far below any kink spacing, jump or oscillation in these functions, and
with rounding ~1e-35 relative at 60 digits. That is the exact derivative of f as written
(the piece of a piecewise function that holds x0). cydiff's results from the run are
compared with it; so is f's own float64 value (a large error there means the point is
ill-conditioned in float64 and no float derivative can be accurate either).

Usage: python exact_referee.py RESULTS.json [--suite name|cec] [--all | --only NAME ...]
       [--json OUT.json]
(no cydiff needed: the cydiff numbers are read from RESULTS.json)
"""
import argparse
import json
import random
import sys
import numpy as np
import mpmath as mp

mp.mp.dps = 60


def _v(x):
    if isinstance(x, MP):
        return x.v
    if isinstance(x, (np.floating, np.integer)):
        x = x.item()
    return mp.mpf(x)


def _binary(fn):
    def op(s, o):
        if isinstance(o, (np.ndarray, list, tuple)):
            return NotImplemented       # numpy broadcasts and calls back per element
        return fn(s, o)
    return op


class MP:
    __slots__ = ("v",)

    def __init__(self, v):
        self.v = v if isinstance(v, mp.mpf) else mp.mpf(v)

    @_binary
    def __add__(s, o): return MP(s.v + _v(o))
    @_binary
    def __radd__(s, o): return MP(_v(o) + s.v)
    @_binary
    def __sub__(s, o): return MP(s.v - _v(o))
    @_binary
    def __rsub__(s, o): return MP(_v(o) - s.v)
    @_binary
    def __mul__(s, o): return MP(s.v * _v(o))
    @_binary
    def __rmul__(s, o): return MP(_v(o) * s.v)
    @_binary
    def __truediv__(s, o): return MP(s.v / _v(o))
    @_binary
    def __rtruediv__(s, o): return MP(_v(o) / s.v)
    @_binary
    def __pow__(s, o):
        o = _v(o)
        if s.v < 0 and o != mp.floor(o):
            return MP(mp.nan)
        return MP(s.v ** o)
    @_binary
    def __rpow__(s, o): return MP(_v(o) ** s.v)
    def __neg__(s): return MP(-s.v)
    def __pos__(s): return s
    def __abs__(s): return MP(abs(s.v))
    @_binary
    def __lt__(s, o): return s.v < _v(o)
    @_binary
    def __le__(s, o): return s.v <= _v(o)
    @_binary
    def __gt__(s, o): return s.v > _v(o)
    @_binary
    def __ge__(s, o): return s.v >= _v(o)
    @_binary
    def __eq__(s, o): return s.v == _v(o)
    @_binary
    def __ne__(s, o): return s.v != _v(o)
    def __hash__(s): return hash(s.v)
    def __float__(s): return float(s.v)
    def __floor__(s): return MP(mp.floor(s.v))
    def __ceil__(s): return MP(mp.ceil(s.v))
    def __trunc__(s): return MP(mp.floor(s.v) if s.v >= 0 else mp.ceil(s.v))
    def __round__(s, nd=None): return MP(mp.nint(s.v))
    def rint(s): return MP(mp.nint(s.v))
    def sin(s): return MP(mp.sin(s.v))
    def cos(s): return MP(mp.cos(s.v))
    def tan(s): return MP(mp.tan(s.v))
    def exp(s): return MP(mp.exp(s.v))
    def expm1(s): return MP(mp.expm1(s.v))
    def log(s): return MP(mp.log(s.v)) if s.v > 0 else MP(mp.nan)
    def log10(s): return MP(mp.log10(s.v))
    def log1p(s): return MP(mp.log1p(s.v))
    def sqrt(s): return MP(mp.sqrt(s.v)) if s.v >= 0 else MP(mp.nan)
    def cbrt(s): return MP(mp.cbrt(s.v))
    def arctan(s): return MP(mp.atan(s.v))
    def arcsin(s): return MP(mp.asin(s.v))
    def arccos(s): return MP(mp.acos(s.v))
    def arctan2(s, o): return MP(mp.atan2(s.v, _v(o)))
    def sinh(s): return MP(mp.sinh(s.v))
    def cosh(s): return MP(mp.cosh(s.v))
    def tanh(s): return MP(mp.tanh(s.v))
    def fmod(s, o): return MP(mp.fmod(s.v, _v(o)))
    def hypot(s, o): return MP(mp.hypot(s.v, _v(o)))


def as_mp(y):
    a = np.asarray(y, dtype=object).ravel()
    assert a.size == 1, a.shape
    return _v(a[0])


def mp_point(x):
    return np.array([MP(mp.mpf(float(v))) for v in x], dtype=object)


def exact_grad(f, x0, h=mp.mpf(10) ** -25):
    n = len(x0)
    g = []
    for i in range(n):
        xp, xm = mp_point(x0), mp_point(x0)
        xp[i] = MP(xp[i].v + h)
        xm[i] = MP(xm[i].v - h)
        g.append((as_mp(f(xp)) - as_mp(f(xm))) / (2 * h))
    return g


def exact_hessian(f, x0, h=mp.mpf(10) ** -15):
    n = len(x0)
    def at(moves):
        x = mp_point(x0)
        for i, s in moves:
            x[i] = MP(x[i].v + s * h)
        return as_mp(f(x))
    H = [[None] * n for _ in range(n)]
    for i in range(n):
        for j in range(i, n):
            v = (at([(i, 1), (j, 1)]) - at([(i, 1), (j, -1)]) - at([(i, -1), (j, 1)])
                 + at([(i, -1), (j, -1)])) / (4 * h * h)
            H[i][j] = H[j][i] = v
    return H


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--suite", default="name", choices=("name", "cec"))
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--all", action="store_true",
                    help="every function whose gradient ran, not only the disagreements")
    ap.add_argument("--json", help="write the per-function relative errors here")
    args = ap.parse_args()
    table = []
    import opfunu
    module = opfunu.name_based if args.suite == "name" else opfunu.cec_based
    d = json.load(open(args.results))
    for r in d["functions"]:
        bad = [k for k in ("grad", "hessian") if r.get(f"{k}_match") is False]
        if args.only is not None or args.all:
            if args.only is not None and r["name"] not in args.only:
                continue
            bad = [k for k in ("grad", "hessian") if r.get(f"{k}_ok")]
        if not bad:
            continue
        cls = getattr(module, r["name"])
        np.random.seed(0)       # as run_suite.build seeds it before the constructor
        obj = cls(ndim=r["dim"]) if (args.suite == "cec" or r.get("dim_changeable")) else cls()
        def f(x):
            np.random.seed(0)
            random.seed(0)
            return obj.evaluate(x)
        x0 = np.array(r["x0"])
        f_exact = as_mp(f(mp_point(x0)))
        rel_f = float(abs(mp.mpf(r["f0"]) - f_exact) / max(abs(f_exact), mp.mpf(10) ** -300))
        print(f"## {r['name']} (dim {r['dim']}): f0 float64 = {r['f0']:.17g}, exact = "
              f"{mp.nstr(f_exact, 17)}, rel. error of f's float64 value {rel_f:.1e}")
        row = {"name": r["name"], "f_rel_err": rel_f}
        table.append(row)
        if "grad" in bad:
            ge = np.array([float(v) for v in exact_grad(f, x0)])
            # the referee's own check: a step 10**7 times smaller must give the same numbers,
            # else f varies on scales below 1e-25 (or needs more than 60 digits) at x0
            ge2 = np.array([float(v) for v in exact_grad(f, x0, mp.mpf(10) ** -32)])
            sc = max(np.max(np.abs(ge)), 1e-300)
            row["referee_ok"] = bool(np.max(np.abs(ge - ge2)) <= 1e-12 * sc)
            g = np.array(r["grad"])
            fd = np.array(r["g_fd"])
            s = np.max(np.abs(ge))
            s = s if s > 0 else 1.0
            row.update(grad_max_exact=float(np.max(np.abs(ge))),
                       grad_rel_err_exact=float(np.max(np.abs(g - ge)) / s),
                       fd_rel_err_exact=float(np.max(np.abs(fd - ge)) / s))
            print(f"   gradient: max|exact| {np.max(np.abs(ge)):.3g}; cydiff vs exact "
                  f"{row['grad_rel_err_exact']:.1e}; differences vs exact {row['fd_rel_err_exact']:.1e}"
                  f" (relative to max|exact|, or absolute where that is 0)"
                  + ("" if row["referee_ok"] else "; REFEREE UNRELIABLE HERE (steps 1e-25 and 1e-32 disagree)"))
        if "hessian" in bad:
            He = np.array([[float(v) for v in row_] for row_ in exact_hessian(f, x0)])
            He2 = np.array([[float(v) for v in row_] for row_ in exact_hessian(f, x0, mp.mpf(10) ** -18)])
            row["referee_hessian_ok"] = bool(np.max(np.abs(He - He2)) <= 1e-10 * max(np.max(np.abs(He)), 1e-300))
            H = np.array(r["hessian"])
            s = np.max(np.abs(He))
            s = s if s > 0 else 1.0
            row.update(hessian_max_exact=float(np.max(np.abs(He))),
                       hessian_rel_err_exact=float(np.max(np.abs(H - He)) / s))
            msg = (f"   Hessian: max|exact| {np.max(np.abs(He)):.3g}; cydiff vs exact "
                   f"{row['hessian_rel_err_exact']:.1e}")
            if r.get("hessian_fd") is not None:
                row["hessian_fd_rel_err_exact"] = float(np.max(np.abs(np.array(r["hessian_fd"]) - He)) / s)
                msg += f"; differences of the gradient vs exact {row['hessian_fd_rel_err_exact']:.1e}"
            if not row["referee_hessian_ok"]:
                msg += "; REFEREE UNRELIABLE HERE (steps 1e-15 and 1e-18 disagree)"
            print(msg)
        sys.stdout.flush()
    if args.json:
        json.dump(table, open(args.json, "w"), indent=1)


if __name__ == "__main__":
    main()
