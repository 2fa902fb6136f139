"""Every elementary function with its derivative in closed form, and a domain to sample."""

import math

CLOSED_FORMS = {
    # name: (f, f', (low, high))
    "exp": (math.exp, math.exp, (-5.0, 5.0)),
    "log": (math.log, lambda x: 1.0 / x, (0.1, 10.0)),
    "sqrt": (math.sqrt, lambda x: 0.5 / math.sqrt(x), (0.1, 10.0)),
    "sin": (math.sin, math.cos, (-4.0, 4.0)),
    "cos": (math.cos, lambda x: -math.sin(x), (-4.0, 4.0)),
    "tan": (math.tan, lambda x: 1.0 / math.cos(x) ** 2, (-1.4, 1.4)),
    "tanh": (math.tanh, lambda x: 1.0 - math.tanh(x) ** 2, (-4.0, 4.0)),
    "sigmoid": (lambda x: 1.0 / (1.0 + math.exp(-x)),
                lambda x: math.exp(-x) / (1.0 + math.exp(-x)) ** 2, (-8.0, 8.0)),
    "relu": (lambda x: max(x, 0.0), lambda x: 1.0 if x > 0 else 0.0, (-3.0, 3.0)),
    "abs": (abs, lambda x: math.copysign(1.0, x), (-3.0, 3.0)),
    "log1p": (math.log1p, lambda x: 1.0 / (1.0 + x), (-0.9, 5.0)),
    "expm1": (math.expm1, math.exp, (-5.0, 5.0)),
    "asin": (math.asin, lambda x: 1.0 / math.sqrt(1.0 - x * x), (-0.95, 0.95)),
    "acos": (math.acos, lambda x: -1.0 / math.sqrt(1.0 - x * x), (-0.95, 0.95)),
    "atan": (math.atan, lambda x: 1.0 / (1.0 + x * x), (-5.0, 5.0)),
    "sinh": (math.sinh, math.cosh, (-4.0, 4.0)),
    "cosh": (math.cosh, math.sinh, (-4.0, 4.0)),
    "softplus": (lambda x: math.log1p(math.exp(x)), lambda x: 1.0 / (1.0 + math.exp(-x)),
                 (-8.0, 8.0)),
    "erf": (math.erf, lambda x: 2.0 / math.sqrt(math.pi) * math.exp(-x * x), (-3.0, 3.0)),
    "log2": (math.log2, lambda x: 1.0 / (x * math.log(2.0)), (0.1, 10.0)),
    "log10": (math.log10, lambda x: 1.0 / (x * math.log(10.0)), (0.1, 10.0)),
    "asinh": (math.asinh, lambda x: 1.0 / math.sqrt(1.0 + x * x), (-5.0, 5.0)),
    "acosh": (math.acosh, lambda x: 1.0 / math.sqrt(x * x - 1.0), (1.0, 6.0)),
    "atanh": (math.atanh, lambda x: 1.0 / (1.0 - x * x), (-0.95, 0.95)),
    "erfc": (math.erfc, lambda x: -2.0 / math.sqrt(math.pi) * math.exp(-x * x), (-3.0, 3.0)),
}

KINKS = {"relu": [0.0], "abs": [0.0]}


def sample(name, rng, k):
    """k points of the function's domain, away from kinks."""
    low, high = CLOSED_FORMS[name][2]
    points = []
    while len(points) < k:
        x = rng.uniform(low, high)
        if all(abs(x - kink) > 1e-3 for kink in KINKS.get(name, [])):
            points.append(x)
    return points
