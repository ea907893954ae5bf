"""Site profiles: JANUS_PROFILE_DUMP writes JSON lines with file and line for every site
that ran: observed operand types at binary ops, receivers at attribute sites, call targets,
branch directions, loop back-edge counts and hotness. The expected counts come from running
the same program in CPython with the calls instrumented in Python (the oracle)."""
import collections
import json
import os
import subprocess
import textwrap

import pytest

JANUS = os.environ.get("JANUS_PYTHON", "")

PROGRAM = textwrap.dedent("""\
    class Box:
        def __init__(self, v):
            self.v = v

    def add(a, b):
        return a + b

    def work(n):
        t = 0
        for i in range(n):
            if i % 3 == 0:
                t = add(t, i)
            else:
                t = add(t, Box(0.5).v)
        return t

    work(300)
""")


@pytest.fixture(scope="module")
def dump(tmp_path_factory):
    if not JANUS or not os.path.exists(JANUS):
        pytest.fail("JANUS_PYTHON must name the built janus-python")
    folder = tmp_path_factory.mktemp("profiles")
    program = folder / "prog.py"
    program.write_text(PROGRAM)
    path = folder / "profile.jsonl"
    env = {k: v for k, v in os.environ.items() if not k.startswith("JANUS_")}
    # Tier 0's own counts: iterations run by a tier-1 trace are not profiled, so the JIT is off.
    env.update(JANUS_PROFILE_DUMP=str(path), JANUS_HOT_CALL="100", JANUS_HOT_LOOP="50",
               JANUS_JIT="off")
    proc = subprocess.run([JANUS, str(program)], capture_output=True, text=True, env=env,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in path.read_text().splitlines()]
    return str(program), records


def oracle_add_types():
    """Runs PROGRAM in this CPython with `add` instrumented: the (left, right) type pairs."""
    ns = {}
    exec(compile(PROGRAM.replace("work(300)\n", ""), "prog", "exec"), ns)
    seen = collections.Counter()
    real_add = ns["add"]

    def add(a, b):
        seen[(type(a).__name__, type(b).__name__)] += 1
        return real_add(a, b)

    ns["add"] = add
    ns["work"](300)
    return seen


def sites(records, program, function, kind):
    return [r for r in records if r["file"] == program and r["function"] == function
            and r["kind"] == kind]


def test_functions_and_hotness(dump):
    program, records = dump
    functions = {r["function"]: r for r in records if r["file"] == program and r["kind"] == "function"}
    assert functions["add"]["calls"] == 300 and functions["add"]["hot"] is True
    assert functions["work"]["calls"] == 1 and functions["work"]["hot"] is False
    assert functions["add"]["line"] == 5 and functions["work"]["line"] == 8


def test_binary_op_types_match_oracle(dump):
    program, records = dump
    (site,) = sites(records, program, "add", "binary_op")
    assert site["line"] == 6
    seen = oracle_add_types()
    left = collections.Counter()
    right = collections.Counter()
    for (l, r), n in seen.items():
        left[l] += n
        right[r] += n
    assert site["left"]["types"] == dict(left)
    assert site["right"]["types"] == dict(right)
    assert site["count"] == sum(seen.values())


def test_branch_and_loop_counts(dump):
    program, records = dump
    branches = [s for s in sites(records, program, "work", "branch") if s["line"] == 11]
    assert len(branches) == 1
    # `if i % 3 == 0` jumps to the else branch when the test is false.
    assert (branches[0]["taken"], branches[0]["not_taken"]) == (200, 100)
    # 3.11 compiles one back-edge per branch of the if: together they ran once per iteration.
    loops = sites(records, program, "work", "loop")
    assert sorted((s["line"], s["count"]) for s in loops) == [(12, 100), (14, 200)]
    assert {s["head_line"] for s in loops} == {10}  # both jump to the `for` line
    assert all(s["hot"] for s in loops)


def test_attribute_and_call_sites(dump):
    program, records = dump
    attributes = [s for s in sites(records, program, "work", "attribute") if s["line"] == 14]
    assert attributes and attributes[0]["receiver"]["types"] == {"Box": 200}
    calls = sorted((s["line"], s["targets"], s["count"])
                   for s in sites(records, program, "work", "call"))
    assert calls == [(10, ["range"], 1), (12, ["add"], 100), (14, ["Box"], 200),
                     (14, ["add"], 200)]


def test_hot_function_and_loop_are_logged(tmp_path):
    program = tmp_path / "hot.py"
    program.write_text("def f(x):\n    return x\n\nfor i in range(120):\n    f(i)\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("JANUS_")}
    env.update(JANUS_LOG="profiles", JANUS_HOT_CALL="3")
    # The -X form wins over the environment (docs/options.md).
    proc = subprocess.run([JANUS, "-X", "janus-hot-loop=50", str(program)], capture_output=True,
                          text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == [
        f"janus[profiles]: hot function f ({program}:1) after 3 calls",
        f"janus[profiles]: hot loop in <module> ({program}:4) after 50 iterations",
    ]


POLYMORPHIC = textwrap.dedent("""\
    class A:
        pass
    class B(A):
        pass
    class C(A):
        pass
    class D(A):
        pass
    class E(A):
        pass

    def touch(o):
        return o.__class__

    def run(pattern):
        for o in pattern:
            touch(o)

    kinds = [A, B, C, D, E]
    # Runs of one type, alternation, a type coming back after others, and a fifth type
    # (beyond the four slots: counted as other).
    pattern = [A()] * 7 + [B(), A()] * 5 + [C()] * 4 + [A(), D(), B()] * 3 + [E(), E(), C()]
    run(pattern)
""")


def test_polymorphic_and_megamorphic_counts_match_oracle(tmp_path):
    """A site that sees types in runs, alternating and beyond its four slots: each type's
    count (first four types seen) and `other` equal what Python counts itself."""
    program = tmp_path / "poly.py"
    program.write_text(POLYMORPHIC)
    path = tmp_path / "profile.jsonl"
    env = {k: v for k, v in os.environ.items() if not k.startswith("JANUS_")}
    env.update(JANUS_PROFILE_DUMP=str(path), JANUS_JIT="off")
    proc = subprocess.run([JANUS, str(program)], capture_output=True, text=True, env=env,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in path.read_text().splitlines()]
    (site,) = sites(records, str(program), "touch", "attribute")
    ns = {}
    exec(compile(POLYMORPHIC.replace("run(pattern)\n", ""), "poly", "exec"), ns)
    names = [type(o).__name__ for o in ns["pattern"]]
    first_four = list(dict.fromkeys(names))[:4]
    expected = {n: names.count(n) for n in first_four}
    assert site["receiver"]["types"] == expected
    assert site["receiver"]["other"] == len(names) - sum(expected.values())
    assert site["count"] == len(names)
    # The call site in run() sees one target: its callable type count is the site count.
    (call,) = [s for s in sites(records, str(program), "run", "call")]
    assert call["callable"]["types"] == {"function": len(names)}
    assert call["targets"] == ["touch"]
