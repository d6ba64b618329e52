"""Runs the benchmark suite and refreshes docs/benchmarks.md.

    python benchmarks/run.py [--libs LIB ...] [--workloads NAME ...] [--repeats N] [--quick]
                             [--peer-python PATH] [--python LIB=PATH] [--threads N]
                             [--max-busy SHARE] [--retries N] [--wait SECONDS] [--fresh]

Each (library, workload) pair runs in a fresh process (`worker.py`), started with the
interpreter that has the library: `--peer-python` for TensorFlow, PyTorch, JAX and autograd,
the running interpreter for tapegrad and NumPy, and `--python LIB=PATH` for any one library.
The `import` workload times `python -c "import X"` against `python -c "pass"` in fresh
interpreters. Results are merged into benchmarks/results/latest.json (a pair measured now
replaces its earlier result) and the table between the markers in docs/benchmarks.md is
rewritten from it. A pair that other processes disturbed (they competed for the cores) is
measured again, and marked in the tables if it stays disturbed.
"""

import argparse
import datetime
import functools
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from report import END, START, fmt_time, render
from worker import IMPLS, cpu_shares
from workloads import MEMORY, SAME_AS, WORKLOADS

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

LIBS = ("tapegrad", "numpy", "tensorflow", "torch", "jax", "autograd")
PEERS = ("tensorflow", "torch", "jax", "autograd")
THREAD_VARS = (
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "TF_NUM_INTRAOP_THREADS",
    "TF_NUM_INTEROP_THREADS",
)
# For peak_memory: freed blocks above 64 KiB go back to the system at once, so RSS follows the
# live arrays (by default glibc raises its mmap threshold and keeps freed memory resident).
MALLOC_PINNED = {"MALLOC_MMAP_THRESHOLD_": "65536", "MALLOC_TRIM_THRESHOLD_": "65536"}
QUIET = {"TF_CPP_MIN_LOG_LEVEL": "2", "JAX_PLATFORMS": "cpu"}


def machine_info():
    """CPU model, core count, memory and OS of this machine."""
    cpu, memory = platform.processor() or platform.machine(), "memory unknown"
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        cpu = re.search(r"^model name\s*:\s*(.*)$", cpuinfo, re.MULTILINE).group(1).strip()
        kib = int(
            re.search(r"^MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text(), re.MULTILINE)[1]
        )
        memory = f"{kib / 2**20:.1f} GiB RAM"
    except (OSError, AttributeError):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "platform": platform.platform(terse=True),
    }


def disturbed(others, ours, opts):
    """True when other processes took CPU time the measurement would have used.

    Shares are of the whole machine. The cores must be (nearly) saturated, and then either
    the measurement ran more than one core's worth (multi-threaded: the others took cores it
    uses) or the others used more than the cores a single thread leaves them. A single-threaded
    step next to one busy process keeps its speed; a two-thread BLAS step loses half of it.
    """
    if others is None or others <= opts.max_busy:
        return False
    cores = os.cpu_count() or 1
    other_cores, our_cores = others * cores, ours * cores
    saturated = other_cores + our_cores > 0.9 * cores
    return saturated and (our_cores > 1.05 or other_cores > cores - 0.9)


def wait_until_quiet(opts):
    """Waits while other processes use more than `opts.max_busy` of the CPU.

    At most 30 s before one worker and `opts.wait` s in the whole run.
    """
    deadline = time.monotonic() + min(30.0, opts.wait)
    start = time.monotonic()
    while time.monotonic() < deadline:
        _, others, _ = cpu_shares(functools.partial(time.sleep, 0.5), children=True)
        if others is None or others <= opts.max_busy:
            break
    opts.wait = max(0.0, opts.wait - (time.monotonic() - start))


