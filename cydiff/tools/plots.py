"""The pictures, drawn with matplotlib (`pip install 'cydiff[demo]'`): the seeds' of
derivatives, and the demo's (its decision boundary and its training).

    python -m cydiff plot derivatives   # sin'(x) three ways: exact, cydiff, finite differences
    python -m cydiff plot step-error    # finite differences' error against the step h

Each writes a PNG (derivatives.png, step_error.png) into the current directory, or
into `--out`.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from typing import Any, TextIO

import numpy

__all__ = ["derivatives", "step_error", "demo_boundary", "demo_loss", "run"]

EPS = float(numpy.finfo(float).eps)
FLOOR = 1e-18  # where an exact zero error is drawn on a log scale


def _pyplot() -> Any:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError("cydiff's plots need matplotlib: pip install 'cydiff[demo]'") from None
    return plt


def derivatives(path: str) -> str:
    """sin'(x) on [-2π, 2π] three ways — cos(x), cydiff's forward mode, central
    differences — and, beside it, each one's error against cos(x)."""
    from .. import Dual, numerical

    plt = _pyplot()
    xs = numpy.linspace(-2 * math.pi, 2 * math.pi, 401)
    exact = numpy.cos(xs)
    ad = numpy.array([Dual(float(x), 1.0).sin().deriv for x in xs])
    central = numpy.array([numerical.derivative(math.sin, float(x)) for x in xs])
    forward = numpy.array([numerical.derivative(math.sin, float(x), method="forward")
                           for x in xs])
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    left.plot(xs, exact, color="black", lw=3, alpha=0.35, label="exact: cos(x)")
    left.plot(xs, ad, color="tab:blue", lw=1.2, label="cydiff: Dual(x, 1).sin().deriv")
    left.plot(xs[::12], central[::12], "o", ms=4, color="tab:orange",
              label="central differences")
    left.set_title("d/dx sin(x), three ways")
    left.set_xlabel("x")
    left.legend(loc="lower left", fontsize=8)
    for values, label, color in ((ad, "cydiff (exact to the last bit)", "tab:blue"),
                                 (central, "central differences, h ~ eps^(1/3)", "tab:orange"),
                                 (forward, "forward differences, h ~ eps^(1/2)", "tab:green")):
        error = numpy.maximum(numpy.abs(values - exact), FLOOR)
        right.semilogy(xs, error, ".", ms=2.5, color=color, label=label)
    right.axhline(EPS, color="gray", lw=0.8, ls="--")
    right.text(xs[0], EPS * 1.6, "machine epsilon", fontsize=8, color="gray")
    right.set_title("error against cos(x) (an exact 0 drawn at 1e-18)")
    right.set_xlabel("x")
    right.set_ylim(FLOOR / 3, 1e-4)
    right.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def step_error(path: str, x: float = 1.0) -> str:
    """The error of finite differences for sin'(1) against the step h, 1e-1 to 1e-12:
    truncation error falls with h (as h one-sided, h² central), rounding error grows
    as eps/h, and the best step lies between; cydiff's derivative has neither."""
    from .. import Dual

    plt = _pyplot()
    hs = numpy.logspace(-12, -1, 221)
    exact = math.cos(x)
    fwd = numpy.array([abs((math.sin(x + h) - math.sin(x)) / h - exact) for h in hs])
    ctr = numpy.array([abs((math.sin(x + h) - math.sin(x - h)) / (2 * h) - exact) for h in hs])
    ad = abs(Dual(x, 1.0).sin().deriv - exact)
    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    ax.loglog(hs, numpy.maximum(fwd, FLOOR), color="tab:green", label="forward difference")
    ax.loglog(hs, numpy.maximum(ctr, FLOOR), color="tab:orange", label="central difference")
    ax.loglog(hs, hs * abs(math.sin(x)) / 2, ":", color="tab:green", lw=1,
              label="truncation, forward: h·|f''|/2")
    ax.loglog(hs, hs ** 2 * abs(math.cos(x)) / 6, ":", color="tab:orange", lw=1,
              label="truncation, central: h²·|f'''|/6")
    ax.loglog(hs, EPS / hs, "--", color="gray", lw=1, label="rounding: eps/h")
    ax.axhline(max(ad, FLOOR), color="tab:blue", lw=2,
               label=f"cydiff: error {ad:.0e}" + (" (drawn at 1e-18)" if ad == 0 else ""))
    for h, name in ((math.sqrt(EPS), "√eps"), (EPS ** (1 / 3), "∛eps")):
        ax.axvline(h, color="black", lw=0.6, alpha=0.4)
        ax.text(h * 1.15, 1e-16, name, fontsize=8)
    ax.set_xlabel("step h")
    ax.set_ylabel(f"|error| of d/dx sin(x) at x = {x:g}")
    ax.set_ylim(FLOOR / 3, 1)
    ax.set_title("finite differences: truncation against rounding")
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


