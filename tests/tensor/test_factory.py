"""Creation ops whose values depend on rounding order (linspace, arange) match Debian's torch 1.13
bit for bit."""
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


ARANGES = [(10,), (0,), (3,), (0, 1, 0.1), (-3, 3, 0.37), (0.5, 100, 1.3), (5, -5, -0.7),
           (0, 1000, 3), (1e-3, 7, 0.0123), (0.5, 10, 1.5), (-2.5, 40, 0.9), (7, -20, -3),
           (0.1, 5000, 0.77), (-1, 1, 1e-3)]


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32"])
@pytest.mark.parametrize("args", ARANGES, ids=str)
def test_arange_matches_torch_bit_for_bit(args, dtype):
    # Integer dtypes truncate start and step first (arange(0.5, 10, 1.5, dtype=int64) counts by
    # 1), or raise "step must be nonzero" as torch does when the step truncates to 0.
    def run(lib):
        try:
            return lib.arange(*args, dtype=getattr(lib, dtype)).tolist()
        except RuntimeError as e:
            return f"RuntimeError: {e}"
    assert run(janus) == run(torch)


def test_arange_default_dtypes():
    for args in [(5,), (0.0, 1, 0.25), (1, 4)]:
        assert janus.arange(*args).dtype == getattr(janus, str(torch.arange(*args).dtype).split(".")[1])


def test_linspace_default_dtype_and_errors():
    assert janus.linspace(0, 1, 5).tolist() == torch.linspace(0, 1, 5).tolist()
    with pytest.raises(RuntimeError, match="number of steps must be non-negative"):
        torch.linspace(0, 1, -1)
    with pytest.raises(RuntimeError, match="number of steps must be non-negative"):
        janus.linspace(0, 1, -1)
