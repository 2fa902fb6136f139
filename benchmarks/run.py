"""cydiff's benchmarks: `make bench` (python benchmarks/run.py) or `python -m benchmarks`.

Measures every figure of the performance targets, side by side in one process,
against plain floats, the pure twin and — when the `bench` extra is installed —
micrograd, PyTorch (CPU), JAX and HIPS autograd; writes RESULTS.md and
results.png beside this file. `--quick` runs tiny sizes into a temporary
directory: a smoke test that the runner still works (CI runs it).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import field_tapes  # noqa: E402
import figures  # noqa: E402
from harness import per_unit  # noqa: E402
from systems import environment, graph_systems  # noqa: E402

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, into a temporary directory")
    parser.add_argument("--out", type=Path, help="where RESULTS.md and results.png go")
    args = parser.parse_args(argv)
    quick = args.quick
    out = args.out or (Path(tempfile.mkdtemp(prefix="cydiff-bench-")) if quick else HERE)
    rounds = 2 if quick else 9
    started = time.time()

    systems, missing = graph_systems()
    say = print
    say("cydiff benchmarks" + (" (quick)" if quick else ""))
    for line in environment():
        say("  " + line)

    n = 3_000 if quick else 99_999
    say(f"chain of {n} ops ...")
    chain = figures.chain_figure(systems, n, rounds)
    say("Dual ...")
    dual = figures.dual_figure(300 if quick else 20_000, rounds)
    say("a 16-op function of 3 inputs ...")
    func = figures.function_figure(systems, 20 if quick else 1_000, rounds, missing)
    say("memory ...")
    memory = figures.memory_figure([s for s in systems if s.name != "PyTorch"], 3_000 if quick else 100_002)
    sizes = [3_000, 30_000] if quick else [10_002, 100_002, 1_000_002, 3_000_000]
    say(f"scaling {sizes} ...")
    scaling = figures.scaling_figure(sizes, 2 if quick else 5)
    dag_sizes = [100, 1_000] if quick else [100, 1_000, 10_000, 100_000, 1_000_000]
    say(f"random DAGs {dag_sizes} ...")
    limits = {"cydiff (pure)": 100_000, "micrograd": 100_000, "PyTorch": 10_000,
              "autograd (HIPS)": 10_000}
    dags = figures.dag_figure(systems, dag_sizes, limits, 2 if quick else 5, missing)
    say("dot against a chain ...")
    dot = figures.dot_figure(16 if quick else 256, rounds)
    say("micrograd's demo step ...")
    demo = figures.demo_figure(2 if quick else 7, missing)
    say("forward-mode Jacobians: MultiDual chunks against Dual passes ...")
    jac = figures.jacobian_figure([8, 16] if quick else [8, 16, 32], rounds)
    say("traced tapes: the demo's loss as a function of its parameters ...")
    tape = figures.tape_figure(rounds, 32 if quick else 256, missing)
    say("second order on a tape: the Rosenbrock function ...")
    second = figures.second_order_figure(10 if quick else 100, 2 if quick else 7)
    say("tapes against the field and hand-written C ...")
    field = field_tapes.field_figure(2 if quick else 7, 32 if quick else 256,
                                     [10, 30] if quick else [100, 1000],
                                     1_000 if quick else 100_000)

    report = write_report(out, quick, chain, dual, func, memory, scaling, dags, dot, demo, jac,
                          tape, second, field, missing, n)
    plot = write_plot(out, dags, scaling)
    say(report)
    say(f"wrote {out / 'RESULTS.md'}" + (f" and {plot}" if plot else " (no plot: matplotlib missing)")
        + f" in {time.time() - started:.0f} s")
    return 0


def write_report(out, quick, chain, dual, func, memory, scaling, dags, dot, demo, jac, tape, second,
                 field, missing, n) -> str:
    fwd, bwd = chain["forward"], chain["backward"]
    lines = ["# Benchmark results", ""]
    if quick:
        lines += ["**Quick mode: tiny sizes, for checking the runner; not results.**", ""]
    lines += ["Measured by `make bench` (`python benchmarks/run.py`) on:", ""]
    lines += [f"- {line}" for line in environment()[:-1]]
    lines += ["", "Each figure: every contender once a round, in turns, in one process, after a "
              "warm-up round; the median over the rounds with the range in brackets. Ratios are "
              "taken round by round. A contender's turn starts with a full garbage collection "
              "and one unclocked run, then clocks runs until 20 ms have passed: it is timed in "
              "its steady state, not in the cold caches left by the contender before it. The cyclic "
              "garbage collector stays on (systems whose nodes it tracks pay for it, as their "
              "users do); objects alive before a race — the benchmark's imports — are frozen out "
              "of its collections.", ""]

    def ratio(a, b):
        return a.ratio(b)

    targets = []

    def target(figure, wanted, measured, met):
        targets.append(f"| {figure} | {wanted} | {measured} | {'yes' if met else '**no**'} |")

    r = ratio(fwd["cydiff"], fwd["floats"])
    target(f"`Value` forward, per op, {n}-op chain of `*`, `+` constants, relu ÷ floats",
           "≤ 2.0×", str(r), r.median <= 2.0)
    r = ratio(bwd["cydiff"], bwd["floats"])
    target("`Value.backward()`, per node ÷ a float op", "≤ 1.0×", str(r), r.median <= 1.0)
    r = ratio(dual["cydiff Dual: g(x), g'(x)"], dual["floats: g(x)"])
    target("`Dual`: g'(x) ÷ g(x) on floats", "≤ 1.6×", str(r), r.median <= 1.6)
    if "micrograd" in chain.get("field forward", {}):
        for label in ("forward", "backward"):
            t = chain[f"field {label}"]
            r = ratio(t["micrograd"], t["cydiff"])
            target(f"micrograd ÷ `Value`, {label} per op (the same chain)", "≥ 100×", str(r),
                   r.median >= 100)
    r = ratio(func["cydiff"], func["floats: f(x) only"])
    target("value and gradient of a 16-op function of 3 floats ÷ f on floats", "≤ 4×", str(r),
           r.median <= 4)
    for other, wanted in (("PyTorch", 100), ("jax.jit(jax.value_and_grad)", 30)):
        if other in func:
            r = ratio(func[other], func["cydiff"])
            target(f"{other} ÷ cydiff, the same", f"≥ {wanted}×", str(r), r.median >= wanted)
    # (to 0.1 B: a run's few fixed objects add thousandths of a byte per item)
    b = round(memory["cydiff: bytes per node"], 1)
    target("memory per `Value` node (tracemalloc)", "≤ 80 B", f"{b:.1f} B", b <= 80)
    b = round(memory["cydiff: bytes per Dual"], 1)
    target("memory per `Dual`", "≤ 32 B", f"{b:.1f} B", b <= 32)
    small, large = min(scaling), max(scaling)
    for label in ("forward", "backward"):
        grow = scaling[large][label].median / scaling[small][label].median
        target(f"{label} per op, {large:,}-op chain ÷ {small:,}-op chain", "≤ 2×", f"{grow:.2f}×",
               grow <= 2)
    graph, taped = tape.step[figures.TAPE_GRAPH], tape.step[figures.TAPE_REPLAY]
    r = graph.ratio(taped)
    target(f"the demo's loss and gradient ({tape.ops:,} ops): building the graph ÷ the tape",
           "≥ 10×", str(r), r.median >= 10)
    unfused = " (unfused)"
    r = tape.step[figures.TAPE_GRAPH + unfused].ratio(tape.step[figures.TAPE_REPLAY + unfused])
    target(f"the same, as micrograd builds it ({tape.unfused_ops:,} ops, no fused `dot`)",
           "≥ 10×", str(r), r.median >= 10)
    if figures.TAPE_TORCH in tape.step:
        r = taped.ratio(tape.step[figures.TAPE_TORCH])
        target("the same: the tape ÷ a batched PyTorch float64 step, 1 thread",
               "≤ 2× (goal ≤ 1×)", str(r), r.median <= 2)
    r = tape.batch["threads=1"].ratio(tape.batch["threads=2"])
    target(f"`value_and_grad_batch` ({tape.rows} points): throughput on 2 threads ÷ on 1",
           "≥ 1.6×", str(r), r.median >= 1.6)
    field_targets(field, target)
    lines += ["## Targets", "", "| figure | target | measured | met |", "|---|---|---|---|",
              *targets, ""]

    lines += [f"## Chain of {n} ops (`*`, `+` constants, relu)", ""]
    for title, f_, b_ in (("Against floats:", fwd, bwd),
                          ("Against the field (a race of its own):", chain.get("field forward"),
                           chain.get("field backward"))):
        if not f_:
            continue
        lines += [title, "", "| system | forward per op | ÷ floats | ÷ cydiff | backward per node "
                  "| ÷ a float op | ÷ cydiff |", "|---|---|---|---|---|---|---|"]
        for name in f_:
            if name == "floats":
                lines.append(f"| floats | {per_unit(f_[name].median)} | 1 | | | | |")
                continue
            lines.append(f"| {name} | {per_unit(f_[name].median)} | {ratio(f_[name], f_['floats'])} | "
                         f"{ratio(f_[name], f_['cydiff'])} | {per_unit(b_[name].median)} | "
                         f"{ratio(b_[name], b_['floats'])} | {ratio(b_[name], b_['cydiff'])} |")
        lines.append("")
    lines += ["micrograd's topological sort recurses once per level: it ran with the recursion "
              "limit raised to 10^6.", ""]

    lines += ["## Forward mode: g(x) = sin(x²+1)·exp(−x)/(1+x²), one point at a time", "",
              "| contender | per point | ÷ floats |", "|---|---|---|"]
    for name, t in dual.items():
        lines.append(f"| {name} | {per_unit(t.median)} | {ratio(t, dual['floats: g(x)'])} |")

    lines += ["", "## Value and gradient of a 16-op function of 3 floats (sin, exp, tanh, /, **)", "",
              "Every contender hands back Python floats: the value and the three partial "
              "derivatives.", "", "| contender | per call | ÷ floats | ÷ cydiff |", "|---|---|---|---|"]
    for name, t in func.items():
        lines.append(f"| {name} | {per_unit(t.median)} | {ratio(t, func['floats: f(x) only'])} | "
                     f"{ratio(t, func['cydiff'])} |")

    lines += ["", "## Memory", "", "| what | bytes |", "|---|---|"]
    lines += [f"| {k} | {v:.1f} |" for k, v in memory.items()]

    lines += ["", "## Scaling: the compiled twin's chain as it grows", "",
              "| ops | forward per op | ÷ floats | backward per node | ÷ a float op |",
              "|---|---|---|---|---|"]
    for size, t in scaling.items():
        lines.append(f"| {size:,} | {per_unit(t['forward'].median)} | {ratio(t['forward'], t['floats'])} | "
                     f"{per_unit(t['backward'].median)} | {ratio(t['backward'], t['floats'])} |")
    lines += ["", "Past the caches every node comes from memory. Backward is then bound by it: "
              "`benchmarks/memory_floor.c`, a bare C loop doing backward's work over nodes laid "
              "out as the compiled twin's, slows by 2.7–3.3× between the same sizes here. "
              "Forward builds in memory its pool keeps warm (`cydiff.node_pool_limit`)."]

    sizes = sorted({n for curve in dags.values() for n in curve})
    lines += ["", "## Random DAGs: forward and backward, per op", "",
              "Programs of random `+`, `*` and `+` with constants, relu over 8 inputs, each op "
              "reading random earlier values; the same program for every system. (Plot: "
              "`results.png`.)", "",
              "| system | " + " | ".join(f"{s:,}" for s in sizes) + " |",
              "|---|" + "---|" * len(sizes)]
    for name, curve in dags.items():
        lines.append(f"| {name} | " + " | ".join(per_unit(curve[s]) if s in curve else "–"
                                                for s in sizes) + " |")

    lines += ["", "## A neuron: one fused `dot` node against a chain of `*` and `+`", "",
              "| contender | forward and backward, per input |", "|---|---|"]
    lines += [f"| {name} | {per_unit(t.median)} |" for name, t in dot.items()]

    lines += ["", "## micrograd's demo: one training step", "",
              "Two moons (100 points), MLP 2-16-16-1, max-margin loss with L2, backward, SGD.", "",
              "| system | per step | micrograd ÷ |", "|---|---|---|"]
    for name, t in demo.items():
        vs = str(demo["micrograd"].ratio(t)) if "micrograd" in demo else ""
        lines.append(f"| {name} | {per_unit(t.median)} | {vs} |")

    lines += ["", "## Forward-mode Jacobians: ceil(n/8) `MultiDual` passes against n `Dual` passes", "",
              "f: R^n -> R^n, the compiled twin; the Jacobian assembled as a list of rows of floats. "
              "A `MultiDual` carries 8 partials, so one pass of f seeds 8 input directions. "
              "`cydiff.jacobian` does the same passes and also checks and packs x, checks f's "
              "outputs and returns a float64 array: the last column is n `Dual` passes (by hand) "
              "÷ the whole call.", "",
              *jacobian_table(jac)]

    lines += ["", "## Traced tapes: micrograd's demo loss as a function of its 337 parameters", "",
              f"The loss graph of the demo step above ({tape.ops:,} ops: each neuron one fused "
              "`dot`) recorded once with `Tape.from_graph(loss, model.parameters())`; a step "
              "replays it (`tape.value_and_grad`, in C, the GIL released) and computes the SGD "
              "update on a numpy vector. PyTorch runs the same network, loss and update as "
              "users batch them: float64 tensors, one thread. Every step is taken at the "
              "model's initial weights (the update is computed, not applied), so that every "
              f"turn measures the same point. The rows marked unfused build the loss as "
              f"micrograd's nn.py does, each neuron a chain of `*` and `+` "
              f"({tape.unfused_ops:,} ops), on compiled Values.", "",
              "| training step | per step | ÷ the tape |", "|---|---|---|"]
    for name, t in tape.step.items():
        lines.append(f"| {name} | {per_unit(t.median)} | {t.ratio(taped)} |")
    lines += ["", f"`tape.value_and_grad_batch` over {tape.rows} points near the weights, "
              "rows split across threads (each with its own scratch):", "",
              "| threads | per point | throughput ÷ 1 thread's |", "|---|---|---|"]
    for name, t in tape.batch.items():
        lines.append(f"| {name.split('=')[1]} | {per_unit(t.median)} | "
                     f"{tape.batch['threads=1'].ratio(t)} |")

    size = "10" if quick else "100"
    lines += ["", f"## Second order on a tape: the {size}-D Rosenbrock function", "",
              "The functional API builds f's graph at every call (and sweeps second order in "
              "Python, numpy vectors of 64 directions for a Hessian); a tape is traced once and "
              "replays all three in C. Each pair gives the same bits.", "",
              "| what | functional API | tape | functional ÷ tape |", "|---|---|---|---|"]
    for what, api, taped in (("gradient", "cydiff.grad(f)(x)", "tape.grad(x)"),
                             ("Hessian-vector product", "cydiff.hvp(f, x, v)", "tape.hvp(x, v)"),
                             ("Hessian", "cydiff.hessian(f)(x)", "tape.hessian(x)")):
        lines.append(f"| {what} | {per_unit(second[api].median)} | "
                     f"{per_unit(second[taped].median)} | {second[api].ratio(second[taped])} |")

    lines += ["", *field_section(field)]

    if missing:
        lines += ["", "## Not measured", ""] + [f"- {k}: {v}" for k, v in missing.items()]
    text = "\n".join(lines) + "\n"
    out.mkdir(parents=True, exist_ok=True)
    (out / "RESULTS.md").write_text(text, encoding="utf-8")
    return text


def field_targets(field, target) -> None:
    """Issue 17's targets: tapes near hand-written C and ahead of the field."""
    rows = field.rows
    one = rows["demo loss and gradient, one point"]
    taped = one["cydiff tape.value_and_grad"]
    if "hand-written C (ctypes)" in one:
        r = taped.ratio(one["hand-written C (ctypes)"])
        target("demo loss value and gradient, one point: the tape ÷ hand-written C", "≤ 3×",
               str(r), r.median <= 3)
    batch = next(v for k, v in rows.items() if k.startswith("demo loss") and "points" in k)
    one_thread = batch["cydiff value_and_grad_batch, 1 thread"]
    if "hand-written C, serial loop" in batch:
        r = one_thread.ratio(batch["hand-written C, serial loop"])
        target("the same in a batch, per row, 1 thread ÷ hand-written C's loop", "≤ 1.5×", str(r),
               r.median <= 1.5)
    r = one_thread.ratio(batch["cydiff value_and_grad_batch, 2 threads"])
    target("the batch's throughput on 2 threads ÷ 1", "≥ 1.7×", str(r), r.median >= 1.7)
    if "hand-written C, 2 threads" in batch:  # what this machine's two CPUs give at best
        r = batch["hand-written C, serial loop"].ratio(batch["hand-written C, 2 threads"])
        target("(for reference) hand-written C's loop on 2 threads ÷ 1", "—", str(r), True)
    for name, t in rows.items():
        if name.startswith("Rosenbrock"):
            n = int(name.split("= ")[1])
            wanted = 10 if n <= 100 else 30
            r = t["cydiff tape.hessian"].ratio(t["cydiff tape.grad (x**2)"])
            target(f"{name}: tape.hessian ÷ tape.grad", f"≤ {wanted}×", str(r), r.median <= wanted)
            r = t["cydiff tape.grad (x**2)"].ratio(t["cydiff tape.grad (x*x)"])
            target(f"{name}: the x**2 tape's gradient ÷ the x*x tape's", "≤ 1.5×", str(r),
                   r.median <= 1.5)
    for what in ("the demo loss", "the 100-D Rosenbrock function"):
        rec = rows[f"recording {what}"]
        recorded, built = list(rec.values())[1], rec["build the graph, backward()"]
        r = recorded.ratio(built)
        target(f"recording {what} ÷ building its graph and backward()", "≤ 3×", str(r),
               r.median <= 3)