PLOTS = {"derivatives": ("derivatives.png", derivatives),
         "step-error": ("step_error.png", step_error)}


def demo_boundary(model: Any, X: Any, y: Any, path: str) -> None:
    """The demo's decision boundary over its data, as micrograd's notebook draws it."""
    plt = _pyplot()
    h = 0.05
    x_min, x_max = X[:, 0].min() - 1, X[:, 0].max() + 1
    y_min, y_max = X[:, 1].min() - 1, X[:, 1].max() + 1
    xx, yy = numpy.meshgrid(numpy.arange(x_min, x_max, h), numpy.arange(y_min, y_max, h))
    points = numpy.c_[xx.ravel(), yy.ravel()]
    scores = numpy.array([model(list(map(float, p))).data for p in points])
    Z = (scores > 0).reshape(xx.shape)
    from matplotlib.patches import Patch

    colour = {-1: plt.cm.Spectral(0.0), 1: plt.cm.Spectral(1.0)}
    fig, ax = plt.subplots(figsize=(6, 5))
    ax.contourf(xx, yy, Z, levels=[-0.5, 0.5, 1.5], colors=[colour[-1], colour[1]], alpha=0.35)
    for label in (-1, 1):
        ax.scatter(X[y == label, 0], X[y == label, 1], color=colour[label], s=40,
                   edgecolors="k", label=f"data, label {label:+d}")
    regions = [Patch(color=colour[label], alpha=0.35, label=f"the model predicts {label:+d}")
               for label in (-1, 1)]
    ax.legend(handles=ax.get_legend_handles_labels()[0] + regions, loc="upper right",
              fontsize=8, framealpha=0.9)
    ax.set_xlim(xx.min(), xx.max())
    ax.set_ylim(yy.min(), yy.max())
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    ax.set_title("cydiff: MLP 2-16-16-1 on two moons, decision boundary")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def demo_loss(history: Any, path: str) -> None:
    """The demo's loss and accuracy, step by step."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    steps = range(1, len(history.loss) + 1)
    ax.plot(steps, history.loss, color="tab:blue", label="loss")
    ax.set_xlabel("step")
    ax.set_ylabel("loss (max-margin + L2)", color="tab:blue")
    ax.set_yscale("log")
    acc = ax.twinx()
    acc.plot(steps, [100 * a for a in history.accuracy], color="tab:orange", label="accuracy")
    acc.set_ylabel("accuracy (%)", color="tab:orange")
    acc.set_ylim(0, 101)
    ax.legend(handles=ax.get_lines() + acc.get_lines(), loc="center right", fontsize=8)
    ax.set_title("cydiff: training micrograd's demo")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


DESCRIPTION = "The seeds' pictures of derivatives."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The plot command's arguments, on its argparse parser."""
    parser.add_argument("which", choices=sorted(PLOTS), help="which picture")
    parser.add_argument("--out", default=".", help="the directory to write it to (.)")


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Draws the picture `python -m cydiff plot` asked for; 1 without matplotlib."""
    name, draw = PLOTS[args.which]
    os.makedirs(args.out, exist_ok=True)
    try:
        path = draw(os.path.join(args.out, name))
    except ImportError as e:
        print(e, file=sys.stderr)
        return 1
    print(f"wrote {path}", file=out)
    return 0
