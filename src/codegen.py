"""Generates the compiled twin's op table, number classes and functions from the op spec.

`cydiff/_spec.py` writes every op once. For the compiled twin, this script renders the
Tempita templates `src/cydiff/*.tp` (Tempita comes with Cython) into the Cython sources
they name — `_ops_c.pxd` (the op table: codes, names, forward values, first and second
derivatives), `_dual_c.pyx`, `_multidual_c.pyx`, `_value_c.pyx` (the classes),
`_functions_c.pyx` and `_tape_c.pyx` (the tape's replay, whose sweeps have a case an
op). A template can render fragments of its own, one a job (`_value_c.pyx.tp`: a node's
life, sweeps, records, freeing; `_tape_c.pyx.tp`: first- and second-order replay), into
its one file, where Cython's `include` would not
do: the C code's error positions then name several files, which changed the size of cold
code and moved the hot code after it (Value's backward was 12% slower). The three number
classes share one surface, written once: their operators, conversions, comparisons and
elementary methods (`_numbers_c.tp`) and the functions the operators call
(`_operands_c.tp`), rendered for each class from what differs (`NUMBERS`).

setup.py runs it before every build; the generated files are not committed (see
.gitignore), and a file is rewritten only when its text changes, so that an
unchanged op table does not rebuild every module. Run it by hand with
`python src/codegen.py`.

The spec's formulas are Python expressions in a small language (see `_spec`); here
each is parsed, checked against that language (no `/` or `**`, no integer literals,
only the vocabulary's names) and written out in Cython, with the vocabulary's IEEE
functions renamed to the kernels of `_kernels_c.pxd`.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import sys
from types import ModuleType
from typing import Any, Callable, Iterable, NamedTuple

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SOURCES = os.path.join(HERE, "cydiff")
TEMPLATES = ["_ops_c.pxd", "_dual_c.pyx", "_multidual_c.pyx", "_value_c.pyx",
             "_functions_c.pyx", "_tape_c.pyx"]
SHARED = ["_operands_c.tp", "_numbers_c.tp"]  # the surface the number templates share


class Number(NamedTuple):
    """What the shared surface needs to know of a number class, whose template defines
    `_binary(<binary_args>, a, b)` and `_with_constant(op, x, c, constant_left)`."""
    cls: str            # the class
    field: str          # its C field holding the value that ordering and truth read
    unary: str          # its helper `unary(op, x)`: the number f(x) for a unary op
    binary_args: str    # what its `_binary` takes before the two operands
    by_value: bool      # == and hash by the value, else by identity (a graph node)
    lost: str           # what a silent float() would lose
    value: str          # the value's name in docstrings


NUMBERS = {number.cls: number for number in [
    Number("Dual", "_val", "dual_unary", "op", True, "the derivative", "value"),
    # _binary refuses operands with different numbers of partials, naming the operator
    Number("MultiDual", "_val", "multidual_unary", "op, symbol", True, "the partials", "value"),
    Number("Value", "_data", "value_unary", "op", False, "the gradient", "data"),
]}
# Python's names of the operators of the spec's binary ops (** has its own: pow's modulo).
DUNDERS = {"+": "__add__", "-": "__sub__", "*": "__mul__", "/": "__truediv__"}

# The vocabulary of the spec's formulas, by its C names where they differ.
C_NAMES = {"div": "ieee_div", "pow": "ieee_pow", "log": "ieee_log", "sqrt": "ieee_sqrt"}
LIBM = {"exp", "log1p", "sin", "cos", "sinh", "cosh", "fabs", "floor", "ceil", "trunc", "rint",
        "hypot", "copysign"}
KERNELS = {"sigmoid", "cube", "tangent", "divide", "power", "digamma", "trigamma"}
# A forward value computed by cydiff itself where libm's is not math's: CPython computes
# lgamma itself (_gamma_c.pyx); and reciprocal, which math lacks (1.0 / x in C, and
# Python's ZeroDivisionError through math1's check of its infinity).
C_MATH = {"lgamma": "cpython_lgamma", "reciprocal": "reciprocal"}
VOCABULARY = set(C_NAMES) | LIBM | KERNELS


def load_spec(name: str = "_spec") -> ModuleType:
    """cydiff/_spec.py (or another module of cydiff that imports nothing of it, such as
    _docstrings) by its path: the build must not import cydiff itself."""
    location = importlib.util.spec_from_file_location(
        f"cydiff{name}", os.path.join(ROOT, "cydiff", f"{name}.py"))
    assert location is not None and location.loader is not None
    spec = importlib.util.module_from_spec(location)
    location.loader.exec_module(spec)
    return spec


class _ToC(ast.NodeTransformer):
    """A spec formula as Cython, checked against the formula language."""

    def __init__(self, variables: Iterable[str], expression: str,
                 rename: dict[str, str] | None = None) -> None:
        self.variables, self.expression = set(variables), expression
        self.rename = rename or {}

    def refuse(self, why: str) -> None:
        raise ValueError(f"op spec formula {self.expression!r}: {why}")

    def visit_Name(self, node: ast.Name) -> ast.Name:
        if node.id not in self.variables and node.id not in VOCABULARY:
            self.refuse(f"unknown name {node.id!r}")
        return ast.Name(self.rename.get(node.id) or C_NAMES.get(node.id, node.id), node.ctx)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        if not isinstance(node.func, ast.Name) or node.func.id not in VOCABULARY or node.keywords:
            self.refuse("calls only the vocabulary's functions, with positional arguments")
        return self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        if not isinstance(node.op, (ast.Add, ast.Sub, ast.Mult)):
            self.refuse("only + - * (write div() and pow(): / and ** mean other things in C)")
        return self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> ast.Constant:
        if type(node.value) is not float:
            self.refuse(f"{node.value!r} is not a float literal (C would compute in ints)")
        return node

    def generic_visit(self, node: ast.AST) -> ast.AST:
        allowed = (ast.Expression, ast.Name, ast.Load, ast.Call, ast.BinOp, ast.UnaryOp,
                   ast.USub, ast.UAdd, ast.Add, ast.Sub, ast.Mult, ast.IfExp, ast.Compare,
                   ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Eq, ast.NotEq, ast.BoolOp, ast.And,
                   ast.Or, ast.Constant)
        if not isinstance(node, allowed):
            self.refuse(f"{type(node).__name__} is not in the formula language")
        return super().generic_visit(node)


def c(expression: str, variables: str = "x, y", **rename: str) -> str:
    """A spec formula in Cython, its variables renamed as asked (x="u")."""
    tree = _ToC(variables.split(", "), expression, rename).visit(
        ast.parse(expression, mode="eval"))
    return ast.unparse(tree)


def switch(cases: list[tuple[str, str]], indent: str = "    ") -> str:
    """`if op == A: return a / elif ... / else: return z`: the last case is the else."""
    lines = []
    for i, (code, result) in enumerate(cases):
        if i == len(cases) - 1:
            lines.append(f"{indent}else:  # {code}")
        else:
            lines.append(f"{indent}{'if' if i == 0 else 'elif'} op == {code}:")
        line = f"{indent}    return {result}"
        lines.append(line + ("  # no-cython-lint (a spec formula)" if len(line) > 110 else ""))
    return "\n".join(lines)


def ranges(codes: Iterable[int]) -> str:
    """A C test that op is one of codes, as ranges of consecutive codes."""
    runs: list[list[int]] = []
    for code in sorted(codes):
        if runs and code == runs[-1][1] + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return " or ".join(f"op == {a}" if a == b else f"{a} <= op <= {b}" for a, b in runs)


def wrap(names: list[str], indent: str = "    ", width: int = 95) -> str:
    """names, comma-separated, in lines for a parenthesized import."""
    lines, line = [], indent
    for name in names:
        if len(line) + len(name) + 2 > width:
            lines.append(line.rstrip())
            line = indent
        line += name + ", "
    return "\n".join([*lines, line.rstrip()])


# The ops a tape's replay computes inside its loop: those cheaper than a call. The others
# go through one out-of-line method each way, so that the loop's code stays the same
# however many ops the spec has (six more unary cases in the loop measured the replay
# 14% slower, none of them run: GCC laid the loop out anew).
TAPE_INLINE = ("NEG", "RELU", "ABS", "ADD", "SUB", "MUL", "DIV", "POW",
               "ADD_C", "SUB_C", "RSUB_C", "MUL_C", "DIV_C", "RDIV_C", "POW_C", "RPOW_C")


def unary_formula(op: Any, what: str) -> str:
    """The C of a unary op's forward value (raising as Python: "forward"; libm noting where
    Python would answer otherwise, for the tape's replay: "value") or of its derivative
    "d" or "d2"."""
    if what in ("d", "d2"):
        return c(getattr(op, what))
    if op.math:
        call = f"{C_MATH.get(op.math, op.math)}(x)"
        return f'math1("{op.math}", {call}, x)' if what == "forward" else f"asks({call}, x, ask)"
    return c(op.value, "x")


def binary_formula(op: Any, what: str) -> str:
    """The C of a binary op's forward value: raising as Python ("forward"), or libm's
    noting in *err where Python would raise or answer otherwise, for the tape's replay
    ("value"). math.hypot is CPython's own algorithm: Python always answers it."""
    if not op.math:
        return c(op.value, "a, b")
    if op.math == "hypot":
        return f'py_math2("{op.math}", a, b)' if what == "forward" else "ask_python(err)"
    call = f"{op.math}(a, b)"
    return f'math2("{op.math}", {call}, a, b)' if what == "forward" else f"asks2({call}, a, b, err)"


