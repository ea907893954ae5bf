"""Conv1d/Conv2d, pooling, Flatten and Dropout2d modules against Debian's torch 1.13: the same
seed gives the same initial weights (kaiming_uniform_ a=sqrt(5), bias uniform) and the same
channel-dropout masks; a pytorch/examples mnist Net (conv, max_pool2d, dropout, Adadelta,
StepLR, shuffled DataLoader) trains with the same per-step losses; bad arguments raise torch's
exception types. The ops themselves (forward, float64 gradients, non-contiguous inputs) are in
tests/tensor/test_ops_differential.py."""
import io

import numpy as np
import pytest

import janus
import torch

from conftest import to_numpy


@pytest.mark.parametrize("name,args,kwargs", [
    ("Conv2d", (3, 8, 3), {}),
    ("Conv2d", (4, 6, (2, 3)), {"stride": 2, "padding": 1, "groups": 2, "bias": False}),
    ("Conv2d", (1, 32, 3, 1), {}),
    ("Conv1d", (3, 5, 4), {"padding": "same", "dilation": 2}),
])
def test_conv_init_and_forward_match_torch(name, args, kwargs):
    janus.manual_seed(1)
    torch.manual_seed(1)
    j, t = getattr(janus.nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    assert repr(j) == repr(t)
    assert sorted(j.state_dict()) == sorted(t.state_dict())
    for key, value in t.state_dict().items():
        assert j.state_dict()[key].tolist() == value.tolist(), key  # bit for bit
    shape = (2, args[0], 9, 10) if name == "Conv2d" else (2, args[0], 11)
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    xj, xt = janus.from_numpy(x.copy()).requires_grad_(), torch.from_numpy(x.copy()).requires_grad_()
    yj, yt = j(xj), t(xt)
    np.testing.assert_allclose(to_numpy(yj), to_numpy(yt), rtol=1e-4, atol=1e-5)
    yj.square().sum().backward()
    yt.square().sum().backward()
    np.testing.assert_allclose(to_numpy(xj.grad), to_numpy(xt.grad), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(to_numpy(j.weight.grad), to_numpy(t.weight.grad), rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize("make", [
    lambda nn: nn.MaxPool2d(2),
    lambda nn: nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True),
    lambda nn: nn.AvgPool2d(2, stride=1),
    lambda nn: nn.AvgPool2d(3, padding=1, ceil_mode=True, count_include_pad=False),
    lambda nn: nn.AdaptiveAvgPool2d((2, 3)),
    lambda nn: nn.Flatten(),
    lambda nn: nn.Flatten(0, 2),
])
def test_pool_and_flatten_modules(make):
    j, t = make(janus.nn), make(torch.nn)
    assert repr(j) == repr(t)
    x = np.random.default_rng(1).standard_normal((2, 3, 7, 6))
    np.testing.assert_allclose(to_numpy(j(janus.from_numpy(x.copy()))), to_numpy(t(torch.from_numpy(x.copy()))),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("shape", [(4, 6, 3, 3), (3, 5, 7)])
@pytest.mark.parametrize("p", [0.0, 0.3, 1.0])
def test_dropout2d_masks_match_torch(shape, p):
    import warnings
    x = np.random.default_rng(2).standard_normal(shape).astype(np.float32)
    janus.manual_seed(9)
    torch.manual_seed(9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        j = janus.nn.Dropout2d(p)(janus.from_numpy(x.copy()))
        t = torch.nn.Dropout2d(p)(torch.from_numpy(x.copy()))
    assert j.tolist() == t.tolist()
    assert janus.rand(2).tolist() == torch.rand(2).tolist()  # the same number of draws
    m = janus.nn.Dropout2d(0.5).eval()
    xj = janus.from_numpy(x.copy())
    assert m(xj) is xj


def _net(lib):
    nn, F = lib.nn, lib.nn.functional

    class Net(nn.Module):  # pytorch/examples mnist's Net, scaled to 14x14 inputs
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 8, 3, 1)
            self.conv2 = nn.Conv2d(8, 16, 3, 1)
            self.dropout1 = nn.Dropout(0.25)
            self.dropout2 = nn.Dropout(0.5)
            self.fc1 = nn.Linear(400, 32)
            self.fc2 = nn.Linear(32, 10)

        def forward(self, x):
            x = F.relu(self.conv2(F.relu(self.conv1(x))))
            x = self.dropout1(F.max_pool2d(x, 2))
            x = self.dropout2(F.relu(self.fc1(lib.flatten(x, 1))))
            return F.log_softmax(self.fc2(x), dim=1)
    return Net


def _train(lib):
    lib.manual_seed(1)
    images = (lib.rand(96, 1, 14, 14) - 0.1307) / 0.3081
    labels = lib.randint(0, 10, (96,))
    loader = lib.utils.data.DataLoader(lib.utils.data.TensorDataset(images, labels), batch_size=32, shuffle=True)
    model = _net(lib)()
    optimizer = lib.optim.Adadelta(model.parameters(), lr=1.0)
    scheduler = lib.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.7)
    losses = []
    for _ in range(2):
        model.train()
        for data, target in loader:
            optimizer.zero_grad()
            loss = lib.nn.functional.nll_loss(model(data), target)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        scheduler.step()
    return losses


def test_mnist_net_trains_like_torch():
    mine, ref = _train(janus), _train(torch)
    np.testing.assert_allclose(mine, ref, rtol=1e-4)


def test_conv_checkpoint_moves_between_runtimes():
    janus.manual_seed(3)
    j = janus.nn.Conv2d(2, 3, 2)
    buffer = io.BytesIO()
    janus.save(j.state_dict(), buffer)
    t = torch.nn.Conv2d(2, 3, 2)
    t.load_state_dict(torch.load(io.BytesIO(buffer.getvalue())))
    x = np.random.default_rng(3).standard_normal((1, 2, 4, 4)).astype(np.float32)
    np.testing.assert_allclose(to_numpy(j(janus.from_numpy(x.copy()))), to_numpy(t(torch.from_numpy(x.copy()))),
                               rtol=1e-5, atol=1e-6)


def _raises(fn):
    with pytest.raises(Exception) as info:
        fn()
    return info.type


@pytest.mark.parametrize("call", [
    lambda lib: lib.nn.functional.conv2d(lib.zeros(1, 3, 5, 5), lib.zeros(2, 2, 3, 3)),       # channels
    lambda lib: lib.nn.functional.conv2d(lib.zeros(1, 1, 2, 2), lib.zeros(2, 1, 3, 3)),       # kernel > input
    lambda lib: lib.nn.functional.conv2d(lib.zeros(5, 5), lib.zeros(2, 1, 3, 3)),             # 2-D input
    lambda lib: lib.nn.functional.conv2d(lib.zeros(1, 1, 5, 5), lib.zeros(2, 1, 3, 3), lib.zeros(3)),  # bias size
    lambda lib: lib.nn.functional.conv2d(lib.zeros(1, 1, 5, 5, dtype=lib.float64), lib.zeros(2, 1, 3, 3)),  # dtypes
    lambda lib: lib.nn.functional.conv2d(lib.zeros(1, 1, 5, 5), lib.zeros(2, 1, 3, 3), padding="same", stride=2),
    lambda lib: lib.nn.functional.conv2d(lib.zeros(1, 1, 5, 5), lib.zeros(2, 1, 3, 3), padding="full"),
    lambda lib: lib.nn.functional.conv1d(lib.zeros(1, 2, 5), lib.zeros(2, 1, 3)),
    lambda lib: lib.nn.functional.max_pool2d(lib.zeros(1, 1, 4, 4), 2, padding=2),            # pad > kernel/2
    lambda lib: lib.nn.functional.max_pool2d(lib.zeros(1, 1, 1, 1), 3),                       # output too small
    lambda lib: lib.nn.functional.max_pool2d(lib.zeros(4, 4), 2),                             # 2-D input
    lambda lib: lib.nn.functional.adaptive_avg_pool2d(lib.zeros(1, 2, 0, 4), 2),
    lambda lib: lib.nn.Conv2d(3, 4, 3, groups=2),
    lambda lib: lib.nn.Conv2d(2, 4, 3, padding="same", stride=2),
    lambda lib: lib.nn.functional.dropout2d(lib.zeros(2, 2, 2, 2), p=1.5),
])
def test_bad_arguments_raise_torchs_exception_types(call):
    assert _raises(lambda: call(janus)) is _raises(lambda: call(torch))


def test_integer_pooling_is_a_named_gap():
    # torch pools int64 tensors; Janus's pooling is floating point only and says so.
    with pytest.raises(RuntimeError, match="avg_pool2d.*Long"):
        janus.nn.functional.avg_pool2d(janus.ones(1, 1, 4, 4, dtype=janus.int64), 2)


def test_large_batches_are_convolved_in_chunks_with_the_same_result():
    # Over 4 MB of im2col columns the batch is split (tensor/ops/conv.cpp): values and float64
    # gradients must not change.
    rng = np.random.default_rng(5)
    x, w, b = rng.standard_normal((10, 16, 40, 40)), rng.standard_normal((8, 16, 3, 3)), rng.standard_normal(8)
    js = [janus.from_numpy(v.copy()).requires_grad_() for v in (x, w, b)]
    ts = [torch.from_numpy(v.copy()).requires_grad_() for v in (x, w, b)]
    yj = janus.nn.functional.conv2d(*js, padding=1)
    yt = torch.nn.functional.conv2d(*ts, padding=1)
    np.testing.assert_allclose(to_numpy(yj), to_numpy(yt), rtol=1e-10, atol=1e-10)
    g = rng.standard_normal(tuple(yt.shape))
    (yj * janus.from_numpy(g.copy())).sum().backward()
    (yt * torch.from_numpy(g.copy())).sum().backward()
    for j, t in zip(js, ts):
        np.testing.assert_allclose(to_numpy(j.grad), to_numpy(t.grad), rtol=1e-10, atol=1e-9)
