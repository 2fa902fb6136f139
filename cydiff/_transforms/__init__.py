"""The layer written once for both twins: what works on either twin's numbers.

- `functional`: `grad`, `value_and_grad`, `jacobian`, `jacfwd`, `jacrev`, `hessian`,
  `derivative` (transforms), and `evaluations`: `jvp`, `vjp`, `hvp`, `trace`:
  module-level functions taking `twin=`; the functions the transforms return are the
  classes of `transformed`, run by the passes of `passes` (forward, reverse, nested,
  second order).
- `inputs`: the one place where the user's inputs are checked and shaped.
- `nested`: numbers for derivatives of derivatives; `second`: the second-order sweep
  (`hessian`, `hvp`).
- `tape`: `Tape`, a graph recorded once and replayed; `replay`: its Python replay.
- `check`: `gradient_check`; `arrays`: `values`, `grads`, `data`.

The twin modules (`cydiff.pure`, `cydiff.compiled`) bind these to their twin; users
import them from there or from `cydiff`. Nothing here imports a twin's modules: a
twin comes in as its record (`cydiff._twin`).
"""
