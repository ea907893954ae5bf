"""Which benchmarks run: every examples/*.py (training scripts, peer: torch eager) and every
bench/programs/*.py (pure-Python programs, peer: CPython), with their command-line flags.

Whether an example follows the step convention is decided by running it: one whose reference
run prints no step line is skipped with a note, never
silently dropped.
"""
import glob
import os
from dataclasses import dataclass

# Steps per run, per mode. Examples also get --seed so every configuration trains the same
# model; programs get --quick in quick mode, which shrinks the work of one step.
STEPS = {
    "examples": {"default": 30, "quick": 10},
    "programs": {"default": 30, "quick": 8},
}


@dataclass(frozen=True)
class Benchmark:
    suite: str    # "examples" or "programs"
    name: str     # file name without .py
    path: str
    args: tuple   # benchmark flags, before the configuration's own

    @property
    def id(self):
        return f"{self.suite}/{self.name}"


def benchmark_args(suite, quick, steps=None):
    n = steps if steps is not None else STEPS[suite]["quick" if quick else "default"]
    args = ["--steps", str(n)]
    if suite == "examples":
        args += ["--seed", "0"]
    elif quick:
        args.append("--quick")
    return tuple(args)


def discover(suite_dirs, quick, steps=None, only=None):
    """Benchmarks of each suite directory ({suite: dir}), sorted by suite then name; `only`
    keeps those whose id or name is in it."""
    found = []
    for suite, directory in suite_dirs.items():
        if directory is None:
            continue
        for path in sorted(glob.glob(os.path.join(directory, "*.py"))):
            name = os.path.splitext(os.path.basename(path))[0]
            if name.startswith("_"):
                continue
            b = Benchmark(suite, name, os.path.abspath(path), benchmark_args(suite, quick, steps))
            if only and b.id not in only and b.name not in only:
                continue
            found.append(b)
    return found


# Default mode: an example runs as many steps as take about CALIBRATE_TARGET_S in tier 0
# (within [default steps, CALIBRATE_MAX_STEPS]), so the steady-state half holds steps that
# tier 1 ran: its loops get hot after JANUS_HOT_LOOP (1000) back-edges, which a 30-step run
# of a fast example's training loop never reaches. The calibration is one short tier-0 run.
CALIBRATE_TARGET_S = 1.0
CALIBRATE_MAX_STEPS = 6000


def calibrated_steps(step_ms, default_steps):
    """Steps for a run of about CALIBRATE_TARGET_S at `step_ms` a step."""
    if step_ms is None or step_ms <= 0:
        return default_steps
    n = int(CALIBRATE_TARGET_S * 1000.0 / step_ms)
    return max(default_steps, min(CALIBRATE_MAX_STEPS, n))


def with_steps(benchmark, steps):
    """The benchmark with --steps `steps` (its other flags kept)."""
    args = list(benchmark.args)
    i = args.index("--steps")
    args[i + 1] = str(steps)
    return Benchmark(benchmark.suite, benchmark.name, benchmark.path, tuple(args))
