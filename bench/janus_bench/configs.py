"""The configurations the harness compares, declared once.

A configuration is an interpreter (Debian's python3.11 or janus-python), extra arguments for
the benchmark, and environment variables. Each suite has a peer (what users run today) that
ratios are taken against.

Janus configurations are not hard-coded tier names: they are derived from the allowed values
of JANUS_JIT in common/options.def, the one options table, so a tier that a later issue adds
there (say `on|off|t1`) shows up here as `janus-t1` with JANUS_JIT=t1 without an edit:
  off             -> janus-t0  (tier 0 only, the imperative baseline)
  the default     -> janus     (every tier as it exists)
  any other value -> janus-<value>
A configuration that is not a JANUS_JIT value (another option mix) is one line in
EXTRA_JANUS_CONFIGS.
"""
import os
import re
from dataclasses import dataclass, field

PYTHON = "/usr/bin/python3.11"


@dataclass(frozen=True)
class Config:
    name: str
    runner: str                     # "python" (Debian's python3.11) or "janus" (janus-python)
    args: tuple = ()                # appended to the benchmark's command line
    env: dict = field(default_factory=dict)
    about: str = ""


# Peers per suite; the first one is the suite's reference for ratios.
PEERS = {
    "examples": [
        Config("torch-eager", "python", (), {}, "Debian's torch 1.13, eager, under python3.11"),
        Config("torchscript", "python", ("--torchscript",), {},
               "Debian's torch 1.13 with torch.jit.script/trace where the script allows it"),
    ],
    "programs": [
        Config("cpython", "python", (), {}, "Debian's python3.11"),
    ],
}

# GPU mode (bench/run --device cuda): the peer is the PyTorch installed on the GPU machine
# (--peer-python), eager and compiled; every configuration gets the scripts' --device cuda.
CUDA_PEERS = {
    "examples": [
        Config("torch-eager", "python", ("--device", "cuda"), {}, "the machine's PyTorch, eager, on cuda"),
        Config("torch-compile", "python", ("--device", "cuda", "--compile", "reduce-overhead"), {},
               'the machine\'s PyTorch, torch.compile(mode="reduce-overhead"), on cuda'),
    ],
}

# The interpreter of the "python" configurations: Debian's python3.11 on the CPU, the GPU
# machine's Python in GPU mode (cli.py sets it from --peer-python).
peer_python = PYTHON

# Environment every Janus configuration gets in a suite. Pure-Python programs are run with
# every frame (the standard library's too) in the Janus VM, so the ratio to CPython measures
# the VM and not only the frames the default policy selects.
SUITE_JANUS_ENV = {
    "examples": {},
    "programs": {"JANUS_VM": "all"},
}

# (name, env, about): configurations beyond the JANUS_JIT values; add one line per entry.
EXTRA_JANUS_CONFIGS = [
]

_OPTION = re.compile(
    r'JANUS_OPTION\(\s*\w+\s*,\s*"(?P<env>[A-Z_]+)"\s*,\s*\w+\s*,\s*"(?P<default>[^"]*)"\s*,'
    r'\s*"(?P<allowed>[^"]*)"')


def jit_values(options_def_text):
    """(default, allowed values) of JANUS_JIT in the text of common/options.def."""
    for m in _OPTION.finditer(options_def_text):
        if m["env"] == "JANUS_JIT":
            return m["default"], [v for v in m["allowed"].split("|") if v]
    raise ValueError("common/options.def declares no JANUS_JIT option")


def janus_configs(options_def_text, suite):
    """The Janus configurations for a suite, in order: tier 0, then each JIT value, then the
    default (all tiers)."""
    default, allowed = jit_values(options_def_text)
    base = dict(SUITE_JANUS_ENV.get(suite, {}))
    configs = []
    if "off" in allowed:
        configs.append(Config("janus-t0", "janus", (), {**base, "JANUS_JIT": "off"},
                              "janus-python, tier 0 only (JANUS_JIT=off)"))
    for value in allowed:
        if value not in ("off", default):
            configs.append(Config(f"janus-{value}", "janus", (), {**base, "JANUS_JIT": value},
                                  f"janus-python, JANUS_JIT={value}"))
    configs.append(Config("janus", "janus", (), dict(base),
                          f"janus-python, default options (JANUS_JIT={default}: every tier)"))
    for name, env, about in EXTRA_JANUS_CONFIGS:
        configs.append(Config(name, "janus", (), {**base, **env}, about))
    return configs


def suite_configs(options_def_path, suite, device="cpu"):
    """Peers first (the reference first of all), then the Janus configurations; on cuda the
    GPU peers, and every Janus configuration with --device cuda."""
    with open(options_def_path, encoding="utf-8") as f:
        text = f.read()
    if device == "cpu":
        return list(PEERS[suite]) + janus_configs(text, suite)
    return list(CUDA_PEERS[suite]) + [
        Config(c.name, c.runner, c.args + ("--device", device), c.env, f"{c.about}, on {device}")
        for c in janus_configs(text, suite)]


def child_env(config, inherited=None):
    """The environment of a benchmark process: the caller's, minus any JANUS_* setting (a
    configuration must mean what its name says), plus the configuration's own variables."""
    env = {k: v for k, v in (os.environ if inherited is None else inherited).items()
           if not k.startswith("JANUS_")}
    env.update(config.env)
    return env
