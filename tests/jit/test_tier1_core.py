"""Tier 1 really runs, and changes nothing: each program runs under /usr/bin/python3.11
(the oracle), under janus-python with the JIT off, and with tier 1 forced (every frame on
the VM, loops hot after one back-edge), with and without forced deopts. Output, tracebacks
and exit status must match, and `_janus_jit.stats()` (written to a file at exit) must show
that traces compiled, ran and exited the way the test means them to."""
import json
import os
import re
import subprocess
import textwrap

import pytest

CPYTHON = "/usr/bin/python3.11"
JANUS = os.environ.get("JANUS_PYTHON", "")
TIER1 = {"JANUS_VM": "all", "JANUS_HOT_LOOP": "1", "JANUS_JIT_COMPILE_AFTER": "0"}
FORCED = dict(TIER1, JANUS_JIT_FORCE_DEOPT="3")

pytestmark = pytest.mark.skipif(not JANUS, reason="JANUS_PYTHON is not set")

# Prepended to every program (same lines under every interpreter): dumps tier 1's counters
# at exit when asked to.
PREAMBLE = """\
import atexit as _atexit, os as _os
def _dump_jit_stats():
    path = _os.environ.get("TIER1_STATS")
    if path:
        import _janus_jit, json
        with open(path, "w") as f:
            json.dump(_janus_jit.stats(), f)
_atexit.register(_dump_jit_stats)
"""


def run(exe, program, tmp_path, env=None, stats=False):
    path = tmp_path / "prog.py"
    path.write_text(PREAMBLE + textwrap.dedent(program))
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("JANUS_", "PYTHON"))}
    clean.update(env or {})
    stats_path = tmp_path / "stats.json"
    if stats:
        clean["TIER1_STATS"] = str(stats_path)
    proc = subprocess.run([exe, str(path)], capture_output=True, text=True, env=clean,
                          timeout=120, cwd=tmp_path)
    counters = json.loads(stats_path.read_text()) if stats else None
    return proc, counters


def without_log(stderr):
    return "".join(l for l in stderr.splitlines(True) if not l.startswith("janus: "))


def check_same(program, tmp_path, log=""):
    """Runs the program everywhere; returns (tier-1 process, its counters)."""
    oracle, _ = run(CPYTHON, program, tmp_path)
    off, _ = run(JANUS, program, tmp_path, {"JANUS_JIT": "off"})
    assert (off.returncode, off.stdout, off.stderr) == \
        (oracle.returncode, oracle.stdout, oracle.stderr)
    env = dict(TIER1, JANUS_LOG=log) if log else TIER1
    tier1, counters = run(JANUS, program, tmp_path, env, stats=True)
    assert tier1.returncode == oracle.returncode, tier1.stderr
    assert tier1.stdout == oracle.stdout
    assert without_log(tier1.stderr) == oracle.stderr
    forced, _ = run(JANUS, program, tmp_path, FORCED)
    assert (forced.returncode, forced.stdout, forced.stderr) == \
        (oracle.returncode, oracle.stdout, oracle.stderr)
    return tier1, counters


def loop_ir(program, tmp_path, function):
    """The IR dump (JANUS_JIT_DUMP=1) of `function`'s loop trace and what follows it."""
    tier1, _ = run(JANUS, program, tmp_path, dict(TIER1, JANUS_LOG="traces", JANUS_JIT_DUMP="1"))
    dump = tier1.stderr
    assert f"compiled loop at {function}" in dump, dump
    return dump[dump.index(f"compiled loop at {function}"):]


def line_of(program, needle):
    lines = (PREAMBLE + textwrap.dedent(program)).splitlines()
    return next(i + 1 for i, l in enumerate(lines) if needle in l)


def test_hot_loop_compiles_runs_and_logs(tmp_path):
    program = """
        def squares(n):
            total = 0
            for i in range(n):
                total += i * i
            return total
        print(squares(10000))
    """
    tier1, counters = check_same(program, tmp_path, log="tiers,traces")
    assert counters["traces_compiled"] >= 1
    assert counters["iterations"] >= 9000  # the loop ran in the trace, not in tier 0
    line = line_of(program, "for i in range(n)")
    where = re.escape("squares (%s:%d)" % (tmp_path / "prog.py", line))
    assert re.search(r"^janus: traces: compiled loop at %s: \d+ ops, \d+ guards" % where,
                     tier1.stderr, re.M), tier1.stderr
    assert re.search(r"^janus: tiers: loop at %s entered tier 1$" % where, tier1.stderr, re.M)


