"""Conventions shared by the example training scripts (the benchmark harness and the
loss-matching tests rely on them):

  --steps N          number of training steps
  --seed S           seed for the data (Python's `random`, never torch's RNG) and torch
  --init PATH        load the initial state_dict with torch.load before training
  --save-init PATH   save the freshly initialised state_dict, then train
  --torchscript      wrap the model with torch.jit.script (else trace); exit 3 if neither works
  --device D         train on device D (default cpu): torch.set_default_device(D) as the flag
                     is parsed, so every tensor the script makes lands there; --init weights
                     are loaded onto it (bench/run --device cuda, tools/gpu-check)
  --compile MODE     wrap the model with torch.compile(mode=MODE); exit 3 where there is none

stdout holds exactly one line per step, `step {i} loss {loss:.10g} time_ms {ms:.4f}`, where
ms is the wall time of the whole step (time.perf_counter), plus optional lines starting with
'# '. The scripts run unchanged under python3.11 + torch and under janus-python.
"""
import argparse
import random
import sys
import time

import torch

TORCHSCRIPT_UNSUPPORTED = 3


class _DeviceAction(argparse.Action):
    """--device: set as soon as it is parsed, before the script makes its data and model."""

    def __call__(self, parser, namespace, value, option_string=None):
        if value != "cpu":
            if not hasattr(torch, "set_default_device"):
                unsupported_torchscript(f"this runtime has no torch.set_default_device (--device {value})")
            torch.set_default_device(value)
        setattr(namespace, self.dest, value)


def parser(description, steps):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--steps", type=int, default=steps, help="training steps")
    p.add_argument("--seed", type=int, default=0, help="seed for data and initialisation")
    p.add_argument("--init", default=None, help="state_dict to start from (torch.load)")
    p.add_argument("--save-init", default=None, help="save the initial state_dict here")
    p.add_argument("--torchscript", action="store_true",
                   help="compile the model with torch.jit (real torch only)")
    p.add_argument("--device", default="cpu", action=_DeviceAction,
                   help="device to train on (torch.set_default_device)")
    p.add_argument("--compile", default=None, metavar="MODE",
                   help="wrap the model with torch.compile(mode=MODE)")
    return p


def seed_everything(seed):
    random.seed(seed)
    torch.manual_seed(seed)


def initialise(model, args):
    """Applies --save-init and --init so both runtimes can start from the same weights."""
    if args.save_init:
        torch.save(model.state_dict(), args.save_init)
    if args.init:
        model.load_state_dict(torch.load(args.init, map_location="cpu"))  # copied onto the device


def unsupported_torchscript(reason):
    print(f"# torchscript unsupported: {reason}")
    sys.stdout.flush()
    sys.exit(TORCHSCRIPT_UNSUPPORTED)


def maybe_torchscript(model, example_inputs, args):
    """Returns the model, scripted (or traced) when --torchscript is given, compiled with
    --compile MODE."""
    if getattr(args, "compile", None):
        if not hasattr(torch, "compile"):
            unsupported_torchscript("this runtime has no torch.compile")
        return torch.compile(model, mode=args.compile)
    if not args.torchscript:
        return model
    jit = getattr(torch, "jit", None)
    if jit is None or not hasattr(jit, "script"):
        unsupported_torchscript("this runtime has no torch.jit")
    try:
        return jit.script(model)
    except Exception as script_error:  # scripting is best effort; tracing is the fallback
        try:
            return jit.trace(model, example_inputs)
        except Exception as trace_error:
            unsupported_torchscript(f"script failed ({type(script_error).__name__}), trace "
                                    f"failed ({type(trace_error).__name__}: {trace_error})")


def train(steps, step_fn):
    """Runs step_fn(i) -> float loss for each step and prints the per-step line."""
    total = 0.0
    for i in range(steps):
        start = time.perf_counter()
        loss = step_fn(i)
        ms = (time.perf_counter() - start) * 1000.0
        total += ms
        print(f"step {i} loss {loss:.10g} time_ms {ms:.4f}")
    print(f"# steps {steps} total_ms {total:.4f}")
