"""Run many small programs in ONE interpreter process, each as if it were `python prog.py`.

    run_batch.py --report REPORT [--program-timeout S] prog1.py prog2.py ...

Starting janus-python (and importing torch) once per program and per configuration would
make the differential suite take minutes; this driver pays that once per batch. Each program
gets what a script run gets: a fresh `__main__` module, its real file name (so tracebacks and
`traceback.format_exc()` name the right file and line), `sys.argv[0]`, `sys.path[0]` = its
folder, and its own stdout/stderr (captured). An exception that escapes the program is
printed on its stderr the way CPython's top level prints it, and gives exit status 1;
`SystemExit` gives its code.

A crash prints the Python stack of every thread on the real stderr (faulthandler); a program
that runs longer than --program-timeout seconds (if given) has its stack printed and ends
the process with status 1, so a hang is attributed like a crash.

REPORT gets one JSON object per line, flushed as it is written, so a batch that crashes still
says which program it was running:
    {"event": "begin", "program": P}
    {"event": "end", "program": P, "stdout": ..., "stderr": ..., "status": N,
     "counters": {...}}
    {"event": "done", "counter_modules": [...], "counter_names": [...]}
"counters" holds how much each runtime counter grew while the program ran (see
COUNTER_MODULES; empty under a stock python3.11).
"""
import argparse
import builtins
import faulthandler
import io
import json
import os
import sys
import traceback
import types

# Where the runtime publishes counters: tier 1's (traces compiled, exits, deopts) and tier
# 0's (frames evaluated). Each module that imports and has a callable `stats()` returning a
# dict contributes its numeric entries, named "<module>.<key>".
COUNTER_MODULES = ("_janus_jit", "_janus_hook", "_janus_vm")


def find_counter_sources():
    sources = []
    for name in COUNTER_MODULES:
        try:
            module = __import__(name)
        except ImportError:
            continue
        stats = getattr(module, "stats", None)
        try:
            if callable(stats) and isinstance(stats(), dict):
                sources.append((name, stats))
        except Exception:
            continue
    return sources


def counters(sources):
    """The numeric entries of every source's stats(), flattened one level."""
    flat = {}

    def put(key, value):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            flat[key] = value

    for name, stats in sources:
        for key, value in stats().items():
            if isinstance(value, dict):
                for sub, v in value.items():
                    put("%s.%s.%s" % (name, key, sub), v)
            else:
                put("%s.%s" % (name, key), value)
    return flat


def exit_status(exc, stderr):
    """CPython's handling of SystemExit at the top level (Python/pythonrun.c)."""
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=stderr)
    return 1


def run_program(path):
    """Run one program; return (stdout, stderr, exit status)."""
    out, err = io.StringIO(), io.StringIO()
    main = types.ModuleType("__main__")
    main.__file__ = path
    main.__cached__ = None
    main.__builtins__ = builtins
    saved = (sys.stdout, sys.stderr, sys.argv, sys.path[0], sys.modules["__main__"])
    sys.stdout, sys.stderr = out, err
    sys.argv = [path]
    sys.path[0] = os.path.dirname(os.path.abspath(path))
    sys.modules["__main__"] = main
    status = 0
    try:
        with open(path, "rb") as f:
            source = f.read()
        code = compile(source, path, "exec", dont_inherit=True)
        exec(code, main.__dict__)
    except SystemExit as exc:
        status = exit_status(exc, err)
    except BaseException as exc:
        # Drop this driver's own frame so the traceback starts at the program's <module>,
        # as it does when CPython runs the file directly.
        tb = exc.__traceback__
        if tb is not None and tb.tb_frame.f_code is run_program.__code__:
            tb = tb.tb_next
        err.write("".join(traceback.format_exception(type(exc), exc, tb)))
        status = 1
    finally:
        try:
            sys.stdout.flush()
        except Exception:
            pass
        sys.stdout, sys.stderr, sys.argv, sys.path[0], sys.modules["__main__"] = saved
    return out.getvalue(), err.getvalue(), status


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", required=True, help="JSON-lines report path")
    parser.add_argument("--program-timeout", type=float, default=0,
                        help="seconds a program may run before the process is ended")
    parser.add_argument("programs", nargs="+")
    args = parser.parse_args()
    sources = find_counter_sources()
    faulthandler.enable(file=sys.__stderr__, all_threads=True)
    with open(args.report, "w", encoding="utf-8") as report:
        def emit(record):
            report.write(json.dumps(record) + "\n")
            report.flush()

        for path in args.programs:
            emit({"event": "begin", "program": path})
            before = counters(sources)
            if args.program_timeout > 0:
                faulthandler.dump_traceback_later(args.program_timeout, exit=True,
                                                  file=sys.__stderr__)
            stdout, stderr, status = run_program(path)
            faulthandler.cancel_dump_traceback_later()
            after = counters(sources)
            grown = {k: after[k] - before.get(k, 0) for k in after
                     if after[k] != before.get(k, 0)}
            emit({"event": "end", "program": path, "stdout": stdout, "stderr": stderr,
                  "status": status, "counters": grown})
        emit({"event": "done", "counter_modules": [name for name, _ in sources],
              "counter_names": sorted(counters(sources))})


if __name__ == "__main__":
    main()
