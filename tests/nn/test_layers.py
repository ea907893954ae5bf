"""Layers, losses, init and gradient clipping against torch 1.13: same weights and inputs
give the same outputs and the same gradients."""
import math

import numpy as np
import pytest

import janus
import janus.nn as jnn
import torch
import torch.nn as tnn

from conftest import assert_close, copy_weights, to_janus, to_numpy


def twin(name, *args, **kwargs):
    """The module in both libraries, janus's weights copied from torch's."""
    torch.manual_seed(0)  # the same weights on every run
    t = getattr(tnn, name)(*args, **kwargs)
    j = getattr(jnn, name)(*args, **kwargs)
    copy_weights(t, j, to_janus)
    return j, t


def inputs(rng, shape, dtype=np.float32):
    x = rng.standard_normal(shape).astype(dtype)
    xj = janus.from_numpy(x.copy()).requires_grad_()
    xt = torch.from_numpy(x.copy()).requires_grad_()
    return xj, xt


def check_grads(j, t, xj, xt, rtol=1e-5, atol=1e-6):
    assert_close(xj.grad, xt.grad, rtol, atol)
    for (nj, pj), (nt, pt) in zip(j.named_parameters(), t.named_parameters()):
        assert nj == nt
        assert_close(pj.grad, pt.grad, rtol, atol)


def flatten(out):
    if isinstance(out, tuple):
        return [o for item in out for o in flatten(item)]
    return [out]


def run_both(j, t, xj, xt, *extra):
    oj, ot = j(xj, *extra[:1]), t(xt, *extra[1:2])
    fj, ft = flatten(oj), flatten(ot)
    assert len(fj) == len(ft)
    for a, b in zip(fj, ft):
        assert tuple(a.shape) == tuple(b.shape)
        assert_close(a, b, rtol=1e-5, atol=1e-5)
    sum(o.sum() for o in fj).backward()
    sum(o.sum() for o in ft).backward()
    check_grads(j, t, xj, xt, rtol=1e-4, atol=1e-5)


def test_linear(rng):
    j, t = twin("Linear", 5, 3)
    run_both(j, t, *inputs(rng, (4, 5)))
    j, t = twin("Linear", 5, 3, bias=False)
    run_both(j, t, *inputs(rng, (2, 4, 5)))


@pytest.mark.parametrize("name,kwargs", [("ReLU", {}), ("Tanh", {}), ("Sigmoid", {}),
                                         ("GELU", {}), ("GELU", {"approximate": "tanh"}),
                                         ("SiLU", {}), ("LeakyReLU", {}),
                                         ("LeakyReLU", {"negative_slope": 0.2}),
                                         ("Flatten", {}), ("Flatten", {"start_dim": 0}),
                                         ("Identity", {})])
def test_activations_and_shape_modules(rng, name, kwargs):
    j, t = twin(name, **kwargs)
    assert repr(j) == repr(t)
    run_both(j, t, *inputs(rng, (3, 4, 2)))


@pytest.mark.parametrize("name", ["Softmax", "LogSoftmax"])
def test_softmax_modules(rng, name):
    j, t = twin(name, dim=1)
    xj, xt = inputs(rng, (3, 4))
    assert_close(j(xj), t(xt))
    assert repr(j) == repr(t)


def test_layer_norm(rng):
    j, t = twin("LayerNorm", 6)
    with torch.no_grad():
        t.weight.uniform_(0.5, 1.5)
        t.bias.uniform_(-1, 1)
    copy_weights(t, j, to_janus)
    run_both(j, t, *inputs(rng, (3, 6)))


def test_embedding(rng):
    j, t = twin("Embedding", 7, 3, padding_idx=0)
    idx = np.array([[0, 3, 6], [1, 1, 2]], dtype=np.int64)
    oj, ot = j(janus.from_numpy(idx.copy())), t(torch.from_numpy(idx.copy()))
    assert_close(oj, ot)
    oj.sum().backward()
    ot.sum().backward()
    assert_close(j.weight.grad, t.weight.grad)
    assert repr(j) == repr(t)


def test_embedding_init_zeroes_padding_row():
    e = jnn.Embedding(5, 4, padding_idx=2)
    assert e.weight[2].abs().sum().item() == 0


def test_dropout_eval_is_identity_and_train_is_scaled(rng):
    d = jnn.Dropout(0.5)
    x = janus.ones(1000)
    d.eval()
    assert d(x).sum().item() == 1000
    d.train()
    out = to_numpy(d(x))
    assert set(np.unique(out).tolist()) <= {0.0, 2.0}
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1"):
        jnn.Dropout(1.5)