def test_deopt_on_type_change_lands_with_exact_locals(tmp_path):
    program = """
        def accumulate(values):
            acc = 0
            seen = set()
            for k, v in enumerate(values):
                acc = acc + v
                kind = type(acc).__name__
                if kind not in seen:
                    seen.add(kind)
                    print(k, kind, sorted((n, repr(sorted(x) if n == "seen" else x)) for n, x in locals().items() if n != "values"))
            return acc, k, v
        print(accumulate([3] * 40 + [2 ** 62, 2 ** 62] + [7] * 30 + [0.25] * 30))
    """
    tier1, counters = check_same(program, tmp_path, log="deopts")
    assert counters["traces_compiled"] >= 1
    assert counters["deopts"] >= 2  # int64 overflow, then the float
    line = line_of(program, "acc = acc + v")
    assert re.search(r"^janus: deopts: guard \w+ failed in accumulate \(%s:%d\) \(@\d+\), "
                     r"exit \d+ taken 1 times$" % (re.escape(str(tmp_path / "prog.py")), line),
                     tier1.stderr, re.M), tier1.stderr


def test_jit_off_runs_no_trace(tmp_path):
    program = """
        total = 0
        for i in range(5000):
            total += i
        print(total)
    """
    proc, counters = run(JANUS, program, tmp_path, {"JANUS_JIT": "off", "JANUS_HOT_LOOP": "1"},
                         stats=True)
    assert proc.returncode == 0 and proc.stdout == "%d\n" % sum(range(5000))
    assert counters["recordings"] == 0 and counters["trace_entries"] == 0
    proc, counters = run(JANUS, program, tmp_path, {"JANUS_HOT_LOOP": "1"}, stats=True)
    assert counters["trace_entries"] >= 1


def test_exception_inside_trace_has_tier0_traceback(tmp_path):
    program = """
        import traceback
        def total(table, keys):
            out = 0
            for i, key in enumerate(keys):
                out += table[key] // (i - 70)
            return out
        table = {n: n * 3 for n in range(100)}
        try:
            total(table, list(range(100)))
        except ZeroDivisionError:
            traceback.print_exc()
        keys = list(range(50)) + ["missing"]
        print(total(table, keys))
    """
    tier1, counters = check_same(program, tmp_path)
    assert tier1.returncode == 1 and "KeyError: 'missing'" in tier1.stderr
    assert counters["raises"] >= 2  # both exceptions left a running trace


def test_globals_class_and_module_attributes_mutated_mid_loop(tmp_path):
    program = """
        import builtins, math
        SCALE = 2
        class Config:
            factor = 3
        class Slots:
            __slots__ = ("x",)
            def get(self):
                return 1
        def rebind():
            global SCALE
            SCALE = 10
        def run(n):
            s = Slots()
            total = 0
            for i in range(n):
                total += SCALE * i + Config.factor + s.get() + len("ab") + int(math.floor(math.pi))
                if i == 40:
                    rebind()
                if i == 60:
                    Config.factor = 100
                if i == 70:
                    Slots.get = lambda self: -5
                if i == 80:
                    builtins.len = lambda x: 1000
                if i == 90:
                    math.pi = 6.5
            return total
        saved = (builtins.len, math.pi)
        try:
            print(run(120))
        finally:
            builtins.len, math.pi = saved
    """
    _, counters = check_same(program, tmp_path)
    assert counters["traces_compiled"] >= 1
    assert counters["deopts"] >= 1


def test_tensors_changing_shape_every_step(tmp_path):
    program = """
        import torch
        def grow(steps):
            x = torch.ones(2)
            shapes = []
            for i in range(steps):
                x = torch.cat([x, x[:1] * 0.5]) if i % 3 == 0 else x * 1.5 + i
                shapes.append(tuple(x.shape))
            return shapes[-1], round(float(x.sum()), 4)
        print(grow(40))
    """
    off, _ = run(JANUS, program, tmp_path, {"JANUS_JIT": "off"})
    assert off.returncode == 0, off.stderr
    for env in (TIER1, FORCED):
        got, counters = run(JANUS, program, tmp_path, env, stats=True)
        assert (got.returncode, got.stdout, got.stderr) == (off.returncode, off.stdout, off.stderr)
    assert counters["trace_entries"] >= 1


