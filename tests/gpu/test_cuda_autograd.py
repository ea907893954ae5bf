"""Autograd on a real CUDA device: every case of autograd_cases.py (forward and gradients on
the device in float64 against the CPU in float64), the optimizers' in-place ops, and
gradients that stay on the device. Skips when there is no device (run_if_device.py)."""
import os
import sys

import pytest

import janus as torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import autograd_cases  # noqa: E402

pytestmark = pytest.mark.needs_device


@pytest.mark.parametrize("name", sorted(autograd_cases.CASES))
def test_gradient_matches_the_cpu(name):
    autograd_cases.check_case(name, "cuda")


def test_optimizer_in_place_ops_match_the_cpu():
    want, want_step = autograd_cases.adam_like_update("cpu")
    got, got_step = autograd_cases.adam_like_update("cuda")
    assert got_step == want_step == 3.0
    assert torch.allclose(got, want, rtol=1e-12, atol=1e-12)


def test_gradients_accumulate_on_the_device():
    w = torch.randn(3, dtype=torch.float64).cuda().requires_grad_(True)
    (w * w).sum().backward()
    (w * 3).sum().backward()
    assert w.grad.is_cuda and torch.allclose(w.grad.cpu(), w.detach().cpu() * 2 + 3)


def test_float32_training_step_matches_the_cpu():
    torch.manual_seed(0)
    layer = torch.nn.Linear(8, 3)
    x, y = torch.randn(16, 8), torch.tensor([0, 1, 2, 1] * 4)
    cpu_loss = torch.nn.functional.cross_entropy(layer(x), y)
    cpu_loss.backward()
    cpu_grad = layer.weight.grad.clone()
    layer.zero_grad()
    layer.to("cuda")
    loss = torch.nn.functional.cross_entropy(layer(x.cuda()), y.cuda())
    loss.backward()
    assert abs(loss.item() - cpu_loss.item()) < 1e-5
    assert torch.allclose(layer.weight.grad.cpu(), cpu_grad, rtol=1e-4, atol=1e-5)