CELLS = [("LSTMCell", {}), ("GRUCell", {}), ("RNNCell", {"nonlinearity": "tanh"}),
         ("RNNCell", {"nonlinearity": "relu"}), ("LSTMCell", {"bias": False})]


@pytest.mark.parametrize("name,kwargs", CELLS)
def test_cells(rng, name, kwargs):
    j, t = twin(name, 3, 4, **kwargs)
    assert repr(j) == repr(t)
    xj, xt = inputs(rng, (2, 3))
    h = rng.standard_normal((2, 4)).astype(np.float32)
    if name == "LSTMCell":
        c = rng.standard_normal((2, 4)).astype(np.float32)
        sj = (janus.from_numpy(h.copy()), janus.from_numpy(c.copy()))
        st = (torch.from_numpy(h.copy()), torch.from_numpy(c.copy()))
    else:
        sj, st = janus.from_numpy(h.copy()), torch.from_numpy(h.copy())
    run_both(j, t, xj, xt, sj, st)


@pytest.mark.parametrize("name", ["LSTMCell", "GRUCell", "RNNCell"])
def test_cells_unbatched_and_default_state(rng, name):
    j, t = twin(name, 3, 4)
    run_both(j, t, *inputs(rng, (3,)))


RNNS = [
    ("LSTM", dict(num_layers=1)),
    ("LSTM", dict(num_layers=2, batch_first=True)),
    ("LSTM", dict(num_layers=2, bidirectional=True)),
    ("GRU", dict(num_layers=2, bidirectional=True, batch_first=True)),
    ("RNN", dict(num_layers=2, nonlinearity="relu")),
    ("RNN", dict(num_layers=1, bias=False)),
]


@pytest.mark.parametrize("name,kwargs", RNNS)
def test_recurrent_layers(rng, name, kwargs):
    j, t = twin(name, 3, 5, **kwargs)
    assert list(j.state_dict()) == list(t.state_dict())
    assert repr(j) == repr(t)
    batch_first = kwargs.get("batch_first", False)
    xj, xt = inputs(rng, (2, 4, 3) if batch_first else (4, 2, 3))
    run_both(j, t, xj, xt)


def test_lstm_with_initial_state(rng):
    j, t = twin("LSTM", 3, 5, num_layers=2, bidirectional=True)
    xj, xt = inputs(rng, (4, 2, 3))
    h = rng.standard_normal((4, 2, 5)).astype(np.float32)
    c = rng.standard_normal((4, 2, 5)).astype(np.float32)
    run_both(j, t, xj, xt, (janus.from_numpy(h.copy()), janus.from_numpy(c.copy())),
             (torch.from_numpy(h.copy()), torch.from_numpy(c.copy())))


def test_gru_unbatched(rng):
    j, t = twin("GRU", 3, 5, num_layers=2)
    run_both(j, t, *inputs(rng, (4, 3)))


def test_rnn_bad_hidden_shape_raises_like_torch(rng):
    j, t = twin("LSTM", 3, 5)
    errors = []
    for m, lib in ((j, janus), (t, torch)):
        with pytest.raises(RuntimeError) as info:
            m(lib.zeros(4, 2, 3), (lib.zeros(1, 3, 5), lib.zeros(1, 2, 5)))
        errors.append(str(info.value))
    assert errors[0] == errors[1]
    with pytest.raises(ValueError, match="Expected input to be 2-D or 3-D"):
        j(janus.zeros(1, 2, 3, 4))


def test_rnn_default_init_bound():
    m = jnn.GRU(3, 25, num_layers=2)
    bound = 1 / math.sqrt(25)
    for p in m.parameters():
        assert p.abs().max().item() <= bound


LOSSES = [("MSELoss", {}), ("L1Loss", {}), ("SmoothL1Loss", {}),
          ("SmoothL1Loss", {"beta": 0.5, "reduction": "sum"}), ("MSELoss", {"reduction": "none"})]


@pytest.mark.parametrize("name,kwargs", LOSSES)
def test_regression_losses(rng, name, kwargs):
    j, t = twin(name, **kwargs)
    xj, xt = inputs(rng, (4, 3))
    y = rng.standard_normal((4, 3)).astype(np.float32)
    lj, lt = j(xj, janus.from_numpy(y.copy())), t(xt, torch.from_numpy(y.copy()))
    assert_close(lj, lt)
    lj.sum().backward()
    lt.sum().backward()
    assert_close(xj.grad, xt.grad)


@pytest.mark.parametrize("name", ["CrossEntropyLoss", "NLLLoss"])
@pytest.mark.parametrize("kwargs", [{}, {"reduction": "sum"}, {"ignore_index": 1},
                                    {"weight": [1.0, 2.0, 0.5]}])
