"""A tape's derivatives beyond the gradient: a vector f's (`vjp`, `jvp`, `jacobian`,
`sparsity("jacobian")`) and the second order (`hvp`, `hessian`, `sparsity("hessian")`),
on `TapeDerivatives`, the class between the arrays and `Tape`.

Each method checks what it is given, then calls `tape_sweeps`, which runs the compiled
replay or the pure one. Sparse matrices are coloured (`sparsity`): outputs that share no
input are swept back together, inputs that share no output carried forward together.
"""

from __future__ import annotations

from typing import Any, Literal, cast, overload

import numpy
import numpy.typing as npt

from . import inputs, tape_sweeps as sweeps
from .tape_arrays import TapeArrays


class TapeDerivatives(TapeArrays):
    """A tape's Jacobians, products and Hessians (see the module); `Tape` is the class
    users see."""

    __slots__ = ()

    def vjp(self, x: Any, u: Any) -> tuple[Any, Any]:
        """f(x) and the vector-Jacobian product uᵀ J(x), replayed.

        One forward replay and one sweep back from the outputs, weighted by u: the bits
        of `cydiff.vjp(f, x, u)`.

        Parameters
        ----------
        x : float or sequence of float
            The point: `n_inputs` numbers.
        u : float or sequence of float
            The outputs' weights: a number for a scalar f, else `n_outputs` numbers.

        Returns
        -------
        value : float or numpy.ndarray
            f(x): a float for a scalar f, else an array of `n_outputs`.
        product : numpy.ndarray
            uᵀ J(x), a float64 array of `n_inputs`.

        Raises
        ------
        TypeError
            If x or u is not real numbers.
        ValueError
            If x or u has the wrong length.
        ValueError, ArithmeticError
            Where building f's graph at x would raise (a math domain error, a division
            by zero): the same exception and message.

        Examples
        --------
        >>> import cydiff
        >>> tape = cydiff.trace(lambda v: [v[0] * v[1], v[0] + 2 * v[1]], [1.0, 1.0])
        >>> tape.vjp([3.0, 4.0], [1.0, 10.0])
        (array([12., 11.]), array([14., 23.]))
        """
        where = "Tape.vjp"
        xs = inputs.point(self.n_inputs, x, where)
        us = inputs.point(self.n_outputs, u, where, "u", "output(s)")
        values, rows = sweeps.vjps(self, xs, us[None, :])
        return self._shaped(values), rows[0]

    def jvp(self, x: Any, v: Any) -> tuple[Any, Any]:
        """f(x) and the Jacobian-vector product J(x) v, replayed.

        One forward replay and one tangent pass along v. The pass is `hvp`'s, which
        orders some sums (a dot's) otherwise than `cydiff.jvp`'s Duals: the two agree
        to rounding, not always to the bit.

        Parameters
        ----------
        x : float or sequence of float
            The point: `n_inputs` numbers.
        v : float or sequence of float
            The direction: `n_inputs` numbers.

        Returns
        -------
        value : float or numpy.ndarray
            f(x), in f's output shape.
        tangent : float or numpy.ndarray
            J(x) v, in f's output shape.

        Raises
        ------
        TypeError
            If x or v is not real numbers.
        ValueError
            If x or v has the wrong length.
        ValueError, ArithmeticError
            Where building f's graph at x would raise (a math domain error, a division
            by zero): the same exception and message.

        Examples
        --------
        >>> import cydiff
        >>> tape = cydiff.trace(lambda v: [v[0] * v[1], v[0] + 2 * v[1]], [1.0, 1.0])
        >>> tape.jvp([3.0, 4.0], [1.0, 0.0])
        (array([12., 11.]), array([4., 1.]))
        """
        where = "Tape.jvp"
        xs = inputs.point(self.n_inputs, x, where)
        vs = inputs.point(self.n_inputs, v, where, "v")
        values, rows = sweeps.jvps(self, xs, vs[None, :])
        return self._shaped(values), self._shaped(rows[0])

    def jacobian(self, x: Any, sparse: bool = False, mode: str = "auto") -> Any:
        """The Jacobian J(x), exact, from as few sweeps as its colouring allows.

        Outputs that share no input are swept back together, or inputs that share no
        output carried forward together: mode "reverse" makes row i the bits of
        ``vjp(x, e_i)``, "forward" makes column j the bits of ``jvp(x, e_j)``. The
        choice is the tape's, the same at every x.

        Parameters
        ----------
        x : float or sequence of float
            The point: `n_inputs` numbers.
        sparse : bool, default False
            Return a scipy.sparse CSR matrix of the pattern's entries
            (``sparsity("jacobian")``).
        mode : {"auto", "forward", "reverse"}, default "auto"
            "auto" takes whichever needs fewer passes (reverse on a tie).

        Returns
        -------
        numpy.ndarray or scipy.sparse.csr_matrix
            An ``n_outputs × n_inputs`` float64 array; a scalar f's gradient (`n_inputs`)
            unless `sparse`.

        Raises
        ------
        TypeError
            If x is not real numbers or `sparse` not a bool.
        ValueError
            If x has the wrong length or `mode` is unknown.
        ValueError, ArithmeticError
            Where building f's graph at x would raise (a math domain error, a division
            by zero): the same exception and message.
        ImportError
            If `sparse` is asked and scipy is not installed.

        Examples
        --------
        >>> import cydiff
        >>> tape = cydiff.trace(lambda v: [v[0] * v[1], v[0] + 2 * v[1]], [1.0, 1.0])
        >>> tape.jacobian([3.0, 4.0])
        array([[4., 3.],
               [1., 2.]])
        """
        where = "Tape.jacobian"
        xs = inputs.point(self.n_inputs, x, where)
        inputs.flag(sparse, "sparse", where)
        if mode not in ("auto", "forward", "reverse"):
            raise ValueError(f"{where}: mode must be 'auto', 'forward' or 'reverse', not {mode!r}")
        colouring = self._jacobian_colouring()
        if mode == "forward" or mode == "auto" and (
                len(colouring.column_seeds) < len(colouring.row_seeds)):
            values = colouring.forward_entries(sweeps.jvps(self, xs, colouring.column_seeds)[1])
        else:
            values = colouring.reverse_entries(sweeps.vjps(self, xs, colouring.row_seeds)[1])
        J = sweeps.matrix(colouring, values, colouring.shape, sparse, where)
        return J if self._outputs is not None or sparse else J[0]

    def hvp(self, x: Any, v: Any) -> npt.NDArray[numpy.float64]:
        """The Hessian-vector product H(x) v, exact, without forming H.

        One forward replay, one tangent pass and one sweep back: the bits of
        `cydiff.hvp(f, x, v)`.

        Parameters
        ----------
        x : float or sequence of float
            The point: `n_inputs` numbers.
        v : float or sequence of float
            The direction: `n_inputs` numbers.

        Returns
        -------
        numpy.ndarray
            H(x) v, a float64 array of `n_inputs`.

        Raises
        ------
        TypeError
            If x or v is not real numbers, or f has a vector output.
        ValueError
            If x or v has the wrong length.
        ValueError, ArithmeticError
            Where building f's graph at x would raise (a math domain error, a division
            by zero): the same exception and message.

        Examples
        --------
        >>> import cydiff
        >>> tape = cydiff.trace(lambda v: v[0] ** 2 * v[1], [1.0, 1.0])
        >>> tape.hvp([3.0, 2.0], [1.0, 0.0])     # H = [[2·x1, 2·x0], [2·x0, 0]]
        array([4., 6.])
        """
        self._scalar("Tape.hvp")
        xs = inputs.point(self.n_inputs, x, "Tape.hvp")
        vs = inputs.point(self.n_inputs, v, "Tape.hvp", "v")
        if self._engine is None:
            return cast("npt.NDArray[numpy.float64]", sweeps.hvps(self, xs, vs[None, :])[0])
        hv = numpy.empty(self.n_inputs, dtype=numpy.float64)
        self._engine.hvp(xs, vs, hv)
        return hv

    @overload
    def hessian(self, x: Any, sparse: Literal[False] = False) -> npt.NDArray[numpy.float64]: ...
    @overload
    def hessian(self, x: Any, sparse: bool) -> Any: ...

    def hessian(self, x: Any, sparse: bool = False) -> Any:
        """The Hessian H(x), exact, from one sweep per colour, not one per column.

        Columns that share no row are computed together: one forward replay, then a
        sweep per colour of ``sparsity("hessian")`` (3 for a banded Hessian such as
        Rosenbrock's, whatever n). Column j has the bits of ``hvp(x, e_j)`` and of
        ``cydiff.hessian(f)(x)``, save the sign of a zero where the pattern has an entry.

        Parameters
        ----------
        x : float or sequence of float
            The point: `n_inputs` numbers.
        sparse : bool, default False
            Return a scipy.sparse CSR matrix of the pattern's entries.

        Returns
        -------
        numpy.ndarray or scipy.sparse.csr_matrix
            The ``n_inputs × n_inputs`` Hessian, float64.

        Raises
        ------
        TypeError
            If x is not real numbers, `sparse` not a bool, or f has a vector output.
        ValueError
            If x has the wrong length.
        ValueError, ArithmeticError
            Where building f's graph at x would raise (a math domain error, a division
            by zero): the same exception and message.
        ImportError
            If `sparse` is asked and scipy is not installed.

        Examples
        --------
        >>> import cydiff
        >>> tape = cydiff.trace(lambda v: v[0] ** 2 * v[1], [1.0, 1.0])
        >>> tape.hessian([3.0, 2.0])
        array([[4., 6.],
               [6., 0.]])
        """
        self._scalar("Tape.hessian")
        xs = inputs.point(self.n_inputs, x, "Tape.hessian")
        inputs.flag(sparse, "sparse", "Tape.hessian")
        colouring = self._hessian_colouring()
        values = colouring.entries(sweeps.hvps(self, xs, colouring.seeds))
        return sweeps.matrix(colouring, values, (self.n_inputs, self.n_inputs), sparse,
                             "Tape.hessian")

    def sparsity(self, of: str = "hessian") -> Any:
        """The pattern of the Hessian or of the Jacobian: where an entry can be nonzero.

        True where a replay can give an entry other than +0.0 at some point: a pattern
        of the tape, the same at every x, ready for `scipy.optimize.minimize`'s
        trust-constr ``hess=`` and for ``least_squares(jac_sparsity=...)``.

        Parameters
        ----------
        of : {"hessian", "jacobian"}, default "hessian"
            The Hessian's pattern (``n_inputs × n_inputs``, a scalar f's) or the
            Jacobian's (``n_outputs × n_inputs``; a scalar f's gradient as one row).

        Returns
        -------
        scipy.sparse.csr_matrix
            Booleans.

        Raises
        ------
        TypeError
            If the Hessian's is asked of a vector f.
        ValueError
            If `of` is neither name.
        ImportError
            If scipy is not installed.

        Examples
        --------
        >>> import cydiff
        >>> tape = cydiff.trace(lambda v: v[0] * v[1] + v[2] ** 2, [1.0, 1.0, 1.0])
        >>> tape.sparsity().toarray()
        array([[False,  True, False],
               [ True, False, False],
               [False, False,  True]])
        """
        if of == "hessian":
            self._scalar("Tape.sparsity")
            return sweeps.pattern(self._hessian_colouring(), (self.n_inputs, self.n_inputs),
                                  "Tape.sparsity")
        if of == "jacobian":
            colouring = self._jacobian_colouring()
            return sweeps.pattern(colouring, colouring.shape, "Tape.sparsity")
        raise ValueError(f"Tape.sparsity: of must be 'hessian' or 'jacobian', not {of!r}")
