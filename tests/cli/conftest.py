"""Shared helpers: run janus-python and /usr/bin/python3.11 the same way and compare."""
import os
import subprocess

import pytest

CPYTHON = "/usr/bin/python3.11"
JANUS = os.environ.get("JANUS_PYTHON", "")


class Runner:
    def __init__(self, exe):
        self.exe = exe

    def __call__(self, *args, stdin=None, env=None, cwd=None, timeout=300):
        full_env = dict(os.environ)
        for key in list(full_env):
            if key.startswith("JANUS_") or key.startswith("PYTHON"):
                del full_env[key]
        full_env.update(env or {})
        proc = subprocess.run([self.exe, *args], input=stdin, capture_output=True, text=True,
                              env=full_env, cwd=cwd, timeout=timeout)
        # Both interpreters name themselves in usage and errors; the rest must be identical.
        proc.stdout = proc.stdout.replace(self.exe, "<python>")
        proc.stderr = proc.stderr.replace(self.exe, "<python>")
        return proc


@pytest.fixture
def janus():
    if not JANUS or not os.path.exists(JANUS):
        pytest.fail("JANUS_PYTHON must name the built janus-python")
    return Runner(JANUS)


@pytest.fixture
def cpython():
    return Runner(CPYTHON)