def test_classification_losses(rng, name, kwargs):
    kw_t, kw_j = dict(kwargs), dict(kwargs)
    if "weight" in kwargs:
        kw_t["weight"] = torch.tensor(kwargs["weight"])
        kw_j["weight"] = janus.tensor(kwargs["weight"])
    t, j = getattr(tnn, name)(**kw_t), getattr(jnn, name)(**kw_j)
    xj, xt = inputs(rng, (5, 3))
    target = np.array([0, 1, 2, 1, 0], dtype=np.int64)
    if name == "NLLLoss":
        xj2, xt2 = xj.log_softmax(1), xt.log_softmax(1)
    else:
        xj2, xt2 = xj, xt
    lj, lt = j(xj2, janus.from_numpy(target.copy())), t(xt2, torch.from_numpy(target.copy()))
    assert_close(lj, lt)
    lj.backward()
    lt.backward()
    assert_close(xj.grad, xt.grad)
    assert list(j.state_dict()) == list(t.state_dict())


@pytest.mark.parametrize("nonlinearity,param", [("linear", None), ("relu", None),
                                                ("tanh", None), ("leaky_relu", 0.2),
                                                ("leaky_relu", None), ("selu", None)])
def test_calculate_gain(nonlinearity, param):
    assert jnn.init.calculate_gain(nonlinearity, param) == \
        tnn.init.calculate_gain(nonlinearity, param)


@pytest.mark.parametrize("shape", [(7, 3), (4, 3, 5), (2, 3, 4, 5)])
def test_fan_computation(shape):
    assert jnn.init._calculate_fan_in_and_fan_out(janus.empty(shape)) == \
        tnn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
    with pytest.raises(ValueError, match="Fan in and fan out can not be computed"):
        jnn.init._calculate_fan_in_and_fan_out(janus.empty(3))


def _bound_check(tensor, bound):
    values = to_numpy(tensor)
    assert np.abs(values).max() <= bound * (1 + 1e-6)
    assert np.abs(values).max() > 0.9 * bound  # 4000 samples reach the edge of the range


def test_uniform_initialisers_respect_pytorch_bounds():
    w = janus.empty(200, 20)
    jnn.init.kaiming_uniform_(w, a=math.sqrt(5))
    gain = math.sqrt(2.0 / (1 + 5))
    _bound_check(w, gain * math.sqrt(3.0 / 20))
    jnn.init.kaiming_uniform_(w, mode="fan_out", nonlinearity="relu")
    _bound_check(w, math.sqrt(2.0) * math.sqrt(3.0 / 200))
    jnn.init.xavier_uniform_(w, gain=2.0)
    _bound_check(w, 2.0 * math.sqrt(6.0 / 220))
    jnn.init.uniform_(w, -0.3, 0.3)
    _bound_check(w, 0.3)


def test_constant_initialisers():
    w = janus.empty(3, 4)
    assert to_numpy(jnn.init.zeros_(w)).sum() == 0
    assert to_numpy(jnn.init.ones_(w)).sum() == 12
    assert to_numpy(jnn.init.constant_(w, 2.5)).sum() == 30
    jnn.init.normal_(w, 5.0, 1e-3)
    assert abs(to_numpy(w).mean() - 5.0) < 0.01


def test_linear_default_init_bounds():
    m = jnn.Linear(50, 400)
    _bound_check(m.weight, 1 / math.sqrt(50))
    assert to_numpy(m.bias).max() <= 1 / math.sqrt(50)


@pytest.mark.parametrize("norm_type", [2.0, 1.0, math.inf])
def test_clip_grad_norm_matches_torch(rng, norm_type):
    grads = [rng.standard_normal(s).astype(np.float32) for s in [(3, 4), (5,)]]
    pj = [jnn.Parameter(janus.zeros(g.shape)) for g in grads]
    pt = [tnn.Parameter(torch.zeros(g.shape)) for g in grads]
    for p, g in zip(pj, grads):
        p.grad = janus.from_numpy(g.copy())
    for p, g in zip(pt, grads):
        p.grad = torch.from_numpy(g.copy())
    nj = jnn.utils.clip_grad_norm_(pj, 0.5, norm_type)
    nt = tnn.utils.clip_grad_norm_(pt, 0.5, norm_type)
    assert_close(nj, nt)
    for a, b in zip(pj, pt):
        assert_close(a.grad, b.grad)


def test_clip_grad_value_matches_torch(rng):
    g = rng.standard_normal((4, 4)).astype(np.float32)
    pj, pt = jnn.Parameter(janus.zeros(4, 4)), tnn.Parameter(torch.zeros(4, 4))
    pj.grad, pt.grad = janus.from_numpy(g.copy()), torch.from_numpy(g.copy())
    jnn.utils.clip_grad_value_([pj], 0.3)
    tnn.utils.clip_grad_value_([pt], 0.3)
    assert_close(pj.grad, pt.grad)


