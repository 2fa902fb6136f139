"""How big a graph cydiff takes: build, backward twice, zero_grad and free one, and report
time and peak memory per stage. `python benchmarks/big_graph.py --twin compiled --depth 1e8`
(a chain) or `--width 1e7` (one node feeding 10^7 parents, summed by one node)."""

import argparse
import resource
import sys
import time


def peak_gb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 30) if sys.platform == "darwin" else peak / (1 << 20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--twin", choices=["compiled", "pure"], default="compiled")
    parser.add_argument("--depth", type=float, default=0)
    parser.add_argument("--width", type=float, default=0)
    args = parser.parse_args()
    m = __import__(f"cydiff.{args.twin}", fromlist=["Value"])
    stages = []

    def stage(name, run):
        t = time.perf_counter()
        result = run()
        stages.append(f"{name} {time.perf_counter() - t:.2f} s")
        return result

    x = m.Value(0.5)

    def build():
        if args.depth:
            y = x
            for i in range(int(args.depth)):
                y = y * 0.9999999 + 1e-8 if i % 2 else m.tanh(y)
            return y, 1.5 * args.depth
        parents = [x * (1.0 + 1e-9 * i) for i in range(int(args.width))]
        return m.sum(parents), args.width + 2

    y, nodes = stage("build", build)
    stage("backward", y.backward)
    stage("backward again", y.backward)
    stage("zero_grad", y.zero_grad)
    grad_ok = x.grad == 0.0
    graph = [y]
    del y
    stage("free", graph.clear)  # the last reference goes: the whole graph is freed here
    print(f"{args.twin}: {nodes:.3g} nodes ({'chain' if args.depth else 'fan-out/fan-in'}); "
          + ", ".join(stages) + f"; peak RSS {peak_gb():.2f} GB; zero_grad ok: {grad_ok}")


if __name__ == "__main__":
    main()
