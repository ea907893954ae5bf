"""Makes `import torch` (and every `torch.X`) resolve to Janus under janus-python.

janus-python imports this module at start-up unless JANUS_TORCH=real. It is kept outside the
janus package so that start-up does not pay for importing janus: the alias imports janus only
when a script first imports torch. A torch submodule Janus does not have raises
ModuleNotFoundError naming it, e.g. "torch.fft is not supported by Janus".
"""
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, module):
        self._module = module

    def create_module(self, spec):
        return self._module

    def exec_module(self, module):
        pass


class TorchAliasFinder(importlib.abc.MetaPathFinder):
    """torch -> janus, torch.a.b -> janus.a.b, sharing one module object for both names."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "torch" and not fullname.startswith("torch."):
            return None
        real_name = "janus" + fullname[len("torch"):]
        try:
            module = importlib.import_module(real_name)
        except ModuleNotFoundError as error:
            if error.name != real_name:
                raise
            raise ModuleNotFoundError(f"{fullname} is not supported by Janus",
                                      name=fullname) from None
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(module))


def install():
    # An instance, not the class: importlib calls meta-path finders' methods unbound-safe
    # only on instances (invalidate_caches() is an instance method).
    if not any(isinstance(finder, TorchAliasFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, TorchAliasFinder())


install()