def test_dropout_between_rnn_layers(rng):
    """Eval mode: no dropout, same as torch. Training mode: the layer-2 input is dropped
    (outputs change) while a one-layer net ignores the option, as in torch."""
    j, t = twin("LSTM", 3, 5, num_layers=2, dropout=0.5)
    j.eval()
    t.eval()
    run_both(j, t, *inputs(rng, (4, 2, 3)))
    x = janus.from_numpy(rng.standard_normal((6, 2, 3)).astype(np.float32))
    j.train()
    trained = [to_numpy(j(x)[0]) for _ in range(3)]
    j.eval()
    evaluated = to_numpy(j(x)[0])
    assert any(not np.allclose(out, evaluated) for out in trained)
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
        single = jnn.GRU(3, 5, num_layers=1, dropout=0.5)
    assert np.array_equal(to_numpy(single(x)[0]), to_numpy(single(x)[0]))
    assert repr(j) == repr(t)


def test_hooks_are_named_as_unsupported():
    with pytest.raises(NotImplementedError, match="register_forward_hook: module hooks"):
        jnn.Linear(1, 1).register_forward_hook(lambda *a: None)


@pytest.mark.parametrize("case", range(5))
def test_cell_shape_errors_match_torch(case):
    def call(nn, lib):
        c, g = nn.LSTMCell(3, 4), nn.GRUCell(3, 4)
        z = lib.zeros
        [lambda: c(z(2, 5)),
         lambda: c(z(2, 3), (z(2, 5), z(2, 4))),
         lambda: c(z(2, 3), (z(3, 4), z(3, 4))),
         lambda: g(z(2, 3), z(2, 5)),
         lambda: c(z(2, 3), (z(2, 4), z(2, 5)))][case]()
    errors = []
    for nn, lib in ((tnn, torch), (jnn, janus)):
        with pytest.raises(RuntimeError) as info:
            call(nn, lib)
        errors.append(str(info.value))
    assert errors[1] == errors[0]


def test_cross_entropy_label_smoothing(rng):
    t, j = tnn.CrossEntropyLoss(label_smoothing=0.2), jnn.CrossEntropyLoss(label_smoothing=0.2)
    xj, xt = inputs(rng, (4, 3))
    target = np.array([0, 2, 1, 2], dtype=np.int64)
    lj, lt = j(xj, janus.from_numpy(target.copy())), t(xt, torch.from_numpy(target.copy()))
    assert_close(lj, lt)
    lj.backward()
    lt.backward()
    assert_close(xj.grad, xt.grad)


@pytest.mark.parametrize("name", ["BCELoss", "BCEWithLogitsLoss"])
def test_binary_losses_match_torch_or_name_the_missing_functional(rng, name):
    j, t = twin(name)
    assert list(j.state_dict()) == list(t.state_dict())
    x = rng.uniform(0.05, 0.95, (4, 3)).astype(np.float32)
    y = (rng.uniform(0, 1, (4, 3)) > 0.5).astype(np.float32)
    functional = {"BCELoss": "binary_cross_entropy",
                  "BCEWithLogitsLoss": "binary_cross_entropy_with_logits"}[name]
    try:
        lj = j(janus.from_numpy(x.copy()), janus.from_numpy(y.copy()))
    except AttributeError as error:  # the core's functional lacks it: the error names it
        assert f"torch.nn.functional.{functional} is not supported by Janus" in str(error)
        return
    assert_close(lj, t(torch.from_numpy(x.copy()), torch.from_numpy(y.copy())))


@pytest.mark.parametrize("name, kwargs", [("silu", {}), ("leaky_relu", {"negative_slope": 0.2}),
                                          ("relu", {})])
def test_inplace_activations_write_their_input_like_torch(name, kwargs):
    values = [[-1.5, 0.0, 2.0], [0.25, -3.0, 1.0]]
    mine, ref = janus.tensor(values), torch.tensor(values)
    out_mine = getattr(janus.nn.functional, name)(mine, inplace=True, **kwargs)
    out_ref = getattr(torch.nn.functional, name)(ref, inplace=True, **kwargs)
    assert out_mine is mine and out_ref is ref
    np.testing.assert_allclose(mine.numpy(), ref.numpy(), rtol=1e-6)
    kept = janus.tensor(values)
    getattr(janus.nn.functional, name)(kept, **kwargs)
    np.testing.assert_array_equal(kept.numpy(), np.array(values, dtype=np.float32))
