"""bench/run: command-line flags, and the whole run from discovery to table, JSON and PNG."""
import argparse
import datetime
import os
import platform
import subprocess
import sys

from . import configs, cuda, discover, report, session, stats
from .steps import StepFormatError, parse_steps

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROUNDS = {"default": 5, "quick": 3}
TIMEOUT_S = {"default": 180.0, "quick": 60.0}


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="bench/run",
        description="Runs Janus and its peers side by side, in alternation, and reports "
                    "step times, ratios to the peer, warm-up, peak memory and threads.")
    p.add_argument("--quick", action="store_true",
                   help="fewer rounds, fewer steps, smaller programs (under 2 minutes)")
    p.add_argument("--list", action="store_true",
                   help="print the benchmarks and configurations that would run, and exit")
    p.add_argument("--device", choices=("cpu", "cuda"), default="cpu",
                   help="cuda: the examples on the GPU against the machine's PyTorch (eager and "
                        "torch.compile); exits 1 when there is no CUDA device")
    p.add_argument("--peer-python", default=None,
                   help="the peers' interpreter (default: Debian's python3.11; with --device "
                        "cuda the first python3 on PATH)")
    p.add_argument("--rounds", type=int, help="runs per configuration (default 5, quick 3)")
    p.add_argument("--steps", type=int, help="steps per run (default: per suite and mode)")
    p.add_argument("--only", action="append", default=[],
                   help="run only this benchmark (name or suite/name); repeatable")
    p.add_argument("--suites", default="examples,programs",
                   help="comma-separated suites to run (examples, programs)")
    p.add_argument("--examples", default=os.path.join(REPO, "examples"),
                   help="directory of training scripts")
    p.add_argument("--programs", default=os.path.join(REPO, "bench", "programs"),
                   help="directory of pure-Python programs")
    p.add_argument("--janus", help="janus-python to run (default: $JANUS_PYTHON, else "
                                   "$JANUS_BUILD_DIR/janus-python, else build/janus-python)")
    p.add_argument("--options-def", default=os.path.join(REPO, "common", "options.def"),
                   help="the options table the Janus configurations are derived from")
    p.add_argument("--out", default=os.path.join(REPO, "bench", "results"),
                   help="directory for results.json, chart.png and table.txt")
    p.add_argument("--timeout", type=float,
                   help="seconds before a run is killed (default 180, quick 60)")
    args = p.parse_args(argv)
    if args.rounds is not None and args.rounds < 1:
        p.error("--rounds must be at least 1")
    if args.steps is not None and args.steps < 2:
        p.error("--steps must be at least 2 (the steady state is the second half)")
    args.suites = [s for s in args.suites.split(",") if s]
    if args.device == "cuda":
        args.suites = [s for s in args.suites if s in configs.CUDA_PEERS]  # programs: no tensors
    for s in args.suites:
        if s not in configs.PEERS:
            p.error(f"unknown suite {s!r}: choose from {', '.join(configs.PEERS)}")
    return args


def janus_path(args):
    if args.janus:
        return os.path.abspath(args.janus)
    if os.environ.get("JANUS_PYTHON"):
        return os.environ["JANUS_PYTHON"]
    build = os.environ.get("JANUS_BUILD_DIR", "build")
    return os.path.abspath(os.path.join(REPO, build, "janus-python"))


def _command_output(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=60,
                              cwd=REPO).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def machine_info():
    return {
        "cpus": os.cpu_count(),
        "loadavg_start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "platform": platform.platform(),
        "python": _command_output([configs.peer_python, "--version"]),
        "git_commit": _command_output(["git", "rev-parse", "HEAD"]),
    }


def calibrate(benchmark, suite_configs, janus):
    """The example with the step count discover.calibrated_steps gives from one run of its
    tier-0 configuration at the default steps (unchanged when that run fails)."""
    t0 = [c for c in suite_configs if c.name == "janus-t0"]
    if not t0:
        return benchmark
    argv = session.command(benchmark, t0[0], janus)
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT_S["default"],
                              env=configs.child_env(t0[0]), cwd=os.path.dirname(benchmark.path))
        step_ms = stats.steady_state_ms(parse_steps(proc.stdout).times_ms) if proc.returncode == 0 else None
    except (subprocess.TimeoutExpired, StepFormatError, ValueError):
        step_ms = None
    default = discover.STEPS["examples"]["default"]
    steps = discover.calibrated_steps(step_ms, default)
    print(f"  {benchmark.id:<28} {steps} steps (tier 0 at {default} steps: "
          f"{'?' if step_ms is None else f'{step_ms:.4g}'} ms/step)", file=sys.stderr, flush=True)
    return discover.with_steps(benchmark, steps)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.device == "cuda" and not args.list:
        status = cuda.check_device(sys.stdout)
        if status is not None:
            return status
    configs.peer_python = args.peer_python or (
        cuda.default_peer_python() if args.device == "cuda" else configs.PYTHON)
    janus = janus_path(args)
    mode = "quick" if args.quick else "default"
    rounds = args.rounds or ROUNDS[mode]
    dirs = {"examples": args.examples, "programs": args.programs}
    benchmarks = discover.discover({s: dirs[s] for s in args.suites}, args.quick, args.steps,
                                   set(args.only))
    if not benchmarks:
        print("bench/run: no benchmark matched", file=sys.stderr)
        return 2
    suite_configs = {s: configs.suite_configs(args.options_def, s, args.device) for s in args.suites}
    if args.list:
        for s in args.suites:
            print(f"{s}: " + ", ".join(c.name for c in suite_configs[s]))
            for c in suite_configs[s]:
                env = " ".join(f"{k}={v}" for k, v in c.env.items())
                print(f"  {c.name:<12} {env:<30} {c.about}")
        for b in benchmarks:
            print(f"{b.id}: {' '.join(b.args)}")
        return 0
    if not os.access(janus, os.X_OK):
        print(f"bench/run: janus-python not found at {janus}: build it first "
              f"(scripts/build, or scripts/train-example), or pass --janus", file=sys.stderr)
        return 2
    meta = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "mode": mode, "device": args.device, "command": ["bench/run", *(sys.argv[1:] if argv is None else argv)],
            "janus_python": janus, "machine": machine_info()}
    print(f"bench/run: {len(benchmarks)} benchmarks, {rounds} rounds ({mode} mode)",
          file=sys.stderr, flush=True)
    if mode == "default" and args.steps is None:
        benchmarks = [calibrate(b, suite_configs[b.suite], janus) if b.suite == "examples" else b
                      for b in benchmarks]
    results = []
    for b in benchmarks:
        results.append(session.run_benchmark(b, suite_configs[b.suite], janus, rounds,
                                             args.timeout or TIMEOUT_S[mode],
                                             session.stderr_progress))
    meta["machine"]["loadavg_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    doc = report.build_document(results, rounds, meta)
    os.makedirs(args.out, exist_ok=True)
    json_path = os.path.join(args.out, "results.json")
    png_path = os.path.join(args.out, "chart.png")
    table = report.format_table(doc)
    report.write_json(doc, json_path)
    try:
        from . import chart   # matplotlib only once there is something to draw
        chart.write_chart(doc, png_path)
    except ImportError as e:  # a GPU machine's Python may have no matplotlib: the table stays
        png_path = f"(no chart: {e})"
    with open(os.path.join(args.out, "table.txt"), "w", encoding="utf-8") as f:
        f.write(table + "\n")
    print(table)
    print(f"\nraw samples: {json_path}\nchart: {png_path}")
    return 0
