"""Shared helpers for the tensor suites: janus (ours) and Debian's torch 1.13 (the oracle) in one
process, and conversions between them through numpy."""
import os
import sys

import numpy as np
import pytest

_build = os.environ.get("JANUS_BUILD_DIR")
if _build:
    sys.path.insert(0, os.path.join(_build, "python"))

import janus  # noqa: E402
import torch  # noqa: E402  (the real PyTorch: this runs under /usr/bin/python3.11)

assert torch.__file__ != janus.__file__

DTYPES = {"float32": (janus.float32, torch.float32), "float64": (janus.float64, torch.float64),
          "int64": (janus.int64, torch.int64), "int32": (janus.int32, torch.int32),
          "bool": (janus.bool, torch.bool)}


def to_numpy(t):
    if isinstance(t, janus.Tensor):
        return np.array(t.detach().tolist(), dtype=str(t.dtype).split(".")[-1]).reshape(tuple(t.shape))
    return t.detach().numpy()


def assert_same(j, t, rtol=1e-5, atol=1e-6, check_dtype=True):
    """A janus result equals a torch result: type, shape, dtype and values."""
    if isinstance(t, (tuple, list)):
        assert isinstance(j, (tuple, list)), f"expected a sequence, got {type(j)}"
        assert len(j) == len(t)
        for a, b in zip(j, t):
            assert_same(a, b, rtol, atol, check_dtype)
        return
    if isinstance(t, torch.Tensor):
        assert isinstance(j, janus.Tensor), f"expected a Tensor, got {type(j)}"
        assert tuple(j.shape) == tuple(t.shape), f"shape {tuple(j.shape)} != {tuple(t.shape)}"
        if check_dtype:
            assert str(j.dtype) == str(t.dtype), f"dtype {j.dtype} != {t.dtype}"
        np.testing.assert_allclose(to_numpy(j).astype(np.float64), t.detach().numpy().astype(np.float64),
                                   rtol=rtol, atol=atol, equal_nan=True)
        return
    if isinstance(t, torch.dtype):
        assert str(j) == str(t)
        return
    assert type(j) == type(t), f"{type(j)} != {type(t)}"
    if isinstance(t, float):
        assert j == pytest.approx(t, rel=rtol, abs=atol, nan_ok=True)
    else:
        assert j == t


def pair(array, requires_grad=False):
    """The same data as a janus and a torch tensor."""
    a = np.asarray(array)
    j = janus.tensor(a.tolist(), dtype=getattr(janus, str(a.dtype)) if a.dtype != np.bool_ else janus.bool)
    t = torch.tensor(a)
    if requires_grad:
        j.requires_grad_(True)
        t.requires_grad_(True)
    return j, t
