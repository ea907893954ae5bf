"""Each example trains under Debian's torch (the oracle) and under janus-python from the
same initial weights (--save-init / --init) and must print the same per-step losses:
relative difference below 1e-4 in float32, 1e-10 in float64. Losses are printed with 10
significant digits ({:.10g}), so a difference of one unit in the last printed digit is
also accepted (for float64 that unit, not the arithmetic, is the limit)."""
import math
import os
import re
import subprocess

import pytest

CPYTHON = "/usr/bin/python3.11"
JANUS = os.environ.get("JANUS_PYTHON", "")
SOURCE = os.environ.get("JANUS_SOURCE_DIR",
                        os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
EXAMPLES = os.path.join(SOURCE, "examples")
STEP_LINE = re.compile(r"^step (\d+) loss (\S+) time_ms (\d+\.\d{4})$")

# example, steps, relative tolerance (float64 examples get 1e-10)
CASES = [
    ("regression.py", 30, 1e-4),
    ("mlp.py", 30, 1e-4),
    ("char_lstm.py", 8, 1e-4),
    ("tree_lstm.py", 8, 1e-4),
    ("sine_lbfgs.py", 3, 1e-10),
]


# janus-python configurations each example must match torch under: the default, and every
# frame (stdlib included) on the tier-0 interpreter with the JIT off.
JANUS_CONFIGS = {"default": {}, "vm-all-jit-off": {"JANUS_VM": "all", "JANUS_JIT": "off"}}


def run(exe, script, *args, janus_env=None):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("JANUS_") and not k.startswith("PYTHON")}
    env.update(janus_env or {})
    proc = subprocess.run([exe, os.path.join(EXAMPLES, script), *args], capture_output=True,
                          text=True, env=env, timeout=300)
    return proc


def losses(proc):
    """The per-step losses; every stdout line must follow the convention."""
    assert proc.returncode == 0, proc.stderr[-3000:]
    values = []
    for line in proc.stdout.splitlines():
        if line.startswith("# "):
            continue
        m = STEP_LINE.match(line)
        assert m, f"line breaks the example convention: {line!r}"
        assert int(m.group(1)) == len(values)
        values.append(float(m.group(2)))
    return values


@pytest.fixture(scope="module")
def janus_python():
    if not JANUS or not os.path.exists(JANUS):
        pytest.fail("JANUS_PYTHON must name the built janus-python")
    return JANUS


@pytest.fixture(scope="module")
def torch_reference(tmp_path_factory):
    """Per example: torch's losses and the initial weights it saved (computed once)."""
    cache = {}

    def get(script, steps):
        if script not in cache:
            init = str(tmp_path_factory.mktemp("init") / "init.pt")
            ref = losses(run(CPYTHON, script, "--steps", str(steps), "--seed", "1",
                             "--save-init", init))
            cache[script] = (ref, init)
        return cache[script]
    return get


@pytest.mark.parametrize("config", sorted(JANUS_CONFIGS))
@pytest.mark.parametrize("script,steps,rtol", CASES)
def test_losses_match_torch(torch_reference, janus_python, script, steps, rtol, config):
    ref, init = torch_reference(script, steps)
    got = losses(run(janus_python, script, "--steps", str(steps), "--seed", "1",
                     "--init", init, janus_env=JANUS_CONFIGS[config]))
    assert len(ref) == len(got) == steps
    for i, (a, b) in enumerate(zip(ref, got)):
        assert abs(a - b) <= max(rtol * abs(a), printed_unit(a)), \
            f"step {i}: torch {a!r} janus {b!r}"


def printed_unit(value):
    """One unit in the 10th significant digit of value, the resolution of {:.10g}."""
    if value == 0 or not math.isfinite(value):
        return 0.0
    return 10.0 ** (math.floor(math.log10(abs(value))) - 9)


def test_torch_reference_runs_from_its_own_init(tmp_path):
    """--init reproduces --save-init's run exactly under torch (the protocol is sound)."""
    init = str(tmp_path / "init.pt")
    first = losses(run(CPYTHON, "mlp.py", "--steps", "5", "--save-init", init))
    second = losses(run(CPYTHON, "mlp.py", "--steps", "5", "--init", init))
    assert first == second


def test_torchscript_flag_under_janus_exits_3(janus_python):
    proc = run(janus_python, "mlp.py", "--steps", "2", "--torchscript")
    assert proc.returncode == 3, proc.stderr[-2000:]
    assert proc.stdout.startswith("# torchscript unsupported: ")


def test_tree_lstm_torchscript_unsupported_under_torch():
    proc = run(CPYTHON, "tree_lstm.py", "--steps", "1", "--torchscript")
    assert proc.returncode == 3
    assert proc.stdout.startswith("# torchscript unsupported: ")