# A loop whose trace follows ints while every other item is a str; {other} is the str branch.
LENGTHS = """
    {imports}
    def lengths(items):
        n = 0
        for v in items:
            if type(v) is int:
                n += v
            else:
                {other}
        return n
    print(lengths([1, "ab"] * 3000))
"""


def test_alternating_guard_grows_a_side_trace(tmp_path):
    # The exit to the str branch gets hot and grows a side trace, which then runs the str
    # iterations up to the loop head.
    program = LENGTHS.format(imports="", other="n += len(v)")
    tier1, counters = check_same(program, tmp_path, log="tiers,traces")
    assert counters["side_traces"] >= 1
    assert counters["side_entries"] >= 2000  # most str items ran in the side trace
    line = line_of(program, "for v in items")
    assert not re.search(r"^janus: tiers: loop at lengths .* (blacklisted|back to tier 0)",
                         tier1.stderr, re.M), tier1.stderr
    assert re.search(r"^janus: traces: compiled side trace of loop at lengths \(%s:%d\)" %
                     (re.escape(str(tmp_path / "prog.py")), line), tier1.stderr, re.M), tier1.stderr


def test_guard_failing_every_iteration_gets_blacklisted(tmp_path):
    # The str branch holds an instruction the recorder lacks (`del` of a local,
    # DELETE_FAST): no side trace can grow there, and a trace that exits there on every
    # entry is given up with a reason.
    program = LENGTHS.format(imports="", other="w = v; del w; n += len(v)")
    tier1, counters = check_same(program, tmp_path, log="tiers")
    assert counters["blacklisted"] >= 1
    line = line_of(program, "for v in items")
    assert re.search(r"^janus: tiers: loop at lengths \(%s:%d\) blacklisted after" %
                     (re.escape(str(tmp_path / "prog.py")), line), tier1.stderr, re.M), tier1.stderr


def test_signal_handler_runs_where_tier0_runs_it(tmp_path):
    program = """
        import signal
        ran_at = []
        where = [None]
        signal.signal(signal.SIGUSR1, lambda signum, frame: ran_at.append(where[0]))
        def loop(n):
            for i in range(n):
                where[0] = i
                signal.raise_signal(signal.SIGUSR1)
                where[0] = -i
        loop(200)
        print(ran_at == list(range(200)), ran_at[:5], ran_at[-3:])
    """
    _, counters = check_same(program, tmp_path)
    assert counters["iterations"] >= 150  # the handler ran from inside the trace


def test_keyboard_interrupt_from_raise_signal_inside_trace(tmp_path):
    program = """
        import signal, traceback
        def loop(n):
            signals = [signal.SIGUSR2] * 300 + [signal.SIGINT] * 10
            total = 0
            for i in range(n):
                total += i
                signal.raise_signal(signals[i])
            return total
        signal.signal(signal.SIGUSR2, lambda signum, frame: None)
        try:
            loop(305)
        except KeyboardInterrupt:
            print("interrupted")
            traceback.print_exc()
        loop(400)
    """
    tier1, counters = check_same(program, tmp_path)
    assert tier1.returncode == 130 or tier1.returncode < 0 or "KeyboardInterrupt" in tier1.stderr
    assert counters["raises"] >= 1


def test_settrace_turned_on_by_a_call_inside_a_trace(tmp_path):
    program = """
        import sys
        events = []
        def tracer(frame, event, arg):
            if frame.f_code.co_name == "run":
                events.append((event, frame.f_lineno - run.__code__.co_firstlineno))
            return tracer
        def turn_on():
            sys._getframe(1).f_trace = tracer
            sys.settrace(tracer)
        def nothing():
            pass
        def run(n):
            s = 0
            hooks = [nothing] * 60 + [turn_on] + [nothing] * 10
            for i in range(n):
                hooks[i]()
                s += i
            sys.settrace(None)
            return s
        print(run(66))
        print(events)
    """
    _, counters = check_same(program, tmp_path)
    assert counters["iterations"] >= 40  # the call that turned tracing on ran in the trace