def inline_c(op: Any, what: str, x: str) -> str:
    """A unary op's value ("value") or derivative ("d") in C, its x renamed: written out in
    the tape's loops, where a call of unary_deriv measured GCC not inlining it."""
    assert not op.math, f"{op.name}: a libm op is never in TAPE_INLINE"
    return c(getattr(op, what), x=x)


def namespace(spec: ModuleType) -> dict[str, Any]:
    """What the templates see."""
    unary = list(spec.UNARY)
    codes = {name: getattr(spec, name) for name in dir(spec)
             if name.isupper() and type(getattr(spec, name)) is int and name != "N_OPS"}
    codes.update({op.name.upper(): op.code for op in unary})
    for op in spec.FOLDED:  # the binary functions' folded forms: ATAN2_C, RATAN2_C, ...
        kind = next(name for name, code in codes.items() if code == op.binary)
        codes.setdefault(("R" if op.left else "") + kind + "_C", op.code)
    assert len(set(codes.values())) == len(codes), "two ops share a code"
    # 7 bits and FOUND = 128 keep the sweep's bit tests in the low byte: with FOUND = 256
    # GCC tests and sets it through %ah/%ch, whose partial-register merges on the chain of
    # found children made Value's backward 45% slower
    assert spec.N_OPS <= 128, "Value._meta keeps an op code in 7 bits (_value_c.pxd)"
    libm = sorted({op.math for op in unary if op.math and op.math not in C_MATH} | LIBM
                  | {op.math for op in spec.BINARY if op.math})
    name_of = {code: name for name, code in codes.items()}

    def unary_switch(what: str) -> str:
        return switch([(op.name.upper(), unary_formula(op, what)) for op in unary])

    def binary_switch(what: str) -> str:
        if what == "value":
            return switch([(name_of[op.code], binary_formula(op, "forward"))
                           for op in spec.BINARY])
        return switch([(name_of[op.code], c(getattr(op, what), "a, b, y"))
                       for op in spec.BINARY])

    def operator_switch(what: str) -> str:
        return switch([(name_of[op.code], c(getattr(op, what), "a, b, y"))
                       for op in spec.BINARY if op.code <= spec.POW])

    def folds(left: bool) -> list[tuple[int, int]]:
        """(binary op, its folded op with the constant on the left or right)."""
        commutative = (spec.ADD, spec.MUL)  # x + c is c + x: ADD_C serves both sides
        return [(op.binary, op.code) for op in spec.FOLDED
                if op.left == left or (left and op.binary in commutative)]

    def fold_switch(left: bool) -> str:
        lines = [f"    if op == {name_of[b]}: return {name_of[f]}" for b, f in folds(left)]
        return "\n".join(lines[:-1] + [f"    return {name_of[folds(left)[-1][1]]}"])

    def kind_switch(ops: list[Any]) -> str:
        """folded_kind's body for these folded ops: a test a kind, the last one the else."""
        kinds: dict[int, list[int]] = {}
        for op in ops:
            kinds.setdefault(op.binary, []).append(op.code)
        lines = [f"    if {' or '.join(f'op == {name_of[f]}' for f in fs)}: return {name_of[b]}"
                 for b, fs in kinds.items()]
        lines[-1] = f"    return {name_of[list(kinds)[-1]]}"
        return "\n".join(lines)

    def codes_of(ops: Iterable[Any]) -> str:
        return ranges(op.code for op in ops)

    functions = [op for op in unary if op.function]
    inline_unary = [op for op in unary if op.name.upper() in TAPE_INLINE]
    docstrings = load_spec("_docstrings")  # both twins' docstrings of the spec's ops
    return {"spec": spec, "unary": unary, "functions": functions,
            "function_doc": docstrings.function_doc, "method_doc": docstrings.method_doc,
            "docs": docstrings,
            "codes": sorted(codes.items(), key=lambda item: item[1]), "name_of": name_of,
            "libm": wrap(["NAN", "isfinite", "isinf", "isnan", *libm]),
            "unary_codes": wrap([op.name.upper() for op in unary]),
            "method_codes": wrap([name_of[op.code] for op in spec.BINARY if op.function]),
            "binary_function_codes": wrap([name_of[op.code] for op in spec.BINARY
                                           if op.function or op.code in (spec.WHEN, spec.UNLESS)]),
            "binary_codes": wrap([name_of[op.code] for op in (*spec.BINARY, *spec.FOLDED)]),
            "function_codes": wrap([op.name.upper() for op in unary if op.function]),
            "blank_unless_first": lambda op: "" if op.code == functions[0].code else "\n",
            "inline_unary": inline_unary,
            "inline_binary": [op for op in spec.BINARY if name_of[op.code] in TAPE_INLINE],
            "inline_folded": [op for op in spec.FOLDED if name_of[op.code] in TAPE_INLINE],
            "inline_codes": wrap([op.name.upper() for op in inline_unary]),
            "relu": next(op for op in unary if op.name == "relu"),
            "inline_c": inline_c, "binary_formula": binary_formula,
            "binary_functions": [op for op in spec.BINARY if op.function],
            "unary_switch": unary_switch, "binary_switch": binary_switch, "codes_of": codes_of,
            "operator_switch": operator_switch,
            "folded_switch": kind_switch(list(spec.FOLDED)), "fold_switch": fold_switch,
            "operator_kind_switch": kind_switch([f for f in spec.FOLDED if f.binary <= spec.POW]),
            "operators": [(DUNDERS[op.name], name_of[op.code], op.name) for op in spec.BINARY
                          if op.name in DUNDERS],
            "equalities": [("__eq__", "=="), ("__ne__", "!=")],
            "orderings": [("__lt__", "<"), ("__le__", "<="), ("__gt__", ">"), ("__ge__", ">=")]}


