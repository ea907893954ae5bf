"""The measurement session: every configuration of a benchmark, run in alternation.

Round r runs each configuration once, back to back; odd rounds run them in reverse order
(A B C, C B A, A B C, ...), so no configuration always runs right after a particular other
one and a drift of the machine during a round hits the pairs alike. A configuration that is
unsupported (exit 3 with `# torchscript unsupported: ...`) or fails is not run again: its
reason is reported instead of numbers.
"""
import os
import signal
import sys
import tempfile
from dataclasses import dataclass, field

from . import configs, measure
from .configs import child_env
from .steps import StepFormatError, parse_steps

# How each suite's outputs are compared with the reference's: the loss of every step within a
# relative tolerance, and (programs) the `# ` result lines exactly. Pure-Python programs are
# deterministic; training in another runtime may sum in another order.
# Examples compare their first `loss_steps` losses (the default run length before step
# calibration): a run calibrated to thousands of steps (discover.calibrated_steps) trains
# chaotically enough that last-bit summation differences between runtimes grow past any
# tolerance later on (sine_lbfgs' line searches from step ~30, regression's from ~500).
OUTPUT_CHECK = {
    "examples": {"loss_rel_tol": 1e-3, "compare_notes": False, "loss_steps": 30},
    "programs": {"loss_rel_tol": 0.0, "compare_notes": True, "loss_steps": None},
}
STDERR_TAIL_CHARS = 2000

# Same initial weights in every runtime (their RNGs differ): the reference's first run saves
# its freshly initialised state_dict with the first flag, every later run loads it with the
# second (the examples' convention, examples/_common.py). A script that rejects the flags
# (argparse's "unrecognized arguments") is run without them.
INIT_HANDOFF = {
    "examples": ("--save-init", "--init"),
}


@dataclass
class RunRecord:
    round: int
    position: int          # 0-based place in the round's order
    exit_code: int | None
    timed_out: bool
    wall_s: float
    peak_rss_kb: int | None
    max_threads: int | None
    times_ms: list
    losses: list
    notes: list
    stderr_tail: str
    loadavg_1min: float = 0.0   # the machine's load when the run started: context for noise
    extra_args: list = field(default_factory=list)   # the init handoff flags of this run


@dataclass
class ConfigResult:
    config: object
    argv: list
    status: str = "ok"      # ok | unsupported | failed
    reason: str = ""
    runs: list = field(default_factory=list)   # RunRecord, successful and not


@dataclass
class BenchmarkResult:
    benchmark: object
    skipped: str = ""       # non-empty: why the benchmark produced no numbers
    configs: list = field(default_factory=list)


def command(benchmark, config, janus_path):
    interpreter = configs.peer_python if config.runner == "python" else janus_path
    return [interpreter, benchmark.path, *benchmark.args, *config.args]


def _last_line(text):
    lines = [l for l in text.strip().splitlines() if l.strip()]
    return lines[-1].strip() if lines else ""


def _classify(proc, parsed, timeout_s):
    """(status, reason) of one finished run."""
    if proc.timed_out:
        return "failed", f"timed out after {timeout_s:g} s"
    if proc.signal is not None:
        try:
            name = signal.Signals(proc.signal).name
        except ValueError:
            name = "unknown signal"
        return "failed", f"crashed: signal {proc.signal} ({name})"
    if proc.exit_code == 3 and parsed is not None and parsed.unsupported is not None:
        return "unsupported", parsed.unsupported
    if proc.exit_code != 0:
        why = _last_line(proc.stderr) or _last_line(proc.stdout) or "no output"
        return "failed", f"exit {proc.exit_code}: {why}"
    if parsed is None:
        return "failed", "malformed step output"
    if not parsed.times_ms:
        return "failed", "printed no step lines"
    return "ok", ""


