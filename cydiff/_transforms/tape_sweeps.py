"""What a tape's derivative methods sweep, for both twins: uᵀ J for the rows u of U and
J v for the rows v of V (first order), H v for the rows v of V (second order), and the
matrices made of them by colours. `Tape`'s methods check what they are given and call
these; each runs the compiled replay (C) or the pure one (`replay`, `second`).
"""

from __future__ import annotations

from typing import Any, Union

import numpy

from . import replay
from .second import Graph
from .sparsity import HessianColouring, JacobianColouring

Colouring = Union[HessianColouring, JacobianColouring]


def outputs(tape: Any, xs: Any) -> Any:
    """A vector f's outputs f(x): one forward replay."""
    values = numpy.empty(tape.n_outputs, dtype=numpy.float64)
    if tape._engine is not None:
        tape._engine.outputs_at(xs, values)
    else:
        vals = replay.forward(tape._nodes, tape._constants, tape._inputs, xs.tolist())
        values[:] = [vals[i] for i in tape._outs]
    return values


def vjps(tape: Any, xs: Any, U: Any) -> tuple[Any, Any]:
    """(the outputs f(x), U[r]ᵀ J for each row r of U): one forward replay, one sweep
    back a row."""
    values = numpy.empty(tape.n_outputs, dtype=numpy.float64)
    G = numpy.empty((len(U), tape.n_inputs), dtype=numpy.float64)
    if tape._engine is not None:
        tape._engine.vjps(xs, numpy.ascontiguousarray(U, dtype=numpy.float64), values, G)
    else:
        outs, rows = replay.vjps(tape._nodes, tape._constants, tape._inputs, tape._outs,
                                 xs.tolist(), U.tolist())
        values[:] = outs
        G[:] = numpy.array(rows, dtype=numpy.float64).reshape(G.shape)
    return values, G


def jvps(tape: Any, xs: Any, V: Any) -> tuple[Any, Any]:
    """(the outputs f(x), J V[r] for each row r of V): one forward replay, one tangent
    pass a row."""
    values = numpy.empty(tape.n_outputs, dtype=numpy.float64)
    T = numpy.empty((len(V), tape.n_outputs), dtype=numpy.float64)
    if tape._engine is not None:
        tape._engine.jvps(xs, V, values, T)
    else:
        graph = pure_graph(tape, xs)
        values[:] = [graph.data[i] for i in tape._outs]
        for r, v in enumerate(V.tolist()):
            t = graph.tangents(v)
            T[r] = [t[i] for i in tape._outs]
    return values, T


def hvps(tape: Any, xs: Any, V: Any) -> Any:
    """H V[r] for each row r of V: one forward replay, then a tangent pass and a sweep
    back a row (`second`'s, forward over reverse)."""
    products = numpy.empty(V.shape, dtype=numpy.float64)
    if tape._engine is not None:
        tape._engine.hvps(xs, V, products)
    else:
        products[:] = pure_graph(tape, xs).hvps(V.T).T
    return products


def pure_graph(tape: Any, xs: Any) -> Graph:
    """The pure replay's graph of the tape at xs, ready for `second`'s sweeps."""
    return Graph.of_tape(
        tape._nodes, replay.forward(tape._nodes, tape._constants, tape._inputs, xs.tolist()),
        tape._inputs)


def matrix(colouring: Colouring, values: Any, shape: tuple[int, int], sparse: bool,
           where: str) -> Any:
    """The matrix of a colouring's pattern holding `values` (its entries, in its rows,
    cols order): a dense float64 array (+0.0 off the pattern), or a scipy.sparse CSR
    matrix."""
    if sparse:
        return scipy_sparse(where).csr_matrix(
            (values, colouring.cols.copy(), colouring.indptr.copy()), shape=shape)
    dense = numpy.zeros(shape, dtype=numpy.float64)
    dense[colouring.rows, colouring.cols] = values
    return dense


def pattern(colouring: Colouring, shape: tuple[int, int], where: str) -> Any:
    """A colouring's pattern as a scipy.sparse CSR matrix of booleans."""
    return scipy_sparse(where).csr_matrix(
        (numpy.ones(len(colouring.rows), dtype=bool), colouring.cols.copy(),
         colouring.indptr.copy()), shape=shape)


def scipy_sparse(where: str) -> Any:
    try:
        import scipy.sparse  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        raise ImportError(f"{where}: sparse matrices need scipy (pip install 'cydiff[sparse]' "
                          "or pip install scipy)") from None
    return scipy.sparse
