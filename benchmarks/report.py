"""Markdown for docs/benchmarks.md, made from the runner's results.

`render(results)` returns the block that `run.py` writes between the markers
`<!-- BENCH:START -->` and `<!-- BENCH:END -->`: the medians, the ratios to the NumPy floor
and to tapegrad, the derived figures (time per op, Jacobian vectorization, backward/forward),
peak memory, the targets of issues 2, 5 and 11, and the machine, versions and thread settings.
"""

import os

from workloads import MEMORY, OPS_PER_RUN, SAME_AS, WORKLOADS

START, END = "<!-- BENCH:START -->", "<!-- BENCH:END -->"
COLUMNS = ("tapegrad", "numpy", "tensorflow", "torch", "torch-vec", "jax", "jax-jit", "autograd")
PEERS = tuple(c for c in COLUMNS if c not in ("tapegrad", "numpy"))
DASH = "–"
# Peak-memory measures, most exact first (see worker.measure_memory). An allocator's own count
# compares with tracemalloc's: both count the bytes of live arrays exactly.
MEMORY_METHODS = ("tracemalloc", "allocator", "rss")
COMPARABLE = {"allocator": "tracemalloc"}

# (what, workload, kind, argument, bound): kind "value" compares tapegrad's median with the
# bound, "floor" tapegrad / numpy, "faster" peer / tapegrad (at least the bound), "bwd_fwd" the
# backward/forward ratio, "faults" tapegrad's minor page faults per call / numpy's.
TARGETS = (
    ("tutorial loop <= 2.5 ms", "tutorial_assign_sub", "value", None, 2.5e-3),
    ("tutorial loop >= 30x faster than TF", "tutorial_assign_sub", "faster", "tensorflow", 30),
    ("tutorial loop >= 3x faster than torch", "tutorial_assign_sub", "faster", "torch", 3),
    ("scalar op <= 5 us", "scalar_chain", "value", None, 5e-6),
    ("small step <= 140 us", "small_step", "value", None, 140e-6),
    ("small step >= 2x faster than torch", "small_step", "faster", "torch", 2),
    ("Hessian (n = 100) <= 1 ms", "hessian", "value", None, 1e-3),
    ("Jacobian (256 x 256) <= 2 ms", "jacobian", "value", None, 2e-3),
    ("large step <= 1.15x NumPy", "large_step", "floor", None, 1.15),
    ("matmul chain <= 1.15x NumPy", "matmul_chain", "floor", None, 1.15),
    ("matmul backward/forward <= 2", "matmul_chain", "bwd_fwd", None, 2),
    ("import <= 0.15 s", "import", "value", None, 0.15),
    ("peak memory <= 1.3x NumPy", "peak_memory", "floor", None, 1.3),
    ("tf.data epoch <= 1.5x NumPy slicing (issue 11)", "data_epoch", "floor", None, 1.5),
    ("tf.data epoch >= 10x faster than TF (issue 11)", "data_epoch", "faster", "tensorflow",
     10),
    ("traced small step <= 1.5x NumPy (issue 10)", "small_step_traced", "floor", None, 1.5),
    ("fit, housing, 10 epochs <= 1.3x NumPy (issue 10)", "fit_housing", "floor", None, 1.3),
    ("LSTM(64) step <= 1.3x NumPy (issue 13)", "lstm_step", "floor", None, 1.3),
    ("LSTM(64) step faster than TF eager (issue 13)", "lstm_step", "faster", "tensorflow", 1),
    ("large step <= 1.1x NumPy (issue 16)", "large_step", "floor", None, 1.1),
    ("large step page faults <= 1.3x NumPy's (issue 16)", "large_step", "faults", None, 1.3),
    ("matmul chain <= 1.05x NumPy (issue 16)", "matmul_chain", "floor", None, 1.05),
    ("MNIST CNN step <= 1.3x NumPy (issue 13)", "mnist_step", "floor", None, 1.3),
    ("MNIST CNN step faster than TF eager (issue 13)", "mnist_step", "faster", "tensorflow", 1),
    ("MNIST CNN peak memory <= 1.5x NumPy (issue 13)", "mnist_memory", "floor", None, 1.5),
)