def measure_pair(lib, workload, opts, env):
    """Measures one pair, again (up to `opts.retries` times) while others load the CPU.

    Returns the entries of the attempt that other processes disturbed least. Each has the
    shares of the CPU that others and the measurement used while it was timed (`cpu_others`,
    `cpu_ours`: the worker's, around its timed repeats; for `import`, the runner's) and
    whether they competed for the cores (`cpu_contended`, see `disturbed`).
    """
    python = opts.pythons[lib]
    if workload == "import":
        measure = functools.partial(run_import, python, lib, opts, env)
    else:
        if workload in MEMORY:
            env = dict(env, **MALLOC_PINNED)
        measure = functools.partial(run_worker, python, lib, workload, opts, env)
    best = None
    for attempt in range(1 + opts.retries):
        if attempt:
            wait_until_quiet(opts)
        entries, others, ours = cpu_shares(measure, children=True)
        for entry in entries:
            if "cpu_others" not in entry:  # not timed by a worker: the runner's window
                entry.update(cpu_others=others, cpu_ours=ours)
            timed = entry["status"] == "ok" and workload not in MEMORY
            entry["cpu_contended"] = timed and disturbed(
                entry["cpu_others"], entry["cpu_ours"], opts
            )
        score = (
            sum(e["cpu_contended"] for e in entries),
            max(e.get("cpu_others") or 0.0 for e in entries),
        )
        if best is None or score < best[0]:
            best = (score, entries)
        if not score[0]:
            break
        print(f"{lib:>11} {workload:<20} others used {score[1]:.0%} of the CPU, measuring again")
    return best[1]


def environment(threads):
    """The environment every child process gets: thread counts fixed, logging quiet."""
    settings = {var: str(threads) for var in THREAD_VARS}
    env = dict(os.environ, **settings, **QUIET)
    return env, settings


def failure(lib, workload, status, message):
    """Entries of `status` ('error' or 'skipped') for every variant of lib on workload."""
    labels = (
        [lib] if workload == "import" else IMPLS[lib]().variants(SAME_AS.get(workload, workload))
    )
    key = "error" if status == "error" else "note"
    return [
        {"lib": lib, "workload": workload, "label": label, "status": status, key: message}
        for label in labels
    ]