def field_section(field) -> list[str]:
    """The tapes-against-the-field tables: per row, every contender ÷ the tape."""
    lines = ["## Tapes against the field and hand-written C", "",
             "Record once, evaluate many times, called from Python. Hand-written C is "
             "`benchmarks/hand/*.c` compiled with the extensions' flags and called through "
             "ctypes (the physical limit); CasADi " + field.notes.get("casadi", "?") + " and JAX "
             + field.notes.get("jax", "?") + " (float64) build the same functions; each row's "
             "contenders are checked to compute the same values first.", ""]
    for row, timings in field.rows.items():
        first = next(iter(timings.values()))
        lines += [f"### {row}", "", "| contender | per call (per point) | ÷ the first row |",
                  "|---|---|---|"]
        for name, t in timings.items():
            lines.append(f"| {name} | {per_unit(t.median)} | {t.ratio(first)} |")
        lines.append("")
    return lines


def jacobian_table(jac: dict) -> list[str]:
    """The Jacobian figure's rows: per workload and n, both ways and their ratio."""
    lines = ["| f | n | f(x) on floats | n `Dual` passes | ceil(n/8) `MultiDual` passes "
             "| `Dual` ÷ `MultiDual` | `cydiff.jacobian(f, mode=\"forward\")` | `Dual` ÷ it |",
             "|---|---|---|---|---|---|---|---|"]
    for (name, size), t in jac.items():
        duals, chunks = t["n Dual passes"], t["ceil(n/8) MultiDual passes"]
        api = t["cydiff.jacobian(f, mode='forward')"]
        lines.append(f"| {name} | {size} | {per_unit(t['floats: f(x) once'].median)} | "
                     f"{per_unit(duals.median)} | {per_unit(chunks.median)} | "
                     f"{duals.ratio(chunks)} | {per_unit(api.median)} | {duals.ratio(api)} |")
    return lines


def write_plot(out: Path, dags: dict, scaling: dict) -> Path | None:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    fig, ax = plt.subplots(figsize=(9.5, 5))
    for name, curve in dags.items():
        sizes = sorted(curve)
        ax.plot(sizes, [curve[s] * 1e9 for s in sizes], marker="o", label=name)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("ops in the graph")
    ax.set_ylabel("forward + backward per op (ns)")
    ax.set_title("Cost per op against graph size (random DAGs)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
    fig.tight_layout()
    path = out / "results.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


if __name__ == "__main__":
    sys.exit(main())
