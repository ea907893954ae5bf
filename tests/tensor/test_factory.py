"""Creation ops whose values depend on rounding order match Debian's torch 1.13 bit for bit."""
import pytest

import janus
import torch

SIZES = [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 100, 1000, 5000]
RANGES = [(-3, 3), (0, 1), (0.1, 2.7), (-1e3, 7.5), (5, -5), (-7, 13)]


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32"])
@pytest.mark.parametrize("n", SIZES)
def test_linspace_matches_torch_bit_for_bit(n, dtype):
    for start, end in RANGES:
        mine = janus.linspace(start, end, n, dtype=getattr(janus, dtype)).tolist()
        ref = torch.linspace(start, end, n, dtype=getattr(torch, dtype)).tolist()
        assert mine == ref, (start, end)


def test_linspace_default_dtype_and_errors():
    assert janus.linspace(0, 1, 5).tolist() == torch.linspace(0, 1, 5).tolist()
    with pytest.raises(RuntimeError, match="number of steps must be non-negative"):
        torch.linspace(0, 1, -1)
    with pytest.raises(RuntimeError, match="number of steps must be non-negative"):
        janus.linspace(0, 1, -1)