def render(name: str, spec: ModuleType) -> str:
    from Cython import Tempita

    with open(os.path.join(SOURCES, name + ".tp"), encoding="utf-8") as f:
        text = f.read()
    header = (f"# GENERATED by src/codegen.py from src/cydiff/{name}.tp and the op spec\n"
              "# cydiff/_spec.py: edit those, not this file.\n")
    names = namespace(spec)
    shared = {}
    for fragment in SHARED:
        with open(os.path.join(SOURCES, fragment), encoding="utf-8") as f:
            shared[fragment] = Tempita.Template(f.read(), name=fragment)

    def surface(fragment: str) -> Callable[[str], str]:
        def rendered(cls: str) -> str:
            return shared[fragment].substitute({**names, **NUMBERS[cls]._asdict()}).strip("\n")
        return rendered

    names["operand_functions"] = surface("_operands_c.tp")  # before the class
    names["number_methods"] = surface("_numbers_c.tp")      # in it

    def fragment(part: str) -> str:
        """A fragment of this template, one job of its module, rendered in its place."""
        with open(os.path.join(SOURCES, part), encoding="utf-8") as f:
            return Tempita.Template(f.read(), name=part).substitute(names).strip("\n")

    names["fragment"] = fragment
    body = Tempita.Template(text, name=name + ".tp").substitute(names)
    return header + body.lstrip("\n")


def generate(quiet: bool = True) -> list[str]:
    """Renders every template; returns the files whose text changed."""
    spec = load_spec()
    changed = []
    for name in TEMPLATES:
        path = os.path.join(SOURCES, name)
        text = render(name, spec)
        try:
            with open(path, encoding="utf-8") as f:
                if f.read() == text:
                    continue
        except FileNotFoundError:
            pass
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        changed.append(path)
    if not quiet:
        print("\n".join(f"generated {path}" for path in changed) or "all generated files fresh")
    return changed


if __name__ == "__main__":
    generate(quiet="-q" in sys.argv)
