"""torch.random: the default CPU generator's seed and state, and fork_rng."""
import contextlib

import janus
from ._generator import default_generator

__all__ = ["manual_seed", "seed", "initial_seed", "get_rng_state", "set_rng_state", "fork_rng"]


def manual_seed(seed):
    return janus.manual_seed(seed)


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state):
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True):
    """Restores the CPU generator's state on exit (Janus has no CUDA generators to fork)."""
    if not enabled:
        yield
        return
    if devices:
        raise NotImplementedError("fork_rng(devices=...) with CUDA devices is not supported by Janus")
    state = default_generator.get_state()
    try:
        yield
    finally:
        default_generator.set_state(state)
