"""Language-level tests: every program in tests/lang/ runs under janus-python with
JANUS_VM=all (every frame, stdlib included, evaluated by tier 0) and under
/usr/bin/python3.11. The oracle is CPython's actual output: janus-python must print exactly
the same, and the program's `# expect:` lines must match it too (so they document real
CPython behaviour, not what Janus happens to do)."""
import os
import pathlib
import subprocess

import pytest

HERE = pathlib.Path(__file__).resolve().parent
CPYTHON = "/usr/bin/python3.11"
JANUS = os.environ.get("JANUS_PYTHON", "")
PROGRAMS = sorted(p for p in HERE.glob("*.py") if not p.name.startswith("test_"))


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("JANUS_") and not k.startswith("PYTHON")}
    env.update(extra)
    return env


def run(exe, program, **env):
    return subprocess.run([exe, str(program)], capture_output=True, text=True,
                          env=clean_env(**env), cwd=str(HERE), timeout=120)


def expected_lines(program):
    marker = "# expect: "
    return [line.split(marker, 1)[1].rstrip("\n")
            for line in program.read_text().splitlines() if marker in line]


@pytest.fixture(scope="module")
def janus():
    if not JANUS or not os.path.exists(JANUS):
        pytest.fail("JANUS_PYTHON must name the built janus-python")
    return JANUS


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.stem)
def test_program_matches_cpython(janus, program):
    oracle = run(CPYTHON, program)
    assert oracle.returncode == 0, oracle.stderr
    assert oracle.stdout.splitlines() == expected_lines(program), \
        "the # expect: lines disagree with CPython's own output"
    got = run(janus, program, JANUS_VM="all", JANUS_LOG="vm")
    assert got.stdout == oracle.stdout
    assert got.returncode == oracle.returncode
    # Tier 0 must have run every frame itself: no code object was handed back to CPython.
    assert "janus[vm]" not in got.stderr, got.stderr


def test_unknown_opcode_falls_back_to_cpython_once(janus, tmp_path):
    """Bytecode the VM does not implement is evaluated by CPython (same result, here
    CPython's own SystemError) and logged once naming the opcode."""
    program = tmp_path / "bad_opcode.py"
    program.write_text(
        "import opcode\n"
        "# The first number neither a base opcode nor one of the specialized forms, which\n"
        "# take the free numbers in order (CPython's generate_opcode_h.py).\n"
        "used = set(opcode.opmap.values())\n"
        "free = [op for op in range(1, 256) if op not in used]\n"
        "bad = free[len(opcode._specialized_instructions)]\n"
        "def f():\n"
        "    return 1\n"
        "code = f.__code__\n"
        "raw = bytearray(code.co_code)\n"
        "raw[2] = bad\n"  # the instruction after RESUME
        "f.__code__ = code.replace(co_code=bytes(raw))\n"
        "for _ in range(2):\n"
        "    try:\n"
        "        f()\n"
        "    except SystemError as e:\n"
        "        print(type(e).__name__, e)\n")
    oracle = run(CPYTHON, program)
    got = run(janus, program, JANUS_VM="all", JANUS_LOG="vm")
    assert oracle.stdout == "SystemError unknown opcode\n" * 2
    assert got.stdout == oracle.stdout
    logged = [line for line in got.stderr.splitlines() if line.startswith("janus[vm]")]
    assert len(logged) == 1, got.stderr
    assert "not implemented in f " in logged[0] and "CPython evaluates it" in logged[0]


def test_vm_evaluates_selected_frames(janus, tmp_path):
    program = tmp_path / "probe.py"
    program.write_text(
        "import _janus_vm, json\n"
        "def f():\n"
        "    return 1\n"
        "before = _janus_vm.stats()['frames']\n"
        "f(); json.dumps([1])\n"
        "print(_janus_vm.handles(f), _janus_vm.stats()['frames'] - before >= 2)\n")
    assert run(janus, program, JANUS_VM="all").stdout == "True True\n"
    # JANUS_VM=none: the hook passes every frame to CPython; the VM sees none of them.
    program.write_text(
        "import _janus_vm\n"
        "def f():\n"
        "    return 1\n"
        "f()\n"
        "print(_janus_vm.stats()['frames'])\n")
    assert run(janus, program, JANUS_VM="none").stdout == "0\n"


def test_calls_run_inline_and_still_count_as_hook_entries(janus, tmp_path):
    """Python-to-Python calls run inside the caller's loop (no C recursion through the
    hook), yet the hook's per-code entry count is the number of calls the program made."""
    program = tmp_path / "probe.py"
    program.write_text(
        "import _janus_vm, _janus_hook\n"
        "calls = 0\n"
        "def fib(n):\n"
        "    global calls\n"
        "    calls += 1\n"
        "    return n if n < 2 else fib(n - 1) + fib(n - 2)\n"
        "before = _janus_vm.stats()['inlined']\n"
        "fib(15)\n"
        "print(calls, _janus_hook.entries(fib) == calls,\n"
        "      _janus_vm.stats()['inlined'] - before == calls)\n")
    assert run(janus, program, JANUS_VM="all").stdout == "1973 True True\n"
    assert run(janus, program).stdout == "1973 True True\n"  # default policy: user code
