"""janus.nn: modules, parameters, initialisers and gradient utilities (torch.nn's API)."""
from .parameter import Parameter
from . import modules as _modules
from .modules import *  # noqa: F401,F403  (the class list lives in modules/__init__.py)
from . import functional, init, utils

__all__ = ["Parameter", "functional", "init", "utils"] + [
    name for name, value in vars(_modules).items()
    if isinstance(value, type) and not name.startswith("_")]
