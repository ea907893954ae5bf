"""The OSR entry points of tier 0, driven through the `_janus_vm` probe module:
resume_at() continues a function from an arbitrary instruction with given locals and value
stack (where the JIT's OSR exits land), and the loop hook fires at hot back-edges (where OSR
entry will start). Results are checked against CPython running the whole function."""
import json
import os
import subprocess
import textwrap

import pytest

CPYTHON = "/usr/bin/python3.11"
JANUS = os.environ.get("JANUS_PYTHON", "")

FUNCTIONS = textwrap.dedent("""
    import dis

    def f(a, b):
        x = a * 2
        y = x + b
        z = y * y
        return z - a

    def g(n):
        total = 0
        for i in range(n):
            total += i * i
        return total

    def h(d, k):
        try:
            v = d[k]
        except KeyError:
            v = -1
        return v

    def first_offset_of_line(func, line):
        return next(i.offset for i in dis.get_instructions(func)
                    if i.starts_line == func.__code__.co_firstlineno + line)

    def offset_of(func, opname, nth=0):
        return [i.offset for i in dis.get_instructions(func) if i.opname == opname][nth]
""")


def run(exe, code, **env):
    full = {k: v for k, v in os.environ.items() if not k.startswith("JANUS_")}
    full.update(env)
    proc = subprocess.run([exe, "-c", code], capture_output=True, text=True, env=full,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def janus():
    if not JANUS or not os.path.exists(JANUS):
        pytest.fail("JANUS_PYTHON must name the built janus-python")
    return JANUS


def test_resume_matches_full_run(janus):
    oracle = run(CPYTHON, FUNCTIONS + "print(json.dumps([f(3, 4), f(3, 4), g(5), h({}, 'x'), h({'x': 7}, 'x')]))"
                 .replace("print(", "import json\nprint(", 1))
    resumed = run(janus, FUNCTIONS + textwrap.dedent("""
        import json
        from _janus_vm import resume_at
        results = [
            # At the start of `y = x + b`, with x already computed.
            resume_at(f, first_offset_of_line(f, 2), {'a': 3, 'b': 4, 'x': 6}, []),
            # At the addition itself, its operands on the value stack.
            resume_at(f, offset_of(f, 'BINARY_OP', 1), {'a': 3, 'b': 4}, [6, 4]),
            # Mid-loop: after two iterations, the loop's iterator on the stack.
            resume_at(g, first_offset_of_line(g, 3), {'n': 5, 'total': 1, 'i': 2},
                      [iter(range(3, 5))]),
            # Inside a try block: the exception table still finds the handler.
            resume_at(h, first_offset_of_line(h, 2), {'d': {}, 'k': 'x'}, []),
            resume_at(h, first_offset_of_line(h, 2), {'d': {'x': 7}, 'k': 'x'}, []),
        ]
        print(json.dumps(results))
    """), JANUS_VM="all")
    assert resumed == oracle
    assert json.loads(resumed) == [97, 97, 30, -1, 7]


def test_resume_rejects_bad_offsets(janus):
    out = run(janus, FUNCTIONS + textwrap.dedent("""
        from _janus_vm import resume_at
        for offset in (10**6, -2, 3):
            try:
                resume_at(f, offset, {}, [])
            except ValueError as e:
                print(type(e).__name__)
    """), JANUS_VM="all")
    assert out == "ValueError\n" * 3


def test_resume_propagates_exceptions_with_traceback(janus):
    out = run(janus, FUNCTIONS + textwrap.dedent("""
        import traceback
        from _janus_vm import resume_at
        try:
            resume_at(f, first_offset_of_line(f, 2), {'a': 3, 'b': 'no', 'x': 6}, [])
        except TypeError as e:
            print(e)
            print(traceback.extract_tb(e.__traceback__)[-1].lineno - f.__code__.co_firstlineno)
    """), JANUS_VM="all")
    assert out == "unsupported operand type(s) for +: 'int' and 'str'\n2\n"


def test_loop_hook_fires_at_hot_back_edges(janus):
    out = run(janus, FUNCTIONS + textwrap.dedent("""
        import _janus_vm
        seen = []
        _janus_vm.set_loop_callback(lambda code, offset, line: seen.append((code.co_name, offset, line)))
        g(35)
        _janus_vm.set_loop_callback(None)
        g(35)
        head = offset_of(g, 'FOR_ITER')
        print(seen == [('g', head, g.__code__.co_firstlineno + 2)] * 3)
    """), JANUS_VM="all", JANUS_HOT_LOOP="10")
    assert out == "True\n"
