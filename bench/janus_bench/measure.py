"""Running one benchmark process and measuring it from the outside.

Peak memory is the process's maximum resident set size as /usr/bin/time reports it (wait4's
ru_maxrss of a process that time forked). Taking ru_maxrss of our own child instead would be
wrong: Python spawns with vfork, and Linux carries the parent's RSS high-water mark over the
exec, so every benchmark would look as big as the harness.
Thread count is the maximum of `Threads:` in /proc/<pid>/status, sampled while it runs.
"""
import os
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass

TIME = "/usr/bin/time"
SAMPLE_INTERVAL_S = 0.01


@dataclass
class ProcessResult:
    exit_code: int | None     # None when the harness killed it (timeout)
    signal: int | None        # the signal that killed the benchmark (a crash), if one did
    timed_out: bool
    stdout: str
    stderr: str
    wall_s: float
    peak_rss_kb: int | None
    max_threads: int | None


def _read_threads(pid):
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Threads:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def _child_of(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as f:
            pids = f.read().split()
        return int(pids[0]) if pids else None
    except (OSError, ValueError):
        return None


class ThreadSampler(threading.Thread):
    """Samples the thread count of the process that `launcher_pid` (/usr/bin/time) runs."""

    def __init__(self, launcher_pid):
        super().__init__(daemon=True)
        self.launcher_pid = launcher_pid
        self.max_threads = None
        self.done = threading.Event()

    def run(self):
        target = None
        while not self.done.is_set():
            if target is None:
                target = _child_of(self.launcher_pid)
            if target is not None:
                n = _read_threads(target)
                if n is not None and (self.max_threads is None or n > self.max_threads):
                    self.max_threads = n
            self.done.wait(SAMPLE_INTERVAL_S)


def _parse_time_output(text):
    """(peak RSS in KiB, signal number or None) from /usr/bin/time -f %M's output: the RSS is
    the last line, after "Command terminated by signal N" when a signal killed the command
    (time then exits 128 + N, which alone would be ambiguous)."""
    lines = [l for l in text.splitlines() if l.strip()]
    sig = None
    for line in lines:
        if line.startswith("Command terminated by signal "):
            try:
                sig = int(line.split()[-1])
            except ValueError:
                pass
    try:
        return int(lines[-1]), sig
    except (IndexError, ValueError):
        return None, sig


def run_process(argv, env, timeout_s, cwd=None):
    """Runs argv to completion (or kills it after timeout_s) and measures it."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(prefix="janus-bench-rss-") as rss:
        # A GPU machine's image may have no /usr/bin/time: the run is then measured without
        # peak RSS (reported as unknown), never refused.
        use_time = os.access(TIME, os.X_OK)
        command = [TIME, "-f", "%M", "-o", rss.name, *argv] if use_time else list(argv)
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=err, env=env, cwd=cwd, start_new_session=True)
        sampler = ThreadSampler(proc.pid)
        sampler.start()
        timed_out = False
        try:
            proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        except BaseException:
            # Ctrl-C reaches only the harness (the benchmark has its own session): take the
            # benchmark down with it rather than leave it running.
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise
        wall = time.perf_counter() - start
        sampler.done.set()
        sampler.join()
        out.seek(0)
        err.seek(0)
        if use_time:
            with open(rss.name, encoding="utf-8", errors="replace") as f:
                peak, sig = _parse_time_output(f.read())
        else:
            peak, sig = None, (-proc.returncode if proc.returncode and proc.returncode < 0 else None)
        return ProcessResult(
            exit_code=None if timed_out else proc.returncode,
            timed_out=timed_out,
            signal=None if timed_out else sig,
            stdout=out.read().decode("utf-8", errors="replace"),
            stderr=err.read().decode("utf-8", errors="replace"),
            wall_s=wall,
            peak_rss_kb=None if timed_out else peak,
            max_threads=sampler.max_threads)
