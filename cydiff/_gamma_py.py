"""The derivatives of lgamma: the digamma function ψ = lgamma' and the trigamma
function ψ₁ = lgamma'', for the pure twin's op table (`_ops_py`).

`src/cydiff/_kernels_c.pyx` has their C twins: the same steps in the same order, so
the same bits (read the two side by side). Neither raises: a pole gives nan (ψ) or
inf (ψ₁), as the one-sided limits disagree or agree there.

For x > 0 both shift x up to 10 or more with the recurrences ψ(x) = ψ(x + 1) - 1/x
and ψ₁(x) = ψ₁(x + 1) + 1/x², then sum their asymptotic series in z = 1/x (the
Bernoulli numbers' terms to z¹⁴, below 2e-17 relative there). Near ψ's only positive
root x₀ the shift would cancel to an absolute error, so ψ sums its Taylor series
about x₀ there instead, in t = x - x₀ with x₀ to twice double precision. For x < 0
the reflection formulas ψ(x) = ψ(1 - x) - π / tan(πx) and ψ₁(x) = π² / sin²(πx) -
ψ₁(1 - x), with πx reduced to π(x - rint(x)), exact.
"""

from __future__ import annotations

import math

PI = math.pi
# ψ's positive root, 1.46163214496836234126265954232572132846819620400644..., as a
# sum of two doubles, and ψ's Taylor coefficients there: ψ⁽ᵏ⁾(x₀)/k! = (-1)^(k+1)
# ζ(k+1, x₀) (computed with scipy.special.zeta).
ROOT_HI, ROOT_LO = 1.4616321449683622, 9.549995429965697e-17
ROOT_SERIES = (0.9676722454476214, -0.44276316898359214, 0.2584997609556512,
               -0.16394270544240658, 0.10782405069126239, -0.07219956125645476,
               0.048804288164143145, -0.033161126474847376, 0.022597648232218125,
               -0.015424765904948968, 0.010538791616612182, -0.007204534386356875,
               0.004926781395729858, -0.0033698016554393317)
ROOT_RADIUS = 0.1     # |t| below this: the series' last term is under 4e-16 of its first
SHIFT = 10.0          # the asymptotic series from here up


def _is_pole(x: float) -> bool:
    """x is 0 or a negative integer (the caller knows x <= 0 and finite)."""
    return x == math.floor(x)


def _reduced(x: float) -> float:
    """x - rint(x): the same angle for tan and sin², in [-1/2, 1/2], exact."""
    return x - math.copysign(float(round(x)), x)


def digamma(x: float) -> float:
    """ψ(x) = d/dx lgamma(x)."""
    if not math.isfinite(x):
        return x if x > 0.0 else math.nan   # ψ(inf) = inf; nan and -inf: nan
    if x <= 0.0:
        if _is_pole(x):
            return math.nan
        return digamma(1.0 - x) - PI / math.tan(PI * _reduced(x))
    t = (x - ROOT_HI) - ROOT_LO
    if -ROOT_RADIUS < t < ROOT_RADIUS:
        total = 0.0
        for c in reversed(ROOT_SERIES):
            total = total * t + c
        return total * t
    shift = 0.0
    while x < SHIFT:
        shift = shift - 1.0 / x
        x = x + 1.0
    z = 1.0 / x
    w = z * z
    tail = w * (1.0 / 12.0 - w * (1.0 / 120.0 - w * (1.0 / 252.0 - w * (
        1.0 / 240.0 - w * (1.0 / 132.0 - w * (691.0 / 32760.0 - w * (1.0 / 12.0)))))))
    return shift + ((math.log(x) - 0.5 * z) - tail)


def trigamma(x: float) -> float:
    """ψ₁(x) = d²/dx² lgamma(x)."""
    if not math.isfinite(x):
        return 0.0 if x > 0.0 else math.nan  # ψ₁(inf) = 0; nan and -inf: nan
    if x <= 0.0:
        if _is_pole(x):
            return math.inf
        q = PI / math.sin(PI * _reduced(x))  # not π² / s²: s² underflows near 0
        return q * q - trigamma(1.0 - x)
    shift = 0.0
    while x < SHIFT:
        z = 1.0 / x
        shift = shift + z * z
        x = x + 1.0
    z = 1.0 / x
    w = z * z
    tail = z * w * (1.0 / 6.0 - w * (1.0 / 30.0 - w * (1.0 / 42.0 - w * (
        1.0 / 30.0 - w * (5.0 / 66.0 - w * (691.0 / 2730.0 - w * (7.0 / 6.0)))))))
    return shift + ((z + 0.5 * w) + tail)