def test_comprehension_called_again_enters_its_trace_at_once(tmp_path):
    # The loop hook's kPollNext: once a loop has a trace, every later call of the code
    # enters it at its first back-edge. With JANUS_HOT_LOOP=50 and 200 calls of 30
    # iterations, tier 0 alone would reach the hook only every 50 back-edges (120 times).
    program = """
        def squares(n):
            return [i * i for i in range(n)]
        total = 0
        for _ in range(200):
            total += sum(squares(30))
        print(total)
    """
    oracle, _ = run(CPYTHON, program, tmp_path)
    tier1, counters = run(JANUS, program, tmp_path, {"JANUS_VM": "all", "JANUS_HOT_LOOP": "50"},
                          stats=True)
    assert (tier1.returncode, tier1.stdout) == (oracle.returncode, oracle.stdout)
    assert counters["trace_entries"] >= 190, counters
    assert counters["iterations"] >= 190 * 28, counters


def test_comprehension_with_a_trace_runs_its_first_iteration_in_it(tmp_path):
    # A `for` loop whose head has a trace enters it on arrival (vm.h LoopEntryHook), not at
    # its first back-edge: with callees' loops never inlined (JANUS_JIT_MAX_UNROLL=0), each
    # of 1000 calls of a 2-iteration comprehension runs both iterations in its trace (plus
    # one of the caller's loop): ~3000 trace iterations; entered at the back-edge, ~2000.
    program = """
        def pairs(n):
            return [i * i for i in range(n)]
        def run():
            total = 0
            for _ in range(1000):
                total += sum(pairs(2))
            return total
        print(run())
    """
    oracle, _ = run(CPYTHON, program, tmp_path)
    env = {"JANUS_VM": "all", "JANUS_HOT_LOOP": "50", "JANUS_JIT_MAX_UNROLL": "0"}
    tier1, counters = run(JANUS, program, tmp_path, env, stats=True)
    assert (tier1.returncode, tier1.stdout) == (oracle.returncode, oracle.stdout)
    assert counters["iterations"] >= 2700, counters


def test_calls_in_the_loop_are_inlined_frames(tmp_path):
    # Python calls (a function, a method, a bound method object, two frames deep) are
    # recorded into the loop's trace with real frames: PUSH_FRAME in the IR, no OBJ_CALL.
    program = """
        def leaf(x, k=3):
            return x * k + 1
        class A:
            def m(self, x):
                return leaf(x) - 1
        def run():
            a = A()
            f = a.m
            t = 0
            for i in range(300):
                t += a.m(i) + f(i) + leaf(i, 2)
            return t
        print(run())
    """
    tier1, counters = check_same(program, tmp_path, log="traces")
    body = loop_ir(program, tmp_path, "run")
    assert body.count("PUSH_FRAME") >= 5, body   # a.m, leaf, f, leaf, leaf
    assert "OBJ_CALL" not in body, body
    assert counters["iterations"] >= 250, counters


def test_builtins_that_run_no_code_keep_deferred_locals_and_need_no_breaker_check(tmp_path):
    # rng.random() and time.perf_counter() are in jit/known_c.def: the inlined frame's float
    # local `x` stays unboxed across them (no FRAME_STORE), and neither they nor the inlined
    # function's entry get an eval-breaker check (LOOP's, at the back-edge, is the only one).
    program = """
        import random, time
        rng = random.Random(5)
        def draw(k):
            x = k * 0.5
            y = rng.random()
            t = time.perf_counter()
            return x + y + (t - t)
        def run():
            s = 0.0
            for i in range(300):
                s += draw(i)
            return s
        print(run())
    """
    tier1, counters = check_same(program, tmp_path)
    assert counters["iterations"] >= 250, counters
    body = loop_ir(program, tmp_path, "run")
    assert body.count("CALL_C") == 2, body
    assert "FRAME_STORE" not in body, body
    assert "CHECK_BREAKER" not in body, body


def test_bound_builtin_method_only_called_is_never_made(tmp_path):
    # `r = rng.random; r(); r()` in an inlined call: the trace calls Random.random's C
    # function with rng directly and never makes the bound method (passes/sink.cpp); its
    # exits name it as bind(receiver), and the forced deopts of check_same rebuild it.
    program = """
        import random
        rng = random.Random(3)
        def draw(k):
            r = rng.random
            a = r()
            return a + r() * k
        def run():
            s = 0.0
            for i in range(300):
                s += draw(i)
            return s
        print(run())
    """
    tier1, counters = check_same(program, tmp_path)
    assert counters["iterations"] >= 250, counters
    body = loop_ir(program, tmp_path, "run")
    assert body.count("CALL_C") == 2, body
    assert "DESCR_GET" not in body, body
    assert "=bind(" in body, body