def fmt_time(seconds):
    """Formats seconds with a unit that keeps three significant digits."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if abs(seconds) >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def fmt_bytes(count):
    """Formats a byte count in MiB."""
    return f"{count / 2**20:.3g} MiB"


def memory_value(entry, method=None):
    """Returns (bytes, method) of a peak_memory entry, by `method` or the most exact one."""
    for name in (method,) if method else MEMORY_METHODS:
        value = entry.get(f"{name}_peak_bytes")
        if value is not None:
            return value, name
    return None, None


def value_of(entry, method=None):
    """The headline number of an ok entry: seconds (per op for per-op workloads) or bytes."""
    if entry is None or entry.get("status") != "ok":
        return None
    if entry["workload"] in MEMORY:
        return memory_value(entry, method)[0]
    return entry["median_s"] / OPS_PER_RUN.get(entry["workload"], 1)


def fmt_value(entry):
    """Formats an entry's headline number with its unit."""
    if entry["workload"] in MEMORY:
        value, method = memory_value(entry)
        return fmt_bytes(value) + {"rss": " (RSS)", "allocator": " (allocator)"}.get(method, "")
    return fmt_time(value_of(entry))


def cell(entry, text=None):
    """A table cell: the value, or WRONG, error, skipped or a dash."""
    if entry is None:
        return DASH
    if entry["status"] == "skipped":
        return "skipped"
    if entry["status"] == "error":
        message = entry.get("error", "")
        message = message if len(message) <= 60 else message[:57] + "..."
        return "error: " + message.replace("|", "\\|")
    text = fmt_value(entry) if text is None else text
    text += " †" if under_load(entry) else ""
    return text if entry.get("check_ok", True) else f"**WRONG** {text}"


def under_load(entry):
    """True when other processes kept the CPU busy just before the entry was measured."""
    return bool(entry.get("cpu_contended"))


def index(entries):
    """Returns {(workload, label): entry}."""
    return {(e["workload"], e["label"]): e for e in entries}


def ratio(entries, workload, label, base_label, base_workload=None):
    """Returns value(label) / value(base_label), comparing memory by the same method."""
    entry = entries.get((workload, label))
    base = entries.get((base_workload or workload, base_label))
    if value_of(entry) is None or value_of(base) is None:
        return None
    method = base_method = None
    if workload in MEMORY:
        method = memory_value(entry)[1]
        base_method = method if memory_value(base, method)[0] else COMPARABLE.get(method)
    top, bottom = value_of(entry, method), value_of(base, base_method)
    return top / bottom if top is not None and bottom else None


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


def _unit(workload):
    if workload in MEMORY:
        return "bytes"
    return {"import": "s"}.get(
        workload, "per op" if workload in OPS_PER_RUN else "per run"
    )


def _ratio_cell(entries, workload, label, base_label):
    """A ratio cell: `label`'s value over `base_label`'s, marked WRONG or † as either side is."""
    entry, base = entries.get((workload, label)), entries.get((workload, base_label))
    if entry is None or entry["status"] != "ok":
        return entry["status"] if entry else DASH
    value = ratio(entries, workload, label, base_label)
    if value is None:
        return "**WRONG**" if not entry.get("check_ok", True) else DASH
    wrong = not (entry.get("check_ok", True) and base.get("check_ok", True))
    loaded = under_load(entry) or under_load(base)
    return ("**WRONG** " if wrong else "") + f"{value:.3g}x" + (" †" if loaded else "")


def faults_of(entry):
    """Minor page faults per call of an ok entry, or None where the worker did not count them."""
    if entry is None or entry.get("status") != "ok":
        return None
    return entry.get("minor_faults_per_call")


def bwd_fwd(entries, label):
    """(forward + backward - forward) / forward for matmul_chain, or None."""
    full = value_of(entries.get(("matmul_chain", label)))
    forward = value_of(entries.get(("matmul_chain_fwd", label)))
    return (full - forward) / forward if full and forward else None


def _faults_cell(entry):
    value = faults_of(entry)
    return DASH if value is None else f"{value:.3g}"


