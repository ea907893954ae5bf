"""The launch path a CUDA graph needs: a few ops captured on a side stream (no host
synchronization anywhere in them), instantiated, then replayed on new input values; each
replay must equal the same ops computed in float64 on the CPU. Skips when there is no device."""
import pytest

import janus as torch

pytestmark = pytest.mark.needs_device


def test_capture_and_replay_a_small_op_sequence():
    cuda = torch.cuda._lazy_init()  # the _janus_cuda module: stream and capture hooks
    torch.manual_seed(0)
    w_host, b_host = torch.randn(16, 8), torch.randn(8)
    x = torch.zeros(4, 16, device="cuda")
    w, b = w_host.cuda(), b_host.cuda()
    torch.cuda.synchronize()

    side = cuda._stream_create()
    previous = cuda._set_stream(side)
    try:
        def step():
            h = torch.addmm(b, x, w)
            return torch.softmax(torch.relu(h), 1).sum(0), h
        step()  # warm up on the side stream: the allocator caches blocks for it
        cuda._stream_synchronize(side)
        cuda._capture_begin(side)
        out, hidden = step()  # kept alive: the graph writes into their memory on every replay
        graph = cuda._capture_end(side)
    finally:
        cuda._set_stream(previous)

    for seed in (1, 2):
        torch.manual_seed(seed)
        x_host = torch.randn(4, 16)
        x.copy_(x_host)  # new input values, in place, on the default stream
        torch.cuda.synchronize()
        cuda._graph_replay(graph, side)
        cuda._stream_synchronize(side)
        h = torch.addmm(b_host.double(), x_host.double(), w_host.double())
        want = torch.softmax(torch.relu(h), 1).sum(0)
        assert torch.allclose(hidden.cpu().double(), h, rtol=1e-4, atol=1e-4)
        assert torch.allclose(out.cpu().double(), want, rtol=1e-4, atol=1e-4)
    cuda._graph_destroy(graph)
