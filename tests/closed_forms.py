"""Every elementary function with its derivative in closed form, and a domain to sample."""

import math

import scipy.special

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
    "floor": (lambda x: float(math.floor(x)), lambda x: 0.0, (-3.0, 3.0)),
    "ceil": (lambda x: float(math.ceil(x)), lambda x: 0.0, (-3.0, 3.0)),
    "trunc": (lambda x: float(math.trunc(x)), lambda x: 0.0, (-3.0, 3.0)),
    "rint": (lambda x: float(round(x)), lambda x: 0.0, (-3.0, 3.0)),
    "sign": (lambda x: float((x > 0) - (x < 0)), lambda x: 0.0, (-3.0, 3.0)),
    "exp2": (lambda x: 2.0 ** x, lambda x: math.log(2.0) * 2.0 ** x, (-5.0, 5.0)),
    "cbrt": (lambda x: math.copysign(abs(x) ** (1.0 / 3.0), x),
             lambda x: abs(x) ** (-2.0 / 3.0) / 3.0, (-8.0, 8.0)),
    "lgamma": (math.lgamma, lambda x: float(scipy.special.digamma(x)), (0.05, 8.0)),
    "square": (lambda x: x * x, lambda x: 2.0 * x, (-4.0, 4.0)),
    "reciprocal": (lambda x: 1.0 / x, lambda x: -1.0 / (x * x), (0.2, 5.0)),
}

# Every binary function: (f, (df/da, df/db), (d²f/da², d²f/dadb, d²f/db²), domain of a and
# of b, kink: a function of (a, b) that is 0 where f or f' jumps, else None)
BINARY_CLOSED_FORMS = {
    "atan2": (math.atan2, (lambda a, b: b / (a * a + b * b), lambda a, b: -a / (a * a + b * b)),
              (lambda a, b: -2 * a * b / (a * a + b * b) ** 2,
               lambda a, b: (a * a - b * b) / (a * a + b * b) ** 2,
               lambda a, b: 2 * a * b / (a * a + b * b) ** 2),
              (-3.0, 3.0), (-3.0, 3.0), lambda a, b: a if b < 0 else None),  # the cut
    "hypot": (math.hypot, (lambda a, b: a / math.hypot(a, b), lambda a, b: b / math.hypot(a, b)),
              (lambda a, b: b * b / math.hypot(a, b) ** 3, lambda a, b: -a * b / math.hypot(a, b) ** 3,
               lambda a, b: a * a / math.hypot(a, b) ** 3),
              (-3.0, 3.0), (-3.0, 3.0), None),
    "copysign": (math.copysign, (lambda a, b: math.copysign(1.0, a) * math.copysign(1.0, b),
                                 lambda a, b: 0.0),
                 (lambda a, b: 0.0, lambda a, b: 0.0, lambda a, b: 0.0),
                 (-3.0, 3.0), (-3.0, 3.0), lambda a, b: min(abs(a), abs(b))),
    "fmod": (math.fmod, (lambda a, b: 1.0, lambda a, b: -float(math.trunc(a / b))),
             (lambda a, b: 0.0, lambda a, b: 0.0, lambda a, b: 0.0),
             (-7.0, 7.0), (0.5, 3.0), lambda a, b: (a / b) - round(a / b)),
    "minimum": (min, (lambda a, b: float(a < b), lambda a, b: float(b < a)),
                (lambda a, b: 0.0, lambda a, b: 0.0, lambda a, b: 0.0),
                (-3.0, 3.0), (-3.0, 3.0), lambda a, b: a - b),
    "maximum": (max, (lambda a, b: float(a > b), lambda a, b: float(b > a)),
                (lambda a, b: 0.0, lambda a, b: 0.0, lambda a, b: 0.0),
                (-3.0, 3.0), (-3.0, 3.0), lambda a, b: a - b),
}
for _name, _test in (("less", lambda a, b: a < b), ("greater", lambda a, b: a > b),
                     ("less_equal", lambda a, b: a <= b), ("greater_equal", lambda a, b: a >= b)):
    BINARY_CLOSED_FORMS[_name] = (
        lambda a, b, test=_test: float(test(a, b)), (lambda a, b: 0.0, lambda a, b: 0.0),
        (lambda a, b: 0.0, lambda a, b: 0.0, lambda a, b: 0.0), (-3.0, 3.0), (-3.0, 3.0),
        lambda a, b: a - b)


def sample2(name, rng, k, margin=2e-3):
    """k points (a, b) of the binary function's domain, away from its kinks."""
    (low_a, high_a), (low_b, high_b), kink = BINARY_CLOSED_FORMS[name][3:]
    points = []
    while len(points) < k:
        a, b = rng.uniform(low_a, high_a), rng.uniform(low_b, high_b)
        if kink is None or kink(a, b) is None or abs(kink(a, b)) > margin * max(1.0, abs(a), abs(b)):
            points.append((a, b))
    return points


def _nearest_integer(x):
    return float(round(x))


# each kinked function's kink nearest x (a step of f, or of f')
KINKS = {"relu": lambda x: 0.0, "abs": lambda x: 0.0, "sign": lambda x: 0.0,
         "cbrt": lambda x: 0.0, "floor": _nearest_integer, "ceil": _nearest_integer,
         "trunc": _nearest_integer, "rint": lambda x: math.floor(x) + 0.5}


def sample(name, rng, k):
    """k points of the function's domain, away from kinks."""
    low, high = CLOSED_FORMS[name][2]
    points = []
    while len(points) < k:
        x = rng.uniform(low, high)
        # beyond the reach of the tests' difference steps (up to 1e-3·max(1, |x|))
        if name not in KINKS or abs(x - KINKS[name](x)) > 2e-3 * max(1.0, abs(x)):
            points.append(x)
    return points

# the functions whose derivative is a step: differences of f' must not reach across it
STEP_DERIVATIVES = {"relu", "abs", "sign", "floor", "ceil", "trunc", "rint"}


def central(f, x, h):
    return (f(x + h) - f(x - h)) / (2.0 * h)


def richardson(f, x):
    """Central differences with one Richardson step: error O(h^4), about 1e-11 here."""
    h = 1e-3 * max(1.0, abs(x))
    return (4.0 * central(f, x, h / 2) - central(f, x, h)) / 3.0
