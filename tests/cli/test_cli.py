"""janus-python must be indistinguishable from python3.11 on the command line: the same
output, the same errors and tracebacks, the same exit codes. CPython is the oracle."""
import pytest

SCRIPT_RAISES = """\
def inner(x):
    return {}[x]

def outer():
    return inner("missing")

print("before")
outer()
"""

SCRIPT_SYNTAX_ERROR = "def f(:\n    pass\n"


def same(janus_proc, cpython_proc):
    assert janus_proc.returncode == cpython_proc.returncode, (janus_proc.stderr, cpython_proc.stderr)
    assert janus_proc.stdout == cpython_proc.stdout
    assert janus_proc.stderr == cpython_proc.stderr


@pytest.mark.parametrize("args, stdin", [
    (["-c", "import sys; print(sys.version); print(sys.version_info)"], None),
    (["-m", "json.tool"], '{"b": [1, 2.5, null], "a": "x"}'),
    (["-"], "print(1)\n"),
    (["-c", "raise SystemExit(3)"], None),
    (["-c", "import sys; sys.exit('bye')"], None),
    (["-c", "import sys; print(sys.argv)", "a", "--b", "-c"], None),
    (["-O", "-c", "assert False; print('asserts off', __debug__)"], None),
    (["-OO", "-c", "def f():\n 'doc'\nprint(f.__doc__)"], None),
    (["-W", "error", "-c", "import warnings; warnings.warn('careful')"], None),
    (["-X", "dev", "-c", "import sys; print(sys.flags.dev_mode)"], None),
    (["-E", "-c", "import sys; print(sys.flags.ignore_environment)"], None),
    (["-I", "-c", "import sys; print(sys.flags.isolated, sys.path[0] != '')"], None),
    (["-u", "-c", "import sys; print(sys.stdout.write_through)"], None),
    (["-B", "-c", "import sys; print(sys.dont_write_bytecode)"], None),
    (["-i", "-c", "x = 2"], "print(x * 21)\n"),
    (["-q", "-i"], "print('interactive')\n"),
    (["--version"], None),
    (["-V", "-V"], None),
    (["--bogus-option"], None),
    (["-X"], None),
    (["-m"], None),
    (["-m", "no_such_module_here"], None),
    (["/nonexistent/script.py"], None),
    (["-c", "import os; os._exit(7)"], None),
    (["-c", "1/0"], None),
    (["-c", "import sys; print(sys.flags.optimize, sys.flags.verbose)"], None),
])
def test_command_line_matches_cpython(janus, cpython, args, stdin):
    same(janus(*args, stdin=stdin), cpython(*args, stdin=stdin))


def test_script_that_raises(janus, cpython, tmp_path):
    script = tmp_path / "raises.py"
    script.write_text(SCRIPT_RAISES)
    j, c = janus(str(script)), cpython(str(script))
    assert c.returncode == 1 and "KeyError: 'missing'" in c.stderr
    same(j, c)


def test_syntax_error(janus, cpython, tmp_path):
    script = tmp_path / "bad.py"
    script.write_text(SCRIPT_SYNTAX_ERROR)
    same(janus(str(script)), cpython(str(script)))


def test_unrunnable_scripts(janus, cpython, tmp_path):
    # A folder without __main__.py, and a file that is not UTF-8 and declares no encoding.
    folder = tmp_path / "folder"
    folder.mkdir()
    latin = tmp_path / "latin.py"
    latin.write_bytes(b"print('caf\xe9')\n")
    for target in (folder, latin):
        j, c = janus(str(target)), cpython(str(target))
        assert c.returncode != 0
        same(j, c)


def test_run_module_and_package_main(janus, cpython, tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "__main__.py").write_text("import sys\nprint('main of', __package__, sys.argv[1:])\n")
    same(janus("-m", "pkg", "x", cwd=tmp_path), cpython("-m", "pkg", "x", cwd=tmp_path))


def test_sys_executable_is_janus(janus):
    proc = janus("-c", "import sys; print(sys.executable)")
    assert proc.returncode == 0
    assert proc.stdout.strip() == "<python>"


def test_subprocess_reruns_janus(janus):
    code = ("import subprocess, sys\n"
            "out = subprocess.run([sys.executable, '-c', 'import _janus_hook; print(_janus_hook.installed())'],"
            " capture_output=True, text=True)\n"
            "print(out.returncode, out.stdout.strip())\n")
    proc = janus("-c", code)
    assert proc.stdout.strip() == "0 True", proc.stderr


def test_regrtest_grammar(janus, cpython):
    j, c = janus("-m", "test", "test_grammar"), cpython("-m", "test", "test_grammar")
    assert c.returncode == 0
    assert j.returncode == 0, j.stdout + j.stderr
    assert "Tests result: SUCCESS" in j.stdout


@pytest.mark.parametrize("var, value", [
    ("JANUS_VM", "sometimes"),
    ("JANUS_JIT", "maybe"),
    ("JANUS_LOG", "tiers,everything"),
    ("JANUS_TORCH", "fake"),
])
def test_bad_janus_variable_is_one_line_exit_2(janus, var, value):
    proc = janus("-c", "print('ran')", env={var: value})
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert f"{var}={value}" in lines[0] and "allowed" in lines[0] or "list of" in lines[0]


def test_bad_janus_xoption_is_exit_2(janus):
    proc = janus("-X", "janus-vm=sometimes", "-c", "print('ran')")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "JANUS_VM=sometimes" in proc.stderr
    proc = janus("-X", "janus-nonsense", "-c", "print('ran')")
    assert proc.returncode == 2 and "janus-nonsense" in proc.stderr


def test_other_xoptions_pass_through(janus, cpython):
    args = ["-X", "custom=value", "-X", "myflag", "-c", "import sys; print(sorted(sys._xoptions.items()))"]
    same(janus(*args), cpython(*args))
