"""The CUDA backend's autograd layer and device plumbing on a fake cuda:0 (host memory, the
CPU's kernels: _janus_fake_cuda), so they are tested on machines without a GPU: every
gradient formula against the CPU in float64, the optimizers' in-place ops, the engine's
device paths, indexing, PyTorch's errors, and every example trained on the device with the
losses of Debian's torch 1.13 on the CPU (the oracle) from the same initial weights."""
import os
import subprocess
import sys

import pytest

import janus as torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import autograd_cases  # noqa: E402

SOURCE = os.environ.get("JANUS_SOURCE_DIR",
                        os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
JANUS_PYTHON = os.environ.get("JANUS_PYTHON", os.path.join(SOURCE, "build", "janus-python"))
EXAMPLES = os.path.join(SOURCE, "examples")
REFERENCE = "/usr/bin/python3.11"  # with Debian's torch 1.13


@pytest.fixture(scope="module", autouse=True)
def fake_device():
    if torch.cuda.is_available():
        pytest.skip("a real CUDA device is here: tests/gpu/test_cuda_autograd.py covers it")
    return torch.cuda._use_fake_device_for_tests()


@pytest.mark.parametrize("name", sorted(autograd_cases.CASES))
def test_gradient_matches_the_cpu(name):
    autograd_cases.check_case(name, "cuda")


def test_optimizer_in_place_ops_match_the_cpu():
    want, want_step = autograd_cases.adam_like_update("cpu")
    got, got_step = autograd_cases.adam_like_update("cuda")
    assert got_step == want_step == 3.0
    assert torch.allclose(got, want, rtol=1e-12, atol=1e-12)


def test_results_stay_on_the_device():
    a = torch.randn(3, 4, device="cuda", requires_grad=True)
    out = torch.nn.functional.linear(a, torch.randn(2, 4, device="cuda"))
    assert out.is_cuda and out.grad_fn is not None
    out.sum().backward()
    assert a.grad.is_cuda


def test_gradients_accumulate_on_the_device():
    w = torch.randn(3, dtype=torch.float64).cuda().requires_grad_(True)
    (w * w).sum().backward()            # first backward: .grad is set
    (w * 3).sum().backward()            # second: accumulated in place (the engine's add_)
    want = w.detach().cpu() * 2 + 3
    assert w.grad.is_cuda and torch.allclose(w.grad.cpu(), want)
    h = w * 2
    h.retain_grad()
    (h * h).sum().backward()
    assert h.grad.is_cuda and torch.allclose(h.grad.cpu(), 2 * h.detach().cpu())


def test_a_leaf_used_twice_and_unused_outputs():
    x = torch.randn(4, 6, dtype=torch.float64).cuda().requires_grad_(True)
    a, b, c = x.chunk(3, 1)                 # c gets no gradient: zeros are made on the device
    (a * b + a).sum().backward()
    xc = x.detach().cpu().requires_grad_(True)
    ac, bc, _ = xc.chunk(3, 1)
    (ac * bc + ac).sum().backward()
    assert torch.allclose(x.grad.cpu(), xc.grad)


def test_create_graph_through_a_device_op_is_refused():
    x = torch.randn(3, device="cuda", requires_grad=True)
    y = (x * x).sum()
    with pytest.raises(NotImplementedError, match="create_graph=True through sum on a cuda tensor"):
        torch.autograd.grad(y, x, create_graph=True)


def test_an_op_without_a_device_kernel_names_itself():
    x = torch.randn(3, device="cuda")
    with pytest.raises(NotImplementedError, match="Janus has no cuda kernel for 'cumsum'"):
        x.cumsum(0)
    with pytest.raises(NotImplementedError, match="dropout with p > 0"):
        torch.nn.functional.dropout(x, 0.5)


def test_bad_input_raises_pytorchs_errors():
    logits = torch.randn(2, 3, device="cuda")
    with pytest.raises(IndexError, match="Target 7 is out of bounds."):
        torch.nn.functional.cross_entropy(logits, torch.tensor([0, 7], device="cuda"))
    weight = torch.randn(4, 2, device="cuda")
    with pytest.raises(IndexError, match="index out of range in self"):
        torch.nn.functional.embedding(torch.tensor([4], device="cuda"), weight)
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        torch.randn(2, 2, device="cuda") @ torch.randn(2, 2)
    with pytest.raises(RuntimeError, match="indices should be either on cpu or on the same device"):
        torch.randn(3)[torch.tensor([0], device="cuda")]
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        torch.zeros(2, dtype=torch.int64, device="cuda").add_(torch.randn(2, device="cuda"))
    x = torch.randn(2, device="cuda", requires_grad=True)
    with pytest.raises(NotImplementedError, match="in-place add_ on a cuda tensor"):
        x.add_(1)


def test_default_device_factories():
    torch.set_default_device("cuda")
    try:
        assert torch.zeros(2).is_cuda and torch.tensor([1.0]).is_cuda and torch.randn(2).is_cuda
        assert torch.nn.Linear(2, 3).weight.is_cuda
        assert torch.zeros_like(torch.zeros(2, device="cpu")).device.type == "cpu"  # follows its input
        assert torch.get_default_device().type == "cuda"
    finally:
        torch.set_default_device("cpu")
    assert not torch.zeros(2).is_cuda


FAKE_RUN = ("import sys, runpy, janus; janus.cuda._use_fake_device_for_tests(); "
            "sys.argv = sys.argv[1:]; sys.path.insert(0, '.'); runpy.run_path(sys.argv[0], run_name='__main__')")


def losses(text):
    return [float(l.split()[3]) for l in text.splitlines() if l.startswith("step ")]


def has_reference():
    try:
        return subprocess.run([REFERENCE, "-c", "import torch"], capture_output=True, timeout=120).returncode == 0
    except OSError:
        return False


@pytest.mark.parametrize("example", ["regression", "mlp", "char_lstm", "tree_lstm", "sine_lbfgs"])
def test_example_trains_on_the_device_like_torch_on_the_cpu(example, tmp_path):
    if not has_reference():  # a GPU machine's bundle (tools/gpu-check) has no Debian torch
        pytest.skip(f"no {REFERENCE} with Debian's torch here (the oracle)")
    init, steps = str(tmp_path / "init.pt"), "4"
    ref = subprocess.run([REFERENCE, f"{example}.py", "--steps", steps, "--save-init", init],
                         capture_output=True, text=True, cwd=EXAMPLES, timeout=300)
    assert ref.returncode == 0, ref.stderr[-2000:]
    got = subprocess.run([JANUS_PYTHON, "-c", FAKE_RUN, f"{example}.py", "--steps", steps, "--init", init,
                          "--device", "cuda"], capture_output=True, text=True, cwd=EXAMPLES, timeout=300)
    assert got.returncode == 0, got.stderr[-2000:]
    want, have = losses(ref.stdout), losses(got.stdout)
    assert len(have) == len(want) == int(steps)
    for w, h in zip(want, have):
        assert abs(w - h) <= 1e-4 * max(abs(w), 1e-6), (example, want, have)
