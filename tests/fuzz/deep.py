"""Deep runs outside CI: many seeds, against TensorFlow if it is installed, with a summary.

    PYTHONPATH=src python tests/fuzz/deep.py --start 0 --count 20000 --tf --out /tmp/fuzz

prints the failures grouped by part, symptom and ops, how often each known difference was met,
and writes one reproduction script per failing seed under --out; Ctrl-C (or kill -INT) stops a
run early with its summary.
"""

import argparse
import collections
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from fuzz.runner import reproduction, run


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--tf", action="store_true", help="compare with TensorFlow too")
    parser.add_argument("--out", default=None, help="folder for reproduction scripts")
    parser.add_argument("--no-shrink", action="store_true")
    parser.add_argument("--tf-forward-every", type=int, default=1, metavar="N",
                        help="TensorFlow's forward mode (most of its cost) for one seed in N")
    args = parser.parse_args()
    tf = None
    if args.tf:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tensorflow as tf

        tf.get_logger().setLevel("ERROR")
    if args.out:
        os.makedirs(args.out, exist_ok=True)
    groups, known = collections.defaultdict(list), collections.Counter()
    done, inconclusive, smooth, started = 0, 0, 0, time.time()
    try:
        for seed in range(args.start, args.start + args.count):
            if seed % 500 == 0:
                print(f"[{seed}: {time.time() - started:.0f} s]", flush=True)
            outcome = run(seed, tf, shrink=not args.no_shrink,
                          tf_forward=seed % args.tf_forward_every == 0)
            done += 1
            smooth += outcome.program.smooth
            inconclusive += bool(outcome.inconclusive)
            for _, entry in outcome.explained:
                known[entry.why] += 1
            if outcome.failures:
                f = outcome.failures[0]
                ops = ",".join(sorted(outcome.program.ops))
                groups[(f.part, f.symptom)].append((seed, ops, f.detail[:160]))
                print(f"seed {seed}: {f!r}"[:300], flush=True)
                if args.out:
                    with open(os.path.join(args.out, f"seed{seed}.py"), "w") as fh:
                        fh.write(reproduction(outcome))
    except KeyboardInterrupt:  # Ctrl-C (or kill -INT) ends the run with its summary
        pass
    elapsed = time.time() - started
    print(f"\n{done} programs ({smooth} smooth) in {elapsed:.1f} s, "
          f"{sum(len(g) for g in groups.values())} failing, {inconclusive} inconclusive")
    for (part, symptom), items in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        print(f"\n{len(items)} x {part}: {symptom}")
        for seed, ops, detail in items[:8]:
            print(f"    seed {seed} [{ops}] {detail}")
    print("\nknown differences met:")
    for why, n in known.most_common():
        print(f"  {n:6d}  {why[:150]}")


if __name__ == "__main__":
    main()
