"""Times one library's version of one workload, in a process of its own.

`run.py` starts `python benchmarks/worker.py LIB WORKLOAD --out FILE ...` once per (library,
workload) pair, with the interpreter that has the library installed, so that no library's
import, caches or threads affect another's numbers. The worker imports the library, builds
each variant of the workload, calls it once and checks that answer against the NumPy
reference, warms it up, times several repeats, and writes a JSON list of entries to FILE.
"""

import argparse
import gc
import json
import os
import platform
import resource
import statistics
import sys
import time
import traceback
import tracemalloc
from pathlib import Path

import numpy as np
from peers import AutogradImpl, JaxImpl, TorchImpl
from tf_style import TapegradImpl, TensorFlowImpl
from workloads import MEMORY, SAME_AS, NumpyImpl, check, make_data

SRC = Path(__file__).resolve().parent.parent / "src"

IMPLS = {
    impl.name: impl
    for impl in (TapegradImpl, NumpyImpl, TensorFlowImpl, TorchImpl, JaxImpl, AutogradImpl)
}


def error_text(exc):
    """The one-line summary of an exception shown in the tables."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    text = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."


def _cpu_seconds(children):
    """(busy, ours): CPU seconds used by the whole machine since boot (None where /proc/stat
    is missing), and by this process (and its finished children, if `children`)."""
    who = (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN) if children else (resource.RUSAGE_SELF,)
    ours = sum(usage.ru_utime + usage.ru_stime for usage in map(resource.getrusage, who))
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:9]]
    except (OSError, ValueError):
        return None, ours
    busy = sum(fields) - fields[3] - fields[4]  # all but idle and iowait
    return busy / os.sysconf("SC_CLK_TCK"), ours


def cpu_shares(measure, children=False):
    """Runs `measure()`; returns (its result, others' share of the CPU, our share).

    A share is CPU time over wall time times the cores. Ours is this process's (and its
    children's, if `children`); the others' is the rest of the machine's busy time, None where
    /proc/stat is missing. The machine is shared: a library timed while something else runs
    looks slower than it is.
    """
    busy0, ours0 = _cpu_seconds(children)
    start = time.monotonic()
    result = measure()
    capacity = max(time.monotonic() - start, 1e-3) * (os.cpu_count() or 1)
    busy1, ours1 = _cpu_seconds(children)
    ours = (ours1 - ours0) / capacity
    if busy0 is None or busy1 is None:
        return result, None, ours
    return result, max(0.0, (busy1 - busy0) / capacity - ours), ours


def time_step(step, repeats, min_time, warmup):
    """Warms `step` up, then times `repeats` repeats.

    A repeat makes enough calls to last about `min_time` seconds, so that timer resolution
    and one-off hiccups do not dominate the microsecond workloads. Returns (the per-call time
    of each repeat, calls per repeat, the shares of the CPU that other processes and this one
    used meanwhile, the minor page faults per call: each fresh array that the allocator takes
    from the system costs one per 4 KiB page it touches).
    """
    start, calls = time.perf_counter(), 0
    while calls < 1 or time.perf_counter() - start < warmup:
        step()
        calls += 1
    start = time.perf_counter()
    step()
    single = time.perf_counter() - start
    number = max(1, int(min_time / max(single, 1e-9)))
    gc.collect()

    def repeat():
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            for _ in range(number):
                step()
            times.append((time.perf_counter() - start) / number)
        return times

    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    times, others, ours = cpu_shares(repeat)
    faults = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults) / (repeats * number)
    return times, number, others, ours, faults


def _proc_status(field):
    """Returns a `VmRSS`-like field of /proc/self/status in bytes, or None."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def measure_memory(step, impl):
    """Returns the peak memory of one `step` call above what was held before it, in bytes.

    Three measures, each taken on its own call of `step`:
    - `rss`: the resident set's high-water mark, reset first (Linux clear_refs). The runner
      pins glibc's mmap threshold for this process, so freed arrays go back to the system at
      once and the resident set follows the live arrays, whatever the library's allocator.
    - `tracemalloc`, for libraries that allocate through NumPy: NumPy reports every array to
      tracemalloc, which gives the exact peak of arrays and Python objects.
    - `allocator`, for libraries whose allocator keeps its own statistics (TensorFlow's
      pools hold freed memory, so its resident set does not move).
    """
    result = {}
    gc.collect()
    base = _proc_status("VmRSS")
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
        reset = True
    except OSError:
        reset = False
    step()
    peak = _proc_status("VmHWM")
    if base is not None and peak is not None and reset:
        result["rss_peak_bytes"] = peak - base
    if impl.numpy_memory:
        gc.collect()
        tracemalloc.start()
        step()
        result["tracemalloc_peak_bytes"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    probe = impl.memory_probe()
    if probe is not None:
        gc.collect()
        start = probe()
        step()
        result["allocator_peak_bytes"] = probe(peak=True) - start
    return result


def run_variant(impl, workload, data, want, opts, variant):
    """Builds, checks and measures one variant; returns the fields of its entry."""
    base = SAME_AS.get(workload, workload) if workload in MEMORY else workload
    step, collect = impl.build(base, data, **variant)
    out = step()
    got = {key: np.array(value, copy=True) for key, value in collect(out).items()}
    del out
    ok, errors, message = check(got, want)
    fields = {"status": "ok", "check_ok": ok, "check_errors": errors, "check_message": message}
    if workload in MEMORY:
        fields.update(measure_memory(step, impl))
    else:
        times, number, others, ours, faults = time_step(
            step, opts.repeats, opts.min_time, opts.warmup
        )
        fields.update(
            times_s=times,
            median_s=statistics.median(times),
            min_s=min(times),
            calls_per_repeat=number,
            cpu_others=others,
            cpu_ours=ours,
            minor_faults_per_call=faults,
        )
    return fields


def run(opts):
    """Returns the list of entries for `opts.lib` on `opts.workload`, one per variant."""
    impl = IMPLS[opts.lib]()
    common = {
        "lib": opts.lib,
        "workload": opts.workload,
        "python": sys.executable,
        "python_version": platform.python_version(),
        "numpy_version": np.__version__,
        "load_average": round(os.getloadavg()[0], 2),
    }
    labels = impl.variants(SAME_AS.get(opts.workload, opts.workload))
    sys.path.insert(0, str(SRC))  # the working tree's tapegrad, whichever interpreter runs this
    try:
        impl.load()
    except ModuleNotFoundError as exc:
        top = impl.import_statement.split()[1].split(".")[0]
        if exc.name and exc.name.split(".")[0] == top:
            note = f"not installed for {sys.executable}"
            return [dict(common, label=label, status="skipped", note=note) for label in labels]
        return [
            dict(common, label=label, status="error", error=error_text(exc)) for label in labels
        ]
    except Exception as exc:  # noqa: BLE001 -- a broken library is reported, not fatal
        return [
            dict(common, label=label, status="error", error=error_text(exc)) for label in labels
        ]
    common["version"] = impl.version()
    common["threads"] = impl.threads()
    data = make_data(opts.workload)
    reference = NumpyImpl()
    ref_step, ref_collect = reference.build(SAME_AS.get(opts.workload, opts.workload), data)
    want = {key: np.array(value, copy=True) for key, value in ref_collect(ref_step()).items()}
    entries = []
    for label, variant in labels.items():
        entry = dict(common, label=label)
        try:
            entry.update(run_variant(impl, opts.workload, data, want, opts, variant))
        except Exception as exc:  # noqa: BLE001 -- one failing workload must not stop the rest
            entry.update(
                status="error",
                error=error_text(exc),
                traceback=traceback.format_exc().splitlines()[-12:],
            )
        entries.append(entry)
        gc.collect()
    return entries


def main(argv=None):
    """Command line: `worker.py LIB WORKLOAD --out FILE [--repeats N] ...`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lib", choices=sorted(IMPLS))
    parser.add_argument("workload")
    parser.add_argument("--out", required=True, help="file to write the JSON entries to")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--min-time", type=float, default=0.1, help="seconds per repeat")
    parser.add_argument("--warmup", type=float, default=0.3, help="seconds of warm-up")
    opts = parser.parse_args(argv)
    entries = run(opts)
    Path(opts.out).write_text(json.dumps(entries, indent=1))


if __name__ == "__main__":
    main()