def test_short_loop_whose_hot_back_edge_is_its_last_gets_a_trace(tmp_path):
    # A comprehension over 4 items with JANUS_HOT_LOOP=4: every hot back-edge is a call's
    # last, so each recording starts on an iteration that ends the loop. The next call
    # records from its first back-edge (kPollNext) and the trace then runs on every call.
    # (JANUS_JIT_MAX_UNROLL=0: the module loop's trace calls `powers` instead of unrolling
    # its comprehension, so the comprehension's own trace is what runs.)
    program = """
        def powers(x):
            return [x ** i for i in range(1, 5)]
        total = 0
        for k in range(300):
            total += sum(powers(k % 7))
        print(total)
    """
    oracle, _ = run(CPYTHON, program, tmp_path)
    tier1, counters = run(JANUS, program, tmp_path,
                          {"JANUS_VM": "all", "JANUS_HOT_LOOP": "4", "JANUS_JIT_MAX_UNROLL": "0"},
                          stats=True)
    assert (tier1.returncode, tier1.stdout) == (oracle.returncode, oracle.stdout)
    assert counters["traces_compiled"] >= 1, counters
    assert counters["trace_entries"] >= 250, counters


def test_module_level_loop_keeps_its_trace_while_storing_names(tmp_path):
    # A script's top-level training-style loop stores its loop variable and results into
    # the module's globals every iteration, and the function it calls reads globals of the
    # same module: those reads are pinned by the dict's keys, not its version, so the trace
    # keeps running (before, every iteration left it and the loop was blacklisted).
    program = """
        import math
        SCALE = 0.5
        def f(i):
            return math.sqrt(i) * SCALE + len("ab")
        total = 0.0
        for i in range(5000):
            x = f(i)
            total += x
        print(round(total, 6))
    """
    tier1, counters = check_same(program, tmp_path)
    assert counters["blacklisted"] == 0, counters
    assert counters["iterations"] >= 4000, counters  # the iterations ran in the trace


# A loop body long enough for a trace of more than 100 ops (each `step` call is inlined).
LONG_TRACE_PROGRAM = """
    def step(v, i):
        a = v * 3 + i
        b = (a ^ i) & 1023
        c = [a, b, a - b, a + b]
        d = {"a": a, "b": b}
        return (c[0] + c[3] - d["b"]) % 1000003 + len(c) + (1 if a > b else 0)
    def run(n):
        v = 1
        for i in range(n):
            v = step(v, i)
            v = step(v, i + 1)
            v = step(v, i + 2)
            v = step(v, i + 3)
        return v
    print(run(N))
"""


def test_long_trace_runs_in_the_interpreter_until_it_is_hot(tmp_path):
    # JANUS_JIT_COMPILE_AFTER: a trace of more than 100 ops runs in the IR interpreter, and
    # its machine code is built once it has run that many iterations (a loop that runs a
    # few times never pays the register allocator); results are the same either way.
    log_env = dict(TIER1, JANUS_LOG="traces", JANUS_JIT_COMPILE_AFTER="40")
    oracle, _ = run(CPYTHON, LONG_TRACE_PROGRAM.replace("N", "200"), tmp_path)
    hot, _ = run(JANUS, LONG_TRACE_PROGRAM.replace("N", "200"), tmp_path, log_env)
    assert (hot.returncode, hot.stdout) == (oracle.returncode, oracle.stdout), hot.stderr
    assert "runs on IR interpreter (until it has run 40 iterations)" in hot.stderr, hot.stderr
    assert "machine code for loop at run" in hot.stderr, hot.stderr
    assert "after 40 iterations in the IR interpreter" in hot.stderr, hot.stderr
    oracle, _ = run(CPYTHON, LONG_TRACE_PROGRAM.replace("N", "20"), tmp_path)
    short, _ = run(JANUS, LONG_TRACE_PROGRAM.replace("N", "20"), tmp_path, log_env)
    assert (short.returncode, short.stdout) == (oracle.returncode, oracle.stdout), short.stderr
    assert "runs on IR interpreter" in short.stderr, short.stderr
    assert "machine code for loop at run" not in short.stderr, short.stderr
    eager, _ = run(JANUS, LONG_TRACE_PROGRAM.replace("N", "20"), tmp_path,
                   dict(TIER1, JANUS_LOG="traces"))
    assert (eager.returncode, eager.stdout) == (oracle.returncode, oracle.stdout), eager.stderr
    assert re.search(r"compiled loop at run \(.*\): [1-9]\d\d+ ops.*runs on x86-64", eager.stderr), eager.stderr
