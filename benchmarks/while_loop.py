"""A tf.while_loop of 1,000 scalar iterations and its gradient, eager and traced, tapegrad
against TensorFlow (issue 10), in one process per library run by this script.

    PYTHONPATH=src python benchmarks/while_loop.py [--repeats 15] [--rounds 3]

The libraries run in alternating processes, `rounds` times each (the shared machine's load
changes by the second); each number is the median over the rounds of the median wall time of
`repeats` runs of: a tape around
`while_loop(i < 1000, (i + 1, y * a + b))` from y = x, then `tape.gradient(y, x)`, in float32;
"traced" wraps the whole step in `tf.function` (traced once before timing). The answer is
checked against the closed form before timing.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

N, A, B, X0 = 1000, 0.999, 0.001, 2.0

_WORKER = r'''
import json, statistics, sys, time
lib = sys.argv[1]
N, A, B, X0, repeats = int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
if lib == "tensorflow":
    import tensorflow as tf
else:
    import tapegrad as tf

def step(x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        _, y = tf.while_loop(lambda i, y: i < N, lambda i, y: (i + 1, y * A + B),
                             (tf.constant(0), x))
    return y, tape.gradient(y, x)

out = {}
for mode, fn in (("eager", step), ("traced", tf.function(step))):
    x = tf.constant(X0)
    y, g = fn(x)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn(x)
        times.append(time.perf_counter() - t0)
    out[mode] = {"median_ms": 1e3 * statistics.median(times), "y": float(y), "grad": float(g)}
print(json.dumps(out))
'''


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tf-python", default=sys.executable,
                        help="the Python with TensorFlow installed")
    opts = parser.parse_args(argv)
    expected_grad = A ** N
    expected_y = X0 * A ** N + B * (1 - A ** N) / (1 - A)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", OMP_NUM_THREADS="1",
               OPENBLAS_NUM_THREADS="1")
    rounds = {}
    for _ in range(opts.rounds):
        for lib, python in (("tapegrad", sys.executable), ("tensorflow", opts.tf_python)):
            args = [python, "-c", _WORKER, lib, str(N), str(A), str(B), str(X0),
                    str(opts.repeats)]
            done = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
            if done.returncode:
                print(f"{lib}: failed or not installed "
                      f"({done.stderr.strip().splitlines()[-1:]})")
                continue
            result = json.loads(done.stdout.strip().splitlines()[-1])
            for r in result.values():
                assert abs(r["grad"] - expected_grad) < 1e-4, r
                assert abs(r["y"] - expected_y) < 1e-4, r
            rounds.setdefault(lib, []).append(result)
    rows = {lib: {mode: {"median_ms": statistics.median(r[mode]["median_ms"] for r in rs)}
                  for mode in ("eager", "traced")} for lib, rs in rounds.items()}
    print(f"while_loop of {N} scalar iterations and its gradient, median of {opts.rounds} "
          f"rounds of {opts.repeats} ({time.strftime('%Y-%m-%d')}):")
    for mode in ("eager", "traced"):
        cells = [f"{lib} {r[mode]['median_ms']:.1f} ms" for lib, r in rows.items()]
        if len(rows) == 2:
            ratio = rows["tensorflow"][mode]["median_ms"] / rows["tapegrad"][mode]["median_ms"]
            cells.append(f"TensorFlow / tapegrad = {ratio:.2f}")
        print(f"  {mode:7s} " + ", ".join(cells))


if __name__ == "__main__":
    main()
