"""Helpers for comparing janus (imported from $JANUS_BUILD_DIR/python) with Debian's torch
1.13, the oracle. Tensors cross between the two libraries through numpy copies."""
import numpy as np
import pytest

import janus
import torch


def to_numpy(t):
    return np.array(t.detach().cpu().numpy(), copy=True)


def to_torch(t):
    return torch.from_numpy(to_numpy(t))


def to_janus(t):
    return janus.from_numpy(to_numpy(t))


def copy_weights(src, dst, convert):
    """Copies every parameter and buffer of module src into dst (same names)."""
    dst.load_state_dict({k: convert(v) for k, v in src.state_dict().items()})


def assert_close(j, t, rtol=1e-5, atol=1e-6):
    np.testing.assert_allclose(to_numpy(j), to_numpy(t), rtol=rtol, atol=atol)


def assert_same_bits(j, t):
    a, b = to_numpy(j), to_numpy(t)
    assert a.dtype == b.dtype and a.shape == b.shape
    assert a.tobytes() == b.tobytes()


@pytest.fixture
def rng():
    return np.random.default_rng(1234)