def main_tables(entries, workloads, columns):
    """The medians, the ratios to the NumPy floor, and the peer / tapegrad ratios."""
    runs = {
        w: sorted({e["run"] for e in entries.values() if e["workload"] == w}) for w in workloads
    }
    lines = ["### Medians", ""]
    header = ["workload", "unit", *columns, "measured"]
    rows = [
        [f"`{w}`", _unit(w), *(cell(entries.get((w, c))) for c in columns), ", ".join(runs[w])]
        for w in workloads
    ]
    lines += _table(header, rows)
    counted = [w for w in workloads if any(faults_of(entries.get((w, c))) for c in columns)]
    if counted:
        lines += [
            "",
            "### Minor page faults per call (fresh memory taken from the system, 4 KiB each)",
            "",
        ]
        rows = [
            [f"`{w}`", *(_faults_cell(entries.get((w, c))) for c in columns), ", ".join(runs[w])]
            for w in counted
        ]
        lines += _table(["workload", *columns, "measured"], rows)
    lines += ["", "### Ratio to the NumPy floor (median / NumPy's median; lower is better)", ""]
    others = [c for c in columns if c != "numpy"]
    rows = [[f"`{w}`", *(_ratio_cell(entries, w, c, "numpy") for c in others)] for w in workloads]
    lines += _table(["workload", *others], rows)
    peers = [c for c in columns if c in PEERS or c == "numpy"]
    lines += [
        "",
        "### Peer / tapegrad (peer's median / tapegrad's; above 1: tapegrad is faster)",
        "",
    ]
    rows = [[f"`{w}`", *(_ratio_cell(entries, w, c, "tapegrad") for c in peers)] for w in workloads]
    return lines + _table(["workload", *peers], rows)


def derived_tables(entries, columns):
    """Jacobian vectorization, backward/forward ratio and the peak-memory details."""
    lines = []
    loop_rows = []
    for label in ("tapegrad", "tensorflow"):
        loop, jac = entries.get(("jacobian_loop", label)), entries.get(("jacobian", label))
        if value_of(loop) and value_of(jac):
            speedup = f"{value_of(loop) / value_of(jac):.3g}x"
            loop_rows.append([label, cell(jac), cell(loop), speedup])
    if loop_rows:
        lines += ["", "### `tape.jacobian` against 256 `tape.gradient` calls", ""]
        header = ["library", "`tape.jacobian`", "256 x `tape.gradient`", "speed-up"]
        lines += _table(header, loop_rows)
    bf_rows = [
        [
            c,
            cell(entries.get(("matmul_chain_fwd", c))),
            cell(entries.get(("matmul_chain", c))),
            f"{bwd_fwd(entries, c):.3g}",
        ]
        for c in columns
        if bwd_fwd(entries, c) is not None
    ]
    if bf_rows:
        lines += ["", "### Matmul chain: backward / forward ((full - forward) / forward)", ""]
        lines += _table(["library", "forward", "forward + backward", "backward / forward"], bf_rows)
    for workload in MEMORY:
        mem_rows = []
        for c in columns:
            entry = entries.get((workload, c))
            if value_of(entry) is not None:
                cells = [
                    DASH if v is None else fmt_bytes(v)
                    for v in (memory_value(entry, m)[0] for m in MEMORY_METHODS)
                ]
                if memory_value(entry, "allocator")[0] is not None and cells[-1] != DASH:
                    cells[-1] += " (freed memory stays in the allocator's pool)"
                mem_rows.append([c, *cells])
        if mem_rows:
            title = f"### Peak memory of one `{SAME_AS[workload]}`, above what was held before it"
            lines += ["", title, ""]
            header = ["library", "tracemalloc", "allocator statistics",
                      "RSS (mmap threshold pinned)"]
            lines += _table(header, mem_rows)
    return lines


def target_table(entries):
    """Issues 5, 11 and 13's targets for tapegrad, each with the measured figure and whether it is
    met."""
    rows = []
    for what, workload, kind, other, bound in TARGETS:
        entry = entries.get((workload, "tapegrad"))
        if entry is None:
            continue
        if kind == "value":
            value = value_of(entry)
            measured, met = (fmt_value(entry), value <= bound) if value is not None else (None, 0)
        elif kind == "bwd_fwd":
            value = bwd_fwd(entries, "tapegrad")
            measured, met = (f"{value:.3g}", value <= bound) if value is not None else (None, 0)
        elif kind == "faults":
            ours, floor = faults_of(entry), faults_of(entries.get((workload, "numpy")))
            value = ours / floor if ours is not None and floor else None
            measured, met = (
                (f"{value:.3g}x ({ours:.0f} / {floor:.0f})", value <= bound)
                if value is not None
                else (None, 0)
            )
        else:
            value = (
                ratio(entries, workload, other, "tapegrad")
                if kind == "faster"
                else ratio(entries, workload, "tapegrad", "numpy")
            )
            ok = value is not None and (value >= bound if kind == "faster" else value <= bound)
            measured, met = (f"{value:.3g}x", ok) if value is not None else (None, 0)
        if measured is None:
            rows.append([what, cell(entry) if entry["status"] != "ok" else DASH, "no"])
        else:
            wrong = not entry.get("check_ok", True)
            rows.append([what, measured, "**WRONG**" if wrong else ("yes" if met else "no")])
    return (
        ["", "### tapegrad's targets (issues 5, 11, 13 and 16)", ""]
        + _table(["target", "measured", "met"], rows)
        if rows
        else []
    )


