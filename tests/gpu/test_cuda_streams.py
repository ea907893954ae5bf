"""torch.cuda.Stream / Event / stream() on a device: ops run on the current stream, events
order two streams and time work, and every result equals the CPU's in float64. Skips when
there is no device (run_if_device.py)."""
import pytest

import janus as torch

pytestmark = pytest.mark.needs_device


def test_ops_run_on_the_stream_of_the_with_block():
    torch.manual_seed(0)
    a_host, b_host = torch.randn(64, 32, dtype=torch.float64), torch.randn(32, 16, dtype=torch.float64)
    a, b = a_host.cuda(), b_host.cuda()
    torch.cuda.synchronize()
    side = torch.cuda.Stream()
    default = torch.cuda.current_stream()
    assert default == torch.cuda.default_stream()
    with torch.cuda.stream(side):
        assert torch.cuda.current_stream() == side
        out = torch.softmax(a @ b, 1).sum(0)
    assert torch.cuda.current_stream() == default
    side.synchronize()
    assert side.query()
    assert torch.allclose(out.cpu(), torch.softmax(a_host @ b_host, 1).sum(0), rtol=1e-12, atol=1e-12)


def test_an_event_orders_two_streams_and_times_work():
    producer, consumer = torch.cuda.Stream(), torch.cuda.Stream()
    x_host = torch.randn(256, 256, dtype=torch.float64)
    x = x_host.cuda()
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    with torch.cuda.stream(producer):
        start.record()
        y = (x @ x).relu()
        end.record()
    consumer.wait_stream(producer)
    with torch.cuda.stream(consumer):
        z = y.sum(1)
    consumer.synchronize()
    assert end.query()
    assert start.elapsed_time(end) >= 0.0
    assert torch.allclose(z.cpu(), (x_host @ x_host).relu().sum(1), rtol=1e-10, atol=1e-8)
