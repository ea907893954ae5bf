"""Bad input raises the exception type torch 1.13 raises, with a message naming the problem."""
import pytest

import janus
import torch

CASES = [
    ("broadcast", lambda lib: lib.ones(2, 3) + lib.ones(2, 4), RuntimeError,
     r"The size of tensor a \(3\) must match the size of tensor b \(4\) at non-singleton dimension 1"),
    ("mm shapes", lambda lib: lib.ones(2, 3) @ lib.ones(4, 5), RuntimeError,
     r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)"),
    ("view", lambda lib: lib.ones(2, 3).view(4, 2), RuntimeError, r"shape '\[4, 2\]' is invalid for input of size 6"),
    ("view stride", lambda lib: lib.ones(2, 3).t().view(6), RuntimeError, "view size is not compatible"),
    ("expand", lambda lib: lib.ones(2, 3).expand(2, 4), RuntimeError, "The expanded size of the tensor"),
    ("dim range", lambda lib: lib.ones(2, 3).sum(2), IndexError, r"Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)"),
    ("select range", lambda lib: lib.ones(3).select(0, 3), IndexError, "index 3 out of range for tensor of size"),
    ("cat dims", lambda lib: lib.cat([lib.ones(2, 3), lib.ones(2, 4)]), RuntimeError, "Sizes of tensors must match except in dimension 0"),
    ("stack sizes", lambda lib: lib.stack([lib.ones(2), lib.ones(3)]), RuntimeError, "stack expects each tensor to be equal size"),
    ("mean int", lambda lib: lib.tensor([1, 2]).mean(), RuntimeError, "mean\\(\\): could not infer output dtype"),
    ("int requires grad", lambda lib: lib.tensor([1, 2], requires_grad=True), RuntimeError, "floating point"),
    ("item", lambda lib: lib.ones(2).item(), ValueError, "only one element tensors can be converted to Python scalars"),
    ("bool ambiguous", lambda lib: bool(lib.ones(2)), RuntimeError, "Boolean value of Tensor with more than one value is ambiguous"),
    ("inplace cast", lambda lib: lib.ones(2, dtype=lib.int64).add_(1.5), RuntimeError,
     "result type Float can't be cast to the desired output type Long"),
    ("inplace shape", lambda lib: lib.ones(3).add_(lib.ones(2, 3)), RuntimeError,
     r"output with shape \[3\] doesn't match the broadcast shape \[2, 3\]"),
    ("bool sub", lambda lib: lib.tensor([True]) - lib.tensor([False]), RuntimeError, "Subtraction, the `-` operator, with two bool tensors"),
    ("neg bool", lambda lib: -lib.tensor([True]), RuntimeError, "Negation, the `-` operator, on a bool tensor"),
    ("bitwise float", lambda lib: lib.ones(2) & lib.ones(2), RuntimeError, "not implemented for 'Float'"),
    ("int pow negative", lambda lib: lib.tensor([2]) ** -1, RuntimeError, "Integers to negative integer powers are not allowed"),
    ("where cond", lambda lib: lib.where(lib.ones(2), lib.ones(2), lib.ones(2)), RuntimeError, "where expected condition to be a boolean tensor"),
    ("nll target", lambda lib: lib.nn.functional.nll_loss(lib.zeros(2, 3), lib.tensor([0, 5])), IndexError, "Target 5 is out of bounds"),
    ("bad arg type", lambda lib: lib.add(lib.ones(2), "x"), TypeError, "add"),
    ("bad kwarg", lambda lib: lib.ones(2).sum(foo=1), TypeError, "sum"),
    ("numpy grad", lambda lib: lib.ones(2, requires_grad=True).numpy(), RuntimeError, "Can't call numpy\\(\\) on Tensor that requires grad"),
    ("negative dim", lambda lib: lib.zeros(-1), RuntimeError, "negative dimension -1"),
    ("index_select 2d", lambda lib: lib.ones(3).index_select(0, lib.zeros(2, 2, dtype=lib.int64)), IndexError, "Index is supposed to be a vector"),
    ("matmul 0d", lambda lib: lib.matmul(lib.tensor(1.0), lib.ones(2)), RuntimeError, "both arguments to matmul need to be at least 1D"),
    ("dot sizes", lambda lib: lib.dot(lib.ones(2), lib.ones(3)), RuntimeError, "inconsistent tensor size"),
    ("layer_norm shape", lambda lib: lib.nn.functional.layer_norm(lib.ones(2, 3), (4,)), RuntimeError, "Given normalized_shape=\\[4\\]"),
    ("gather index", lambda lib: lib.ones(2, 3).gather(1, lib.tensor([[5]])), RuntimeError,
     "index 5 is out of bounds for dimension 1 with size 3"),
    ("scatter src", lambda lib: lib.zeros(2, 3).scatter(1, lib.tensor([[0, 1]]), lib.ones(1, 1)), RuntimeError,
     "to be smaller size than src"),
    ("scatter_add index", lambda lib: lib.zeros(3).scatter_add(0, lib.tensor([5]), lib.ones(1)), RuntimeError,
     "index 5 is out of bounds for dimension 0 with size 3"),
    ("embedding index", lambda lib: lib.nn.functional.embedding(lib.tensor([7]), lib.ones(3, 2)), IndexError, "index out of range|out of bounds"),
    ("view of big", lambda lib: lib.ones(2).view(-1, -1), RuntimeError, "only one dimension can be inferred"),
    ("split sizes", lambda lib: lib.ones(5).split([2, 2]), RuntimeError, "split_with_sizes expects split_sizes to sum exactly to 5"),
]


@pytest.mark.parametrize("name,expr,exc,pattern", CASES, ids=[c[0] for c in CASES])
def test_error_matches_torch(name, expr, exc, pattern):
    with pytest.raises(exc, match=pattern):
        expr(torch)  # the oracle raises this way...
    with pytest.raises(exc, match=pattern):
        expr(janus)  # ...and so does janus


def test_unsupported_api_is_named():
    with pytest.raises(AttributeError, match="torch.fft .*not supported by Janus"):
        janus.fft
    with pytest.raises(AttributeError, match="not supported by Janus"):
        janus.nn.functional.conv3d
    # Asking for CUDA: tests/gpu/test_device_host.py (PyTorch's errors with no device).
    with pytest.raises(NotImplementedError, match="not supported by Janus"):
        janus.nn.functional.max_pool2d(janus.ones(1, 1, 2, 2), 2, return_indices=True)