def environment(results, columns):
    """Machine, thread settings, and each library's version and interpreter."""
    machine = results["machine"]
    lines = [
        "### Machine, versions and threads",
        "",
        (
            f"- Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory']}, "
            f"{machine['platform']}."
        ),
        "- Thread settings (environment, the same for every library): "
        + ", ".join(f"`{k}={v}`" for k, v in _thread_env(results).items())
        + ".",
    ]
    main = next(iter(_thread_env(results).values()), None)
    other = sorted({
        (e["workload"], e["thread_setting"]) for e in results["entries"]
        if e.get("thread_setting") not in (None, main)
    })
    if other:
        lines.append(
            "- Except the rows measured with another thread count (the same for every library "
            "of the row): "
            + ", ".join(f"`{w}` with {n} thread{'s' if n != '1' else ''}" for w, n in other)
            + "."
        )
    header = ["library", "version", "numpy", "python", "library threads"]
    rows, seen = [], set()
    for entry in sorted(results["entries"], key=lambda e: e.get("run", ""), reverse=True):
        if entry["lib"] in seen or "version" not in entry:
            continue
        seen.add(entry["lib"])
        threads = ", ".join(f"{k}={v}" for k, v in entry.get("threads", {}).items()) or DASH
        rows.append(
            [
                entry["lib"],
                entry["version"],
                entry["numpy_version"],
                f"{entry['python_version']} (`{entry['python']}`)",
                threads,
            ]
        )
    order = {c: i for i, c in enumerate(COLUMNS)}
    rows.sort(key=lambda row: order.get(row[0], len(order)))
    return lines + [""] + _table(header, rows)


def _thread_env(results):
    """The thread settings most rows were measured with (the runs record theirs per entry)."""
    counts = {}
    for e in results["entries"]:
        if e.get("thread_setting") is not None:
            counts[e["thread_setting"]] = counts.get(e["thread_setting"], 0) + 1
    if not counts:
        return results["env"]
    common = max(counts, key=counts.get)
    return {k: common for k in results["env"]}


def notes(entries):
    """Errors, wrong answers and skipped libraries, with their full messages; the load."""
    lines = []
    loaded = [e for e in entries.values() if under_load(e)]
    if loaded:
        lines.append(
            f"- † {len(loaded)} of {len(entries)} results were measured while other processes "
            "competed for the cores, even after retries; they may read slow. Share of the CPU "
            "the others used: "
            + ", ".join(
                f"`{e['label']}` on `{e['workload']}` {100 * e['cpu_others']:.0f}%" for e in loaded
            )
            + "."
        )
    loads = [e["load_average"] for e in entries.values() if "load_average" in e]
    if loads:
        lines.append(
            f"- The 1-minute load average at the start of each worker ranged from {min(loads):.2f}"
            f" to {max(loads):.2f} on {os.cpu_count()} cores (the worker itself adds about 1)."
        )
    for (workload, label), entry in entries.items():
        if entry["status"] == "error":
            lines.append(f"- `{label}` on `{workload}`: error: {entry['error']}")
        elif entry["status"] == "skipped":
            lines.append(f"- `{label}` on `{workload}`: skipped, {entry.get('note', '')}")
        elif not entry.get("check_ok", True):
            lines.append(f"- `{label}` on `{workload}`: WRONG answer: {entry['check_message']}")
    return ["", "### Notes", "", *lines] if lines else []


def render(results):
    """Returns the Markdown block (without the markers) for the results of the runner."""
    entries = index(results["entries"])
    present = {label for _, label in entries}
    columns = [c for c in COLUMNS if c in present] + sorted(present - set(COLUMNS))
    workloads = [w for w in WORKLOADS if any(k[0] == w for k in entries)]
    lines = [
        (
            f"_Generated by `{results['command']}` on {results['generated']}. "
            "Edit the text outside the markers only._"
        ),
        "",
        *main_tables(entries, workloads, columns),
        *derived_tables(entries, columns),
        *target_table(entries),
        "",
        *environment(results, columns),
        *notes(entries),
    ]
    return "\n".join(lines)