def run_worker(python, lib, workload, opts, env):
    """Runs worker.py for one pair in a fresh process; returns its entries."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "entries.json"
        command = [
            python,
            str(HERE / "worker.py"),
            lib,
            workload,
            "--out",
            str(out),
            "--repeats",
            str(opts.repeats),
            "--min-time",
            str(opts.min_time),
            "--warmup",
            str(opts.warmup),
        ]
        try:
            proc = subprocess.run(
                command, env=env, capture_output=True, text=True, timeout=opts.timeout, check=False
            )
        except subprocess.TimeoutExpired:
            return failure(lib, workload, "error", f"timed out after {opts.timeout} s")
        except OSError as exc:
            return failure(lib, workload, "error", f"cannot start {python}: {exc}")
        if proc.returncode == 0 and out.exists():
            return json.loads(out.read_text())
        lines = proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"]
        return failure(lib, workload, "error", f"worker failed: {lines[-1]}")


def run_import(python, lib, opts, env):
    """Times `import X` in fresh interpreters, less the time of an interpreter that does nothing."""
    statement = IMPLS[lib].import_statement
    if lib == "tapegrad":
        env = dict(
            env,
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")])),
        )
    # Time importing, not compiling: an installed package has its bytecode (pip writes it), a
    # checkout's src/ may not, and PYTHONDONTWRITEBYTECODE would make every sample recompile.
    # The warm-up import below writes bytecode into a private cache that the samples then use.
    env = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "tapegrad-bench-pycache")

    def wall(code):
        start = time.perf_counter()
        proc = subprocess.run(
            [python, "-c", code], env=env, capture_output=True, text=True, check=False
        )
        return time.perf_counter() - start, proc

    try:
        _, proc = wall(statement)  # also warms the file cache
    except OSError as exc:
        return failure(lib, "import", "error", f"cannot start {python}: {exc}")
    if proc.returncode:
        last = (proc.stderr.strip().splitlines() or ["?"])[-1]
        top = statement.split()[1]
        skipped = f"No module named '{top}'" in last
        return failure(
            lib,
            "import",
            "skipped" if skipped else "error",
            f"not installed for {python}" if skipped else last,
        )
    # At least 3 samples, up to --repeats while under 5 s: TensorFlow takes seconds a sample.
    bare, full, start = [], [], time.perf_counter()
    while len(full) < 3 or (len(full) < opts.repeats and time.perf_counter() - start < 5):
        bare.append(wall("pass")[0])
        full.append(wall(statement)[0])
    return [
        {
            "lib": lib,
            "workload": "import",
            "label": lib,
            "status": "ok",
            "python": python,
            "median_s": statistics.median(full) - statistics.median(bare),
            "min_s": min(full) - min(bare),
            "startup_s": statistics.median(bare),
            "times_s": full,
        }
    ]


def describe(entry):
    """One progress line for the console."""
    name = f"{entry['label']:>11} {entry['workload']:<20}"
    if entry["status"] != "ok":
        return f"{name} {entry['status']}: {entry.get('error') or entry.get('note', '')}"
    if "median_s" in entry:
        text = f"median {fmt_time(entry['median_s'])}, min {fmt_time(entry['min_s'])}"
    else:
        text = ", ".join(
            f"{k} {v / 2**20:.3g} MiB" for k, v in entry.items() if k.endswith("_peak_bytes")
        )
    return f"{name} {text}" + (
        "" if entry.get("check_ok", True) else "  WRONG: " + entry["check_message"]
    )


def write_doc(path, block):
    """Replaces the text between the markers in `path` (appending them if absent)."""
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + START + "\n" + block + "\n" + END + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + f"\n\n{START}\n{block}\n{END}\n"
    path.write_text(text)


def parse_args(argv):
    """Parses the command line; adds `pythons` ({lib: interpreter}), `min_time`, `warmup`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--libs", nargs="+", choices=LIBS, default=list(LIBS))
    parser.add_argument("--workloads", nargs="+", choices=WORKLOADS, default=list(WORKLOADS))
    parser.add_argument("--repeats", type=int, help="timed repeats per variant (7, quick 3)")
    parser.add_argument("--quick", action="store_true", help="fewer and shorter repeats")
    parser.add_argument(
        "--peer-python",
        default=os.environ.get("BENCH_PEER_PYTHON"),
        help="interpreter for the peers (default: $BENCH_PEER_PYTHON or this one)",
    )
    parser.add_argument(
        "--python",
        action="append",
        default=[],
        metavar="LIB=PATH",
        help="interpreter for one library (repeatable)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=os.cpu_count(),
        help="OMP/MKL/OpenBLAS/TF thread count for every library",
    )
    parser.add_argument("--timeout", type=int, default=900, help="seconds per worker")
    parser.add_argument(
        "--max-busy",
        type=float,
        default=0.2,
        help="measure again when other processes use more than this share of the CPU",
    )
    parser.add_argument("--retries", type=int, default=2, help="most repeats of a disturbed pair")
    parser.add_argument(
        "--wait",
        type=float,
        default=180,
        help="seconds this run may spend in all waiting for a quiet machine",
    )
    parser.add_argument("--output", type=Path, default=HERE / "results" / "latest.json")
    parser.add_argument("--doc", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--no-doc", action="store_true", help="do not rewrite the doc")
    parser.add_argument(
        "--fresh", action="store_true", help="drop earlier results instead of merging with them"
    )
    opts = parser.parse_args(argv)
    opts.repeats = opts.repeats or (3 if opts.quick else 7)
    opts.min_time, opts.warmup = (0.03, 0.1) if opts.quick else (0.1, 0.3)
    pythons = {
        lib: (opts.peer_python or sys.executable) if lib in PEERS else sys.executable
        for lib in LIBS
    }
    for item in opts.python:
        lib, _, path = item.partition("=")
        if lib not in pythons or not path:
            parser.error(f"--python wants LIB=PATH with LIB one of {', '.join(LIBS)}")
        pythons[lib] = path
    opts.pythons = pythons
    return opts


def main(argv=None):
    """Runs the selected pairs, saves the JSON and refreshes the doc."""
    argv = sys.argv[1:] if argv is None else argv
    opts = parse_args(argv)
    env, settings = environment(opts.threads)
    run_id = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    new = []
    for workload in opts.workloads:
        for lib in opts.libs:
            impl = IMPLS[lib]()
            if not impl.supports(workload):
                continue
            entries = measure_pair(lib, workload, opts, env)
            for entry in entries:
                entry["run"] = run_id
                entry["thread_setting"] = str(opts.threads)
                print(describe(entry), flush=True)
            new += entries
    measured = {(e["lib"], e["workload"]) for e in new}
    old = []
    if opts.output.exists() and not opts.fresh:
        previous = json.loads(opts.output.read_text())
        before = next(iter(previous.get("env", {}).values()), None)
        old = [e for e in previous["entries"] if (e["lib"], e["workload"]) not in measured]
        for e in old:  # entries of runs that did not record their thread count per entry
            e.setdefault("thread_setting", before)
    results = {
        "generated": run_id,
        "command": "python benchmarks/run.py " + " ".join(argv),
        "machine": machine_info(),
        "env": settings,
        "pythons": opts.pythons,
        "entries": old + new,
    }
    opts.output.parent.mkdir(parents=True, exist_ok=True)
    opts.output.write_text(json.dumps(results, indent=1) + "\n")
    block = render(results)
    if not opts.no_doc:
        write_doc(opts.doc, block)
    print("\n" + block.split("\n### Ratio")[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