def _run_once(state, r, position, extra_args, timeout_s):
    """Runs one configuration once; (RunRecord, status, reason, parsed output)."""
    load = os.getloadavg()[0]
    proc = measure.run_process(state.argv + list(extra_args), child_env(state.config), timeout_s)
    try:
        parsed = parse_steps(proc.stdout)
        format_error = ""
    except StepFormatError as e:
        parsed, format_error = None, str(e)
    status, reason = _classify(proc, parsed, timeout_s)
    if format_error:
        reason = format_error
    record = RunRecord(
        round=r, position=position, exit_code=proc.exit_code, timed_out=proc.timed_out,
        wall_s=proc.wall_s, peak_rss_kb=proc.peak_rss_kb, max_threads=proc.max_threads,
        times_ms=parsed.times_ms if parsed else [], losses=parsed.losses if parsed else [],
        notes=parsed.notes if parsed else [], stderr_tail=proc.stderr[-STDERR_TAIL_CHARS:],
        loadavg_1min=load, extra_args=list(extra_args))
    return record, status, reason, parsed


def _init_flags_unknown(record):
    return record.exit_code == 2 and "unrecognized arguments" in record.stderr_tail


def run_benchmark(benchmark, configs, janus_path, rounds, timeout_s, progress=None):
    result = BenchmarkResult(benchmark)
    states = [ConfigResult(c, command(benchmark, c, janus_path)) for c in configs]
    result.configs = states
    handoff = INIT_HANDOFF.get(benchmark.suite)
    with tempfile.TemporaryDirectory(prefix="janus-bench-init-") as tmp:
        init_path = os.path.join(tmp, "init.pt")
        for r in range(rounds):
            order = states if r % 2 == 0 else list(reversed(states))
            position = 0
            for state in order:
                if state.status != "ok":
                    continue
                first_of_all = state is states[0] and r == 0
                extra = []
                if handoff and first_of_all:
                    extra = [handoff[0], init_path]
                elif handoff and os.path.exists(init_path):
                    extra = [handoff[1], init_path]
                record, status, reason, parsed = _run_once(state, r, position, extra, timeout_s)
                if first_of_all and extra and _init_flags_unknown(record):
                    # The script predates the --save-init/--init convention: run it as is.
                    handoff = None
                    record, status, reason, parsed = _run_once(state, r, position, [], timeout_s)
                state.runs.append(record)
                position += 1
                if progress:
                    progress(benchmark, state.config, r, status, reason, parsed)
                if status != "ok":
                    state.status, state.reason = status, reason
                    # The reference printing no step line in its first run means the script
                    # does not follow the step convention (e.g. a placeholder): skip it.
                    if first_of_all and reason == "printed no step lines":
                        result.skipped = "prints no `step i ... time_ms t` lines (not a benchmark)"
                        return result
    return result


def successful_runs(state):
    """The runs of a configuration that produced step times, by round."""
    return [run for run in state.runs if run.times_ms and run.exit_code == 0]


def output_check(suite, reference, state):
    """'same', 'reference', or a description of how this configuration's outputs differ from
    the reference's (first successful run of each)."""
    if state is reference:
        return "reference"
    ref_runs, runs = successful_runs(reference), successful_runs(state)
    if not ref_runs or not runs:
        return ""
    rule = OUTPUT_CHECK[suite]
    a, b = ref_runs[0], runs[0]
    if len(a.losses) != len(b.losses):
        return f"differs: {len(b.losses)} steps vs {len(a.losses)}"
    worst = 0.0
    for x, y in zip(a.losses[:rule["loss_steps"]], b.losses[:rule["loss_steps"]]):
        if (x is None) != (y is None):
            return "differs: loss printed on one side only"
        if x is None or x == y:
            continue
        rel = abs(x - y) / max(abs(x), abs(y), 1e-300)
        if not rel <= worst:
            worst = rel
    if not worst <= rule["loss_rel_tol"]:
        return f"differs: loss rel diff {worst:.2g}"
    if rule["compare_notes"] and a.notes != b.notes:
        return "differs: result lines"
    return "same"


def stderr_progress(benchmark, config, r, status, reason, parsed):
    if status == "ok":
        from .stats import steady_state_ms
        what = f"{steady_state_ms(parsed.times_ms):.4g} ms/step"
    else:
        what = f"{status}: {reason}"
    print(f"  {benchmark.id:<28} {config.name:<12} round {r + 1}: {what}", file=sys.stderr,
          flush=True)
