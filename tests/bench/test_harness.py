"""The benchmark harness (bench/run): step parsing, statistics against hand-computed values,
configuration derivation from the options table, and an end-to-end run on stand-in programs
whose step times are fixed, so every number the harness reports can be checked exactly."""
import json
import os
import struct
import subprocess
import sys
import textwrap

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("JANUS_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, os.path.join(SOURCE, "bench"))

from janus_bench import configs, session, stats  # noqa: E402
from janus_bench.configs import Config  # noqa: E402
from janus_bench.steps import StepFormatError, parse_steps  # noqa: E402

BENCH_RUN = os.path.join(SOURCE, "bench", "run")


# ---- step lines -------------------------------------------------------------------------

def test_parse_step_lines_with_and_without_loss():
    out = parse_steps("loading data\n"
                      "step 0 loss 2.5 time_ms 12.5000\n"
                      "epoch 1 done\n"
                      "step 1 loss 1.25e-03 time_ms 3.0000\n"
                      "step 2 time_ms 4.2500\n"
                      "# final loss 0.001\n")
    assert out.indices == [0, 1, 2]
    assert out.times_ms == [12.5, 3.0, 4.25]
    assert out.losses == [2.5, 0.00125, None]
    assert out.notes == ["final loss 0.001"]
    assert out.unsupported is None


def test_parse_unsupported_torchscript_reason():
    out = parse_steps("# torchscript unsupported: data-dependent control flow\n")
    assert out.unsupported == "data-dependent control flow"
    assert out.times_ms == []


@pytest.mark.parametrize("text, what", [
    ("step 0 loss 1.0 time_ms\n", "malformed"),
    ("step zero time_ms 1.0\n", "malformed"),
    ("step 0 time_ms 1.0\nstep 2 time_ms 1.0\n", "follows step 0"),
    ("step 0 time_ms -1.0\n", "finite number"),
    ("step 0 time_ms nan\n", "finite number"),
])
def test_malformed_step_output_is_rejected(text, what):
    with pytest.raises(StepFormatError, match=what):
        parse_steps(text)


# ---- statistics -------------------------------------------------------------------------

def test_steady_state_is_median_of_second_half():
    assert stats.steady_half([9, 8, 7, 4, 5, 6]) == [4, 5, 6]
    assert stats.steady_state_ms([9, 8, 7, 4, 5, 6]) == 5
    assert stats.steady_state_ms([100, 3, 1, 2, 7]) == 2      # second half: 1, 2, 7
    assert stats.steady_state_ms([6.0]) == 6.0


def test_warmup_steps_and_time():
    # steady = median(10, 10, 11, 10) = 10; bound 11. Windows of 3 from k = 0:
    # (100, 50, 12) -> 50, (50, 12, 10) -> 12, (12, 10, 10) -> 10 <= 11: k = 2.
    assert stats.warmup([100, 50, 12, 10, 10, 10, 11, 10]) == (2, 150.0)


def test_warmup_ignores_one_lucky_fast_step():
    # Step 1 is fast, but its window (10, 100, 100) has median 100: warm-up ends at k = 3.
    assert stats.warmup([100, 10, 100, 100, 10, 10, 10, 10]) == (3, 210.0)


def test_no_warmup_when_flat():
    assert stats.warmup([5, 5, 5, 5]) == (0, 0.0)


def test_paired_ratios_skip_rounds_missing_a_side():
    assert stats.paired_ratios([12, 18, None, 33, 40], [10, 20, 10, 30, None]) == \
        pytest.approx([1.2, 0.9, 1.1])
    assert stats.median(stats.paired_ratios([12, 18, 33], [10, 20, 30])) == pytest.approx(1.1)
    with pytest.raises(ValueError):
        stats.paired_ratios([1, 2], [1])


def test_summarize_runs():
    s = stats.summarize([[40, 20, 10, 11, 10, 12],     # steady 11, warm-up (1, 40)
                         [30, 30, 20, 13, 9, 14]])     # steady 13, warm-up (2, 60)
    assert s["median_ms"] == 12
    assert s["run_steady_ms"] == [11, 13]
    assert (s["min_ms"], s["max_ms"]) == (9, 14)
    assert (s["warmup_steps"], s["warmup_ms"]) == (1.5, 50.0)


def test_output_check_compares_losses_and_results():
    def state(losses, notes):
        st = session.ConfigResult(Config("x", "python"), [])
        st.runs.append(session.RunRecord(0, 0, 0, False, 0.1, 1, 1, [1.0] * len(losses),
                                         losses, notes, ""))
        return st
    ref = state([1.0, 0.5], ["result 3"])
    assert session.output_check("programs", ref, ref) == "reference"
    assert session.output_check("programs", ref, state([1.0, 0.5], ["result 3"])) == "same"
    assert session.output_check("programs", ref, state([1.0, 0.5], ["result 4"])) == \
        "differs: result lines"
    assert session.output_check("examples", ref, state([1.0, 0.5004], [])) == "same"
    assert session.output_check("examples", ref, state([1.0, 0.6], [])).startswith(
        "differs: loss rel diff")
    assert session.output_check("examples", ref, state([1.0], [])) == "differs: 1 steps vs 2"


# ---- configurations ---------------------------------------------------------------------

def test_janus_configs_follow_the_jit_values_of_the_options_table():
    text = textwrap.dedent('''
        JANUS_OPTION(Vm, "JANUS_VM", Enum, "default", "default|all|none", "...")
        JANUS_OPTION(Jit, "JANUS_JIT", Enum, "on", "on|off|t1|t2",
                     "tiers")
    ''')
    got = [(c.name, c.env) for c in configs.janus_configs(text, "examples")]
    assert got == [("janus-t0", {"JANUS_JIT": "off"}), ("janus-t1", {"JANUS_JIT": "t1"}),
                   ("janus-t2", {"JANUS_JIT": "t2"}), ("janus", {})]
    programs = configs.janus_configs(text, "programs")
    assert all(c.env["JANUS_VM"] == "all" for c in programs)


def test_configs_of_the_real_options_table_are_allowed_values():
    path = os.path.join(SOURCE, "common", "options.def")
    with open(path) as f:
        default, allowed = configs.jit_values(f.read())
    assert default in allowed
    for c in configs.suite_configs(path, "examples"):
        assert c.env.get("JANUS_JIT", default) in allowed


def test_options_table_without_jit_is_an_error():
    with pytest.raises(ValueError, match="JANUS_JIT"):
        configs.jit_values('JANUS_OPTION(Vm, "JANUS_VM", Enum, "default", "default|all", "")')


def test_child_env_drops_inherited_janus_settings():
    env = configs.child_env(Config("janus-t0", "janus", (), {"JANUS_JIT": "off"}),
                            {"PATH": "/bin", "JANUS_JIT": "on", "JANUS_LOG": "all"})
    assert env == {"PATH": "/bin", "JANUS_JIT": "off"}


# ---- end to end -------------------------------------------------------------------------

# Fixed step times; under the janus-python stand-in every time is doubled, so the ratio is
# exactly 2.
STANDIN = '''
import argparse, os, sys
p = argparse.ArgumentParser()
p.add_argument("--steps", type=int)
p.add_argument("--seed", type=int)
p.add_argument("--quick", action="store_true")
p.add_argument("--torchscript", action="store_true")
p.add_argument("--save-init")  # INIT
p.add_argument("--init")  # INIT
a = p.parse_args()
if getattr(a, "save_init", None):
    open(a.save_init, "w").write("weights")
if getattr(a, "init", None) and open(a.init).read() != "weights":
    sys.exit(4)
if a.torchscript:
    print("# torchscript unsupported: stand-in has no model")
    sys.exit(3)
janus = os.environ.get("STANDIN_JANUS") == "1"
if janus and "CRASH" in open(__file__).read().split("# marker:")[-1]:
    raise ValueError("boom under janus")
times = [40, 20, 10, 11, 10, 12]
for i in range(a.steps):
    print(f"step {i} loss {1.0 / (i + 1):.10g} time_ms {times[i % 6] * (2 if janus else 1):.4f}")
print("# result 42")
# marker: '''


@pytest.fixture(scope="module")
def janus_python(tmp_path_factory):
    """A stand-in for janus-python: python3.11 with a marker in the environment. The harness
    is under test here, not Janus, so these tests do not depend on the state of the VM."""
    path = tmp_path_factory.mktemp("standin-janus") / "janus-python"
    path.write_text('#!/bin/sh\nSTANDIN_JANUS=1 exec /usr/bin/python3.11 "$@"\n')
    path.chmod(0o755)
    return str(path)


@pytest.fixture(scope="module")
def e2e(tmp_path_factory, janus_python):
    root = tmp_path_factory.mktemp("bench")
    (root / "examples").mkdir()
    (root / "programs").mkdir()
    (root / "examples" / "standin.py").write_text(STANDIN + "ok\n")
    (root / "examples" / "placeholder.py").write_text("print('epoch 0 loss 1.0')\n")
    legacy = "\n".join(l for l in STANDIN.splitlines() if not l.endswith("# INIT"))
    (root / "examples" / "legacy.py").write_text(legacy + "ok\n")
    (root / "programs" / "prog.py").write_text(STANDIN + "ok\n")
    (root / "programs" / "crash.py").write_text(STANDIN + "CRASH\n")
    out = root / "out"
    proc = subprocess.run(
        [BENCH_RUN, "--quick", "--rounds", "2", "--steps", "6",
         "--examples", str(root / "examples"), "--programs", str(root / "programs"),
         "--janus", janus_python, "--out", str(out)],
        capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    with open(out / "results.json") as f:
        doc = json.load(f)
    return proc, doc, out


def _bench(doc, bench_id):
    return next(b for b in doc["benchmarks"] if b["id"] == bench_id)


def _config(bench, name):
    return next(c for c in bench["configs"] if c["name"] == name)


def test_e2e_json_has_every_raw_sample(e2e):
    _, doc, _ = e2e
    for bench_id in ("examples/standin", "examples/legacy", "programs/prog"):
        bench = _bench(doc, bench_id)
        for cfg in bench["configs"]:
            if cfg["name"] == "torchscript":
                continue
            scale = 2 if cfg["argv"][0].endswith("janus-python") else 1
            assert [r["round"] for r in cfg["runs"]] == [0, 1]
            for run in cfg["runs"]:
                assert run["exit_code"] == 0
                assert run["times_ms"] == [t * scale for t in [40, 20, 10, 11, 10, 12]]
                assert run["losses"] == [1.0 / (i + 1) for i in range(6)] or \
                    run["losses"] == pytest.approx([1.0 / (i + 1) for i in range(6)], rel=1e-9)
                assert run["notes"] == ["result 42"]
                assert run["peak_rss_kb"] > 1000
                assert run["max_threads"] >= 1


def test_e2e_examples_start_from_the_reference_initial_weights(e2e):
    _, doc, _ = e2e
    bench = _bench(doc, "examples/standin")
    runs = [(c["name"], run) for c in bench["configs"] for run in c["runs"]]
    saved = [run["extra_args"] for name, run in runs if run["extra_args"][:1] == ["--save-init"]]
    assert len(saved) == 1 and _config(bench, "torch-eager")["runs"][0]["extra_args"] == saved[0]
    path = saved[0][1]
    for name, run in runs:
        if run["extra_args"] != saved[0] and name != "torchscript":
            assert run["extra_args"] == ["--init", path]   # the stand-in exits 4 on bad weights
    # A script without the flags (argparse rejects them) runs without them.
    legacy = _bench(doc, "examples/legacy")
    assert all(run["extra_args"] == [] for c in legacy["configs"] for run in c["runs"])


def test_e2e_summaries_match_hand_computed_values(e2e):
    _, doc, _ = e2e
    bench = _bench(doc, "programs/prog")
    names = [c["name"] for c in bench["configs"]]
    assert names[0] == "cpython" and "janus-t0" in names and names[-1] == "janus"
    ref = _config(bench, "cpython")["summary"]
    assert (ref["median_ms"], ref["min_ms"], ref["max_ms"]) == (11, 10, 12)
    assert (ref["warmup_steps"], ref["warmup_ms"]) == (1, 40)
    assert ref["ratio"] == 1.0
    j = _config(bench, "janus")["summary"]
    assert (j["median_ms"], j["ratio"], j["output"]) == (22, 2.0, "same")
    assert _config(bench, "janus-t0")["env"] == {"JANUS_VM": "all", "JANUS_JIT": "off"}


def test_e2e_unsupported_failed_and_skipped_are_reported(e2e):
    proc, doc, _ = e2e
    ts = _config(_bench(doc, "examples/standin"), "torchscript")
    assert ts["summary"]["status"] == "unsupported"
    assert ts["summary"]["reason"] == "stand-in has no model"
    assert len(ts["runs"]) == 1          # not run again once unsupported
    crash = _config(_bench(doc, "programs/crash"), "janus-t0")
    assert crash["summary"]["status"] == "failed"
    assert crash["summary"]["reason"] == "exit 1: ValueError: boom under janus"
    assert len(crash["runs"]) == 1
    assert _bench(doc, "examples/placeholder")["skipped"].startswith("prints no")
    assert "unsupported: stand-in has no model" in proc.stdout
    assert "failed: exit 1: ValueError: boom under janus" in proc.stdout
    assert "examples/placeholder skipped" in proc.stdout


def test_e2e_table_and_png(e2e):
    proc, _, out = e2e
    row = next(l for l in proc.stdout.splitlines() if l.startswith("programs/prog "))
    assert row.split()[:7] == ["programs/prog", "cpython", "11", "90.91", "10", "12", "1.000"]
    assert row.split()[7:10] == ["-", "1", "st/40"]
    janus_row = next(l for l in proc.stdout.splitlines() if l.split()[:1] == ["janus"])
    assert janus_row.split()[1:7] == ["22", "45.45", "20", "24", "2.000", "2.00-2.00"]
    with open(out / "chart.png", "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
    width, height = struct.unpack(">II", head[16:24])
    assert width > 100 and height > 100


def test_gpu_mode_without_a_device_skips():
    from janus_bench import cuda
    if cuda.cuda_device_present():
        pytest.skip("this machine has a CUDA device")
    proc = subprocess.run([BENCH_RUN, "--device", "cuda"], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 1  # nothing measured is not a success
    assert proc.stdout.strip() == cuda.NO_DEVICE
    assert "no CUDA device" in cuda.NO_DEVICE


def test_bad_flags_are_reported():
    proc = subprocess.run([BENCH_RUN, "--suites", "games"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "unknown suite 'games'" in proc.stderr


def test_list_shows_configurations_and_benchmarks(tmp_path, janus_python):
    (tmp_path / "prog.py").write_text(STANDIN)
    proc = subprocess.run([BENCH_RUN, "--list", "--suites", "programs", "--quick",
                           "--programs", str(tmp_path), "--janus", janus_python],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("programs: cpython, janus-t0")
    assert any(l.split()[:3] == ["janus-t0", "JANUS_VM=all", "JANUS_JIT=off"]
               for l in lines)
    assert lines[-1] == "programs/prog: --steps 8 --quick"


def test_crash_by_signal_is_named(tmp_path, janus_python):
    (tmp_path / "segv.py").write_text("import os, signal\nprint('step 0 time_ms 1.0', flush=True)\n"
                                      "os.kill(os.getpid(), signal.SIGSEGV)\n")
    out = tmp_path / "out"
    proc = subprocess.run([BENCH_RUN, "--suites", "programs", "--rounds", "1", "--programs",
                           str(tmp_path), "--janus", janus_python, "--out", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    with open(out / "results.json") as f:
        cfg = json.load(f)["benchmarks"][0]["configs"][0]
    assert cfg["summary"]["reason"] == "crashed: signal 11 (SIGSEGV)"
    assert cfg["runs"][0]["times_ms"] == [1.0]   # what it printed before dying is kept


def test_missing_janus_python_is_reported(tmp_path):
    (tmp_path / "prog.py").write_text(STANDIN)
    proc = subprocess.run([BENCH_RUN, "--suites", "programs", "--programs", str(tmp_path),
                           "--janus", str(tmp_path / "nowhere" / "janus-python")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "janus-python not found at" in proc.stderr and "scripts/build" in proc.stderr


def test_discover_skips_helpers_and_filters(tmp_path):
    from janus_bench import discover
    for name in ("b.py", "a.py", "_common.py", "notes.txt"):
        (tmp_path / name).write_text("")
    found = discover.discover({"examples": str(tmp_path)}, quick=False)
    assert [b.id for b in found] == ["examples/a", "examples/b"]
    assert found[0].args == ("--steps", "30", "--seed", "0")
    quick = discover.discover({"programs": str(tmp_path)}, quick=True, steps=5, only={"b"})
    assert [(b.id, b.args) for b in quick] == [("programs/b", ("--steps", "5", "--quick"))]


def test_gpu_mode_runs_every_configuration_on_cuda(tmp_path, janus_python):
    from janus_bench import configs
    options = os.path.join(SOURCE, "common", "options.def")
    cuda_configs = configs.suite_configs(options, "examples", "cuda")
    assert [c.name for c in cuda_configs[:2]] == ["torch-eager", "torch-compile"]
    assert "reduce-overhead" in cuda_configs[1].args
    for c in cuda_configs:  # nothing in GPU mode may run on the CPU
        assert c.args[c.args.index("--device") + 1] == "cuda", c
    assert [c.name for c in cuda_configs[2:]] == [c.name for c in configs.suite_configs(options, "examples")[2:]]
    proc = subprocess.run([BENCH_RUN, "--list", "--device", "cuda", "--quick", "--janus", janus_python],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0].startswith("examples: torch-eager, torch-compile, janus")
    assert "programs" not in proc.stdout  # pure-Python programs have no device


def test_no_nvidia_smi_means_no_device(monkeypatch):
    from janus_bench import cuda
    monkeypatch.setattr(cuda.shutil, "which", lambda name: None)
    assert cuda.cuda_device_present() is False
