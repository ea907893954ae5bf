"""Device plumbing that runs without a GPU: torch.device against torch 1.13, the errors of
asking for CUDA with no device, and the checks made before any kernel (tensors that *claim*
a CUDA device over host memory stand in for real ones)."""
import pytest
import torch as ref  # Debian's torch 1.13, CPU: the oracle

import janus

DEVICE_STRINGS = ["cpu", "cuda", "cuda:0", "cuda:1", "cuda:12"]
BAD_STRINGS = ["cuda:x", "cuda:-1", "cuda:01", "gpu", "cuda:", "foo:0"]


@pytest.mark.parametrize("text", DEVICE_STRINGS)
def test_device_parse_print_compare(text):
    d, r = janus.device(text), ref.device(text)
    assert (d.type, d.index) == (r.type, r.index)
    assert str(d) == str(r) and repr(d) == repr(r)
    assert d == janus.device(text) and hash(d) == hash(janus.device(text))


def test_device_from_type_and_index():
    assert repr(janus.device("cuda", 1)) == repr(ref.device("cuda", 1))
    assert janus.device("cuda:0") != janus.device("cuda")  # as in torch: an index is not "current"
    assert ref.device("cuda:0") != ref.device("cuda")


@pytest.mark.parametrize("text", BAD_STRINGS)
def test_bad_device_strings_raise_runtime_error(text):
    with pytest.raises(RuntimeError) as theirs:
        ref.device(text)
    with pytest.raises(RuntimeError) as ours:
        janus.device(text)
    if "Invalid device string" in str(theirs.value):
        assert str(ours.value) == str(theirs.value)


def test_cpu_tensors_report_cpu():
    t = janus.ones(2)
    assert t.device == janus.device("cpu") and not t.is_cuda and t.get_device() == -1
    assert t.cpu() is t and t.to("cpu") is t and t.to(janus.device("cpu")) is t
    assert janus.zeros(2, device="cpu").device.type == "cpu"


no_device = pytest.mark.skipif(janus.cuda.is_available(), reason="a CUDA device is present")


@no_device
def test_no_device_is_reported_as_torch_does():
    assert janus.cuda.is_available() is False
    assert janus.cuda.device_count() == 0
    assert janus.cuda.memory_allocated() == ref.cuda.memory_allocated() == 0
    assert janus.cuda.max_memory_allocated() == 0
    janus.cuda.empty_cache()  # harmless with no device, as in torch


@no_device
@pytest.mark.parametrize("request_cuda", [
    lambda: janus.zeros(2, device="cuda"),
    lambda: janus.ones(2).cuda(),
    lambda: janus.ones(2).to("cuda:0"),
    lambda: janus.tensor([1.0], device="cuda"),
    lambda: janus.randn(3, device=janus.device("cuda")),
    lambda: janus.cuda.synchronize(),
    lambda: janus.cuda.current_device(),
])
def test_asking_for_cuda_without_a_device_raises_torchs_error(request_cuda):
    if not janus.cuda.is_built():  # torch 1.13 built without CUDA says exactly this
        with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
            request_cuda()
    else:  # built with CUDA, no driver or no device: torch's RuntimeError for that case
        with pytest.raises(RuntimeError) as e:
            request_cuda()
        assert str(e.value) in ("No CUDA GPUs are available",
                                "Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU "
                                "and installed a driver from http://www.nvidia.com/Download/index.aspx")


def claim(t, device="cuda:0"):
    return janus._C._test_tensor_claiming_device(t, device)


def test_claimed_device_is_reported():
    c = claim(janus.ones(2, 3))
    assert c.device == janus.device("cuda", 0) and c.is_cuda and c.get_device() == 0
    assert str(c.device) == "cuda:0"


@pytest.mark.parametrize("call", [
    lambda a, c: a + c,
    lambda a, c: c * a,
    lambda a, c: janus.mm(a, c),
    lambda a, c: janus.where(a > 0, a, c),
    lambda a, c: janus.cat([a, c]),
    lambda a, c: a.add_(c),
])
def test_mixed_devices_raise_before_any_kernel(call):
    a = janus.ones(3, 3)
    c = claim(janus.ones(3, 3))
    before = a.clone()
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device, but found at least two "
                                           "devices, (cpu and cuda:0|cuda:0 and cpu)!"):
        call(a, c)
    assert janus.equal(a, before)  # nothing ran


def test_two_cuda_devices_mixed():
    with pytest.raises(RuntimeError, match="cuda:0 and cuda:1"):
        claim(janus.ones(2), "cuda:0") + claim(janus.ones(2), "cuda:1")


def test_op_without_a_cuda_kernel_names_op_and_device():
    c = claim(janus.ones(4))
    with pytest.raises(NotImplementedError, match="no cuda kernel for 'cumsum' yet .*cuda:0"):
        janus.cumsum(c, 0)
    try:  # reading an index is a view (select): no data is touched, or, with no backend, an error
        view = c[0]
    except NotImplementedError as e:
        assert "cuda" in str(e)
    else:
        assert view.device == janus.device("cuda:0")
    with pytest.raises(NotImplementedError, match="cuda"):
        c[0] = 1.0  # writing through an index runs CPU kernels: refused on a device
    with pytest.raises(TypeError, match="can't convert cuda:0 device type tensor to numpy"):
        c.__array_interface__


@no_device
def test_python_numbers_and_cpu_scalars_are_not_a_second_device():
    # 0-d CPU tensors may join a CUDA op (PyTorch's rule): with no device the call fails on
    # the device itself, never with the mixed-device error.
    c = claim(janus.ones(2))
    for other in (2.0, janus.tensor(2.0)):
        with pytest.raises((RuntimeError, NotImplementedError)) as e:
            c * other
        assert "same device" not in str(e.value)


def test_cpu_ops_unchanged_after_device_checks():
    a = janus.arange(6.0).view(2, 3)
    r = ref.arange(6.0).view(2, 3)
    assert (a + 1).tolist() == (r + 1).tolist()
    assert a.sum(1).tolist() == r.sum(1).tolist()


@no_device
def test_streams_and_events_need_a_device():
    # PyTorch's error without a driver/device; a None stream context changes nothing.
    with pytest.raises((RuntimeError, AssertionError)):
        janus.cuda.Stream()
    with pytest.raises((RuntimeError, AssertionError)):
        janus.cuda.Event()
    with janus.cuda.stream(None) as s:
        assert s is None
