"""Two versions of tapegrad timed against each other in one process, their calls interleaved.

    python benchmarks/compare_trees.py 027bd07                  # that commit against the work tree
    python benchmarks/compare_trees.py 027bd07 main --workloads small_step --rounds 60

Why one process: on a shared machine (a VM whose cores other guests use) the speed of the
whole CPU drifts by 10-50% over seconds, so two versions timed in separate processes, even
alternately, differ by more than the few per cent a change to the engine's hot path makes.
Here each version is a copy of its `src/tapegrad` under another package name (`tg_a`, `tg_b`:
every `tapegrad` in its sources renamed), both are imported into this process, and each round
times a batch of calls of one, then of the other (in alternating order), so both see the same
machine. The result is the median over rounds of the per-round ratio, with CPU time
(`time.process_time`) per call. Two copies of one tree measure within about 1% of each other
this way; separate processes differed by 5-15% on the same trees.

The workloads are `benchmarks/tf_style.py`'s (the runner's TensorFlow-style sources), built
with each version's `tf` and `keras`. Run it with `OPENBLAS_NUM_THREADS=1` for workloads that
multiply matrices, so that neither version's BLAS threads wait on the other's.
"""

import argparse
import importlib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.append(str(ROOT / "src"))  # workloads.py loads the housing data with the work tree's

# calls per batch: a batch of each takes about 10 ms
BATCH = {"fit_housing": 2, "data_train_epoch": 3, "lstm_step": 5, "mnist_step": 5, "large_step": 5,
         "tutorial_sgd": 4, "tutorial_assign_sub": 4, "small_step": 100, "small_step_traced": 200,
         "scalar_chain": 10, "hessian": 20, "jacobian": 20}


def _copy(revision, name, into):
    """`src/tapegrad` of `revision` (None: the work tree) as package `name` under `into`."""
    target = into / name
    if revision is None:
        shutil.copytree(ROOT / "src" / "tapegrad", target,
                        ignore=shutil.ignore_patterns("__pycache__"))
    else:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "src/tapegrad"],
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
        (into / "src" / "tapegrad").rename(target)
        shutil.rmtree(into / "src")
    word = re.compile(r"\btapegrad\b")
    for path in target.rglob("*.py"):
        path.write_text(word.sub(name, path.read_text()))


def _workload(package, workload):
    import tf_style
    import workloads

    tf = importlib.import_module(package)
    keras = importlib.import_module(package + ".keras")
    data = workloads.make_data(workloads.SAME_AS.get(workload, workload))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        function = tf_style._FUNCTIONS[workload]
        if workload in tf_style._WITH_KERAS:
            step, _ = function(tf, keras, data)
        else:
            step, _ = function(tf, data)
    return step


def compare(workload, packages, rounds):
    """Per package: (median seconds per call, median ratio to the first package's)."""
    steps = [_workload(p, workload) for p in packages]
    n = BATCH.get(workload, 20)
    for step in steps:
        for _ in range(3 * n):
            step()
    times = [[] for _ in steps]
    clock = time.process_time
    for r in range(rounds):
        order = range(len(steps)) if r % 2 == 0 else reversed(range(len(steps)))
        for i in order:
            step = steps[i]
            start = clock()
            for _ in range(n):
                step()
            times[i].append((clock() - start) / n)
    return [(statistics.median(t), statistics.median(a / b for a, b in zip(t, times[0])))
            for t in times]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", help="the git revision to compare against (e.g. 027bd07)")
    parser.add_argument("other", nargs="?", help="a second revision (default: the work tree)")
    parser.add_argument("--workloads", nargs="+", default=["tutorial_sgd", "small_step"])
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        _copy(args.base, "tg_a", tmp)
        _copy(args.other, "tg_b", tmp)
        sys.path.insert(0, str(tmp))
        print(f"a = {args.base}, b = {args.other or 'the work tree'}; CPU time per call, "
              f"medians of {args.rounds} interleaved rounds")
        for workload in args.workloads:
            (ta, _), (tb, ratio) = compare(workload, ["tg_a", "tg_b"], args.rounds)
            print(f"{workload:22s} a {ta * 1e6:10.2f} us   b {tb * 1e6:10.2f} us   "
                  f"b/a {ratio:.3f}")


if __name__ == "__main__":
    main()
