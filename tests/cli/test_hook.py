"""The PEP 523 hook is installed in janus-python and its frame policy picks the frames
JANUS_VM names; tracing and profiling always see CPython's evaluator."""
import json
import textwrap

import pytest

PROBE = textwrap.dedent("""
    import json, sys, _janus_hook as hook
    def user_function(x):
        return x + 1
    for i in range(5):
        user_function(i)
    json.dumps([1])
    print(json.dumps({
        "installed": hook.installed(),
        "policy": hook.policy(),
        "user": hook.selects(user_function),
        "stdlib": hook.selects(json.dumps),
        "entries": hook.entries(user_function),
    }))
""")


def probe(janus, tmp_path, **env):
    script = tmp_path / "probe.py"
    script.write_text(PROBE)
    proc = janus(str(script), env=env)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_default_policy_selects_user_code_only(janus, tmp_path):
    result = probe(janus, tmp_path)
    assert result == {"installed": True, "policy": "default", "user": True, "stdlib": False,
                      "entries": 5}


@pytest.mark.parametrize("policy, user, stdlib", [("all", True, True), ("none", False, False)])
def test_policy_from_environment(janus, tmp_path, policy, user, stdlib):
    result = probe(janus, tmp_path, JANUS_VM=policy)
    assert (result["policy"], result["user"], result["stdlib"]) == (policy, user, stdlib)
    assert result["entries"] == 5  # the hook sees every frame whatever the policy


def test_tracing_passes_through_and_matches_cpython(janus, cpython):
    code = textwrap.dedent("""
        import sys
        events = []
        def tracer(frame, event, arg):
            if frame.f_code.co_name == 'work':
                events.append((event, frame.f_lineno))
            return tracer
        def work(n):
            total = 0
            for i in range(n):
                total += i
            return total
        sys.settrace(tracer)
        work(3)
        sys.settrace(None)
        print(events)
    """)
    j, c = janus("-c", code), cpython("-c", code)
    assert j.returncode == c.returncode == 0, j.stderr
    assert j.stdout == c.stdout
    stats = janus("-c", code + "import _janus_hook; print(_janus_hook.stats()['frames_traced'] > 0)")
    assert stats.stdout.strip().endswith("True")
