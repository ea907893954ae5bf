"""The results as data (the JSON file, every raw sample) and as a plain-text table."""
import dataclasses
import json
import math

from . import stats
from .session import output_check, successful_runs

SCHEMA = 1


def _ratio_by_round(reference, state, rounds):
    """Each round's steady state of a configuration (None where it has no run that round)."""
    def per_round(s):
        values = [None] * rounds
        for run in successful_runs(s):
            values[run.round] = stats.steady_state_ms(run.times_ms)
        return values
    return stats.paired_ratios(per_round(state), per_round(reference))


def summarize_config(suite, reference, state, rounds):
    runs = successful_runs(state)
    summary = {"status": state.status if not runs or state.status == "ok" else "partial",
               "reason": state.reason}
    if not runs:
        return summary
    summary.update(stats.summarize([run.times_ms for run in runs]))
    ratios = _ratio_by_round(reference, state, rounds)
    summary["ratios"] = ratios
    summary["ratio"] = stats.median(ratios) if ratios else None
    rss = [run.peak_rss_kb for run in runs if run.peak_rss_kb is not None]
    threads = [run.max_threads for run in runs if run.max_threads is not None]
    summary["peak_rss_mb"] = max(rss) / 1024.0 if rss else None
    summary["max_threads"] = max(threads) if threads else None
    summary["output"] = output_check(suite, reference, state)
    # Process time spent outside the timed steps: start-up, imports, data set-up, exit.
    summary["outside_steps_s"] = stats.median(
        max(0.0, run.wall_s - sum(run.times_ms) / 1000.0) for run in runs)
    return summary


def build_document(results, rounds, meta):
    """The JSON document: metadata, and per benchmark and configuration the command, the
    environment it added, every run with its raw step times, and the summary."""
    benchmarks = []
    for res in results:
        b = res.benchmark
        entry = {"id": b.id, "suite": b.suite, "name": b.name, "path": b.path,
                 "skipped": res.skipped, "configs": []}
        reference = res.configs[0] if res.configs else None
        for state in res.configs:
            c = state.config
            entry["configs"].append({
                "name": c.name, "about": c.about, "argv": state.argv, "env": dict(c.env),
                "reference": state is reference,
                "runs": [dataclasses.asdict(run) for run in state.runs],
                "summary": summarize_config(b.suite, reference, state, rounds),
            })
        benchmarks.append(entry)
    return {"schema": SCHEMA, **meta, "rounds": rounds, "benchmarks": benchmarks}


def write_json(doc, path):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, allow_nan=True)
        f.write("\n")


def _num(x, digits=4):
    if x is None:
        return "-"
    return f"{x:.{digits}g}"


COLUMNS = [("benchmark", "<"), ("config", "<"), ("median ms", ">"), ("steps/s", ">"), ("min ms", ">"),
           ("max ms", ">"), ("ratio", ">"), ("ratio range", ">"), ("warm-up", ">"),
           ("outside s", ">"), ("peak MB", ">"), ("threads", ">"), ("output", "<")]


def _row(bench_id, cfg):
    s = cfg["summary"]
    if "median_ms" not in s:
        return [bench_id, cfg["name"], f"{s['status']}: {s['reason']}"]
    warm = f"{s['warmup_steps']:g} st/{s['warmup_ms']:.3g} ms"
    ratio = "-" if s["ratio"] is None else f"{s['ratio']:.3f}"
    # The spread of the per-round ratios says how far to trust the median on a noisy machine.
    spread = "-"
    if s["ratios"] and not cfg["reference"]:
        spread = f"{min(s['ratios']):.2f}-{max(s['ratios']):.2f}"
    out = s["output"] if s["status"] == "ok" else f"{s['status']}: {s['reason']}"
    # Steps per second of the steady state (issue 6 reports tiers in steps/s).
    rate = _num(1000.0 / s["median_ms"]) if s["median_ms"] else "-"
    return [bench_id, cfg["name"], _num(s["median_ms"]), rate, _num(s["min_ms"]), _num(s["max_ms"]),
            ratio, spread, warm, f"{s['outside_steps_s']:.2f}", _num(s["peak_rss_mb"], 3),
            _num(s["max_threads"], 3), out]


def geometric_mean(xs):
    xs = [x for x in xs if x is not None and x > 0]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def format_table(doc):
    """The plain-text report: one block per suite, one row per benchmark and configuration.
    Rows whose configuration has no numbers carry the reason in place of the numbers."""
    lines = [f"Janus benchmarks, {doc['date']}, {doc['mode']} mode: {doc['rounds']} rounds, "
             f"configurations alternating; host {doc['machine']['cpus']} CPUs, "
             f"load {doc['machine']['loadavg_start']} at start."]
    lines.append("median: median over runs of each run's steady state (median of its second "
                 "half of steps); min/max: over those steps.")
    lines.append("ratio: median over rounds of step time / the reference's in the same round "
                 "(< 1 is faster); ratio range: the smallest and largest of those per-round "
                 "ratios.")
    lines.append("warm-up: steps/time until the step time is within 10% of the steady state.")
    lines.append("outside s: process time outside the timed steps (start-up, imports, set-up, "
                 "exit). peak MB: max RSS. threads: max thread count.")
    notes = []
    for suite in ("examples", "programs"):
        entries = [b for b in doc["benchmarks"] if b["suite"] == suite]
        if not entries:
            continue
        ref_name = next((c["name"] for b in entries for c in b["configs"] if c["reference"]), "?")
        lines.append("")
        lines.append(f"{suite} (reference: {ref_name})")
        rows = []
        per_config_ratios = {}
        for b in entries:
            if b["skipped"]:
                notes.append(f"{b['id']} skipped: {b['skipped']}")
                continue
            for i, cfg in enumerate(b["configs"]):
                rows.append(_row(b["id"] if i == 0 else "", cfg))
                r = cfg["summary"].get("ratio")
                if not cfg["reference"]:
                    per_config_ratios.setdefault(cfg["name"], []).append(r)
        widths = [len(h) for h, _ in COLUMNS]
        for row in rows:
            if len(row) == len(COLUMNS):
                widths = [max(w, len(c)) for w, c in zip(widths, row)]
        def fmt(row):
            if len(row) < len(COLUMNS):   # a reason instead of numbers
                head = [f"{row[0]:<{widths[0]}}", f"{row[1]:<{widths[1]}}"]
                return "  ".join(head + [row[2]]).rstrip()
            return "  ".join(f"{c:{a}{w}}" for c, (_, a), w in zip(row, COLUMNS, widths)).rstrip()
        lines.append(fmt([h for h, _ in COLUMNS]))
        lines.append(fmt(["-" * w for w in widths]))
        lines.extend(fmt(row) for row in rows)
        for name, ratios in per_config_ratios.items():
            gm = geometric_mean(ratios)
            have = sum(1 for r in ratios if r is not None)
            if gm is not None:
                lines.append(f"  {name}: geometric mean ratio {gm:.3f} over {have} of "
                             f"{len(ratios)} benchmarks")
    if notes:
        lines.append("")
        lines.extend(notes)
    return "\n".join(lines)
