"""nn.Module semantics against torch 1.13: registration, traversal order, state_dict keys,
load_state_dict errors, repr, modes, conversion."""
from collections import OrderedDict

import pytest

import janus
import janus.nn as jnn
import torch
import torch.nn as tnn

from conftest import copy_weights, to_janus


def build(nn):
    """The same composite model in either library."""
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(10, 4)
            self.rnn = nn.LSTM(4, 6, num_layers=2, bidirectional=True)
            self.gru = nn.GRU(4, 3, batch_first=True)
            self.cell = nn.RNNCell(4, 5, nonlinearity="relu")
            self.norm = nn.LayerNorm(12)
            self.head = nn.Sequential(nn.Linear(12, 8), nn.ReLU(), nn.Dropout(0.1),
                                      nn.Linear(8, 2, bias=False), nn.Tanh())
            self.blocks = nn.ModuleList([nn.Linear(2, 2), nn.Sigmoid()])
            self.table = nn.ModuleDict({"b": nn.Linear(2, 1), "a": nn.GRUCell(2, 2)})
            self.loss = nn.CrossEntropyLoss(weight=torch_or_janus(nn).ones(2))
            self.register_buffer("steps", torch_or_janus(nn).zeros(3))
            self.register_buffer("scratch", torch_or_janus(nn).zeros(1), persistent=False)
            self.scale = nn.Parameter(torch_or_janus(nn).ones(1))
    return Net()


def torch_or_janus(nn):
    return janus if nn is jnn else torch


def test_state_dict_keys_match_torch():
    j, t = build(jnn), build(tnn)
    assert list(j.state_dict().keys()) == list(t.state_dict().keys())
    assert [n for n, _ in j.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert [n for n, _ in j.named_buffers()] == [n for n, _ in t.named_buffers()]
    assert [n for n, _ in j.named_modules()] == [n for n, _ in t.named_modules()]
    assert [n for n, _ in j.named_children()] == [n for n, _ in t.named_children()]
    shapes_j = {k: tuple(v.shape) for k, v in j.state_dict().items()}
    shapes_t = {k: tuple(v.shape) for k, v in t.state_dict().items()}
    assert shapes_j == shapes_t


def test_state_dict_metadata_matches_torch():
    j, t = build(jnn), build(tnn)
    assert j.state_dict()._metadata == t.state_dict()._metadata


def test_repr_matches_torch():
    assert repr(build(jnn)) == repr(build(tnn))


def test_load_state_dict_from_torch_model():
    j, t = build(jnn), build(tnn)
    result = j.load_state_dict({k: to_janus(v) for k, v in t.state_dict().items()})
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert repr(result) == repr(t.load_state_dict(t.state_dict()))
    for k, v in j.state_dict().items():
        assert (v.numpy() == t.state_dict()[k].numpy()).all(), k


def _error(model, sd, strict=True):
    with pytest.raises(RuntimeError) as info:
        model.load_state_dict(sd, strict=strict)
    return str(info.value).replace("janus.Size", "torch.Size")


@pytest.mark.parametrize("strict", [True, False])
def test_load_state_dict_errors_match_torch(strict):
    j, t = jnn.Sequential(jnn.Linear(3, 2)), tnn.Sequential(tnn.Linear(3, 2))
    sd_t = OrderedDict([("0.weight", torch.zeros(2, 2)), ("extra", torch.zeros(1))])
    sd_j = OrderedDict((k, to_janus(v)) for k, v in sd_t.items())
    assert _error(j, sd_j, strict) == _error(t, sd_t, strict)


def test_non_strict_load_reports_keys_like_torch():
    j, t = jnn.Linear(3, 2), tnn.Linear(3, 2)
    rj = j.load_state_dict({"weight": janus.zeros(2, 3), "junk": janus.zeros(1)}, strict=False)
    rt = t.load_state_dict({"weight": torch.zeros(2, 3), "junk": torch.zeros(1)}, strict=False)
    assert (rj.missing_keys, rj.unexpected_keys) == (rt.missing_keys, rt.unexpected_keys)


@pytest.mark.parametrize("case", ["param_as_tensor", "module_as_int", "buffer_as_str",
                                  "register_bad_param", "dotted_buffer", "before_init"])
def test_assignment_errors_match_torch(case):
    def attempt(nn, lib):
        m = nn.Linear(2, 2)
        if case == "param_as_tensor":
            m.weight = lib.zeros(2, 2)
        elif case == "module_as_int":
            s = nn.Sequential(nn.ReLU())
            setattr(s, "0", 3)
        elif case == "buffer_as_str":
            m.register_buffer("b", lib.zeros(1))
            m.b = "x"
        elif case == "register_bad_param":
            m.register_parameter("p", lib.zeros(1))
        elif case == "dotted_buffer":
            m.register_buffer("a.b", lib.zeros(1))
        elif case == "before_init":
            class Bad(nn.Module):
                def __init__(self):
                    self.p = nn.Parameter(lib.zeros(1))
            Bad()

    errors = []
    for nn, lib in ((tnn, torch), (jnn, janus)):
        with pytest.raises(Exception) as info:
            attempt(nn, lib)
        errors.append((type(info.value), str(info.value)))
    assert errors[0] == errors[1]


def test_registration_by_assignment():
    m = jnn.Module()
    m.lin = jnn.Linear(2, 2)
    m.p = jnn.Parameter(janus.ones(2))
    m.register_buffer("buf", janus.zeros(2))
    m.plain = 3
    assert list(m._modules) == ["lin"] and list(m._parameters) == ["p"]
    assert list(m._buffers) == ["buf"] and m.plain == 3
    m.buf = janus.ones(2)  # reassigning a buffer keeps it a buffer
    assert list(m._buffers) == ["buf"] and m.buf.sum().item() == 2
    m.p = None
    assert m.p is None and "p" in m._parameters
    del m.lin
    assert "lin" not in m._modules
    with pytest.raises(AttributeError, match="'Module' object has no attribute 'lin'"):
        m.lin


def test_shared_parameters_listed_once_like_torch():
    def tied(nn):
        a = nn.Linear(3, 3)
        s = nn.Sequential(a, nn.ReLU(), a)
        return s
    j, t = tied(jnn), tied(tnn)
    assert len(list(j.parameters())) == len(list(t.parameters())) == 2
    assert list(j.state_dict()) == list(t.state_dict())


def test_train_eval_propagate():
    j = build(jnn)
    j.eval()
    assert all(not m.training for m in j.modules())
    j.train()
    assert all(m.training for m in j.modules())
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        j.train("yes")


def test_zero_grad_default_matches_torch_1_13():
    for nn, lib in ((jnn, janus), (tnn, torch)):
        m = nn.Linear(2, 1)
        m(lib.ones(1, 2)).sum().backward()
        m.zero_grad()
        assert m.weight.grad is not None and m.weight.grad.abs().sum().item() == 0
        m.zero_grad(set_to_none=True)
        assert m.weight.grad is None


def test_double_float_keep_parameter_objects():
    m = jnn.Sequential(jnn.Linear(2, 2), jnn.Embedding(3, 2))
    params = list(m.parameters())
    m.double()
    assert [p is q for p, q in zip(params, m.parameters())] == [True] * 3
    assert all(p.dtype == janus.float64 for p in m.parameters())
    m.float()
    assert all(p.dtype == janus.float32 for p in m.parameters())
    m.to(janus.float64)
    assert m[0].weight.dtype == janus.float64
    with pytest.raises(TypeError, match="only accepts floating point"):
        m.to(janus.int64)


def test_to_leaves_integer_buffers():
    m = jnn.Linear(2, 2)
    m.register_buffer("count", janus.zeros(1, dtype=janus.int64))
    m.double()
    assert m.count.dtype == janus.int64 and m.weight.dtype == janus.float64


def test_apply_and_requires_grad():
    m = jnn.Sequential(jnn.Linear(2, 2), jnn.Linear(2, 2))
    seen = []
    m.apply(lambda mod: seen.append(type(mod).__name__))
    assert seen == ["Linear", "Linear", "Sequential"]
    m.requires_grad_(False)
    assert not any(p.requires_grad for p in m.parameters())


def test_containers_behave_like_torch():
    for nn in (jnn, tnn):
        s = nn.Sequential(nn.Linear(1, 2), nn.ReLU(), nn.Linear(2, 3))
        assert len(s) == 3 and isinstance(s[-1], nn.Linear) and len(s[1:]) == 2
        lst = nn.ModuleList([nn.ReLU()])
        lst.append(nn.Tanh())
        lst.extend([nn.Sigmoid()])
        lst.insert(0, nn.Linear(1, 1))
        assert [type(x).__name__ for x in lst] == ["Linear", "ReLU", "Tanh", "Sigmoid"]
        d = nn.ModuleDict([("x", nn.ReLU())])
        d["y"] = nn.Tanh()
        assert list(d.keys()) == ["x", "y"] and "y" in d
    assert repr(jnn.ModuleList([jnn.ReLU(), jnn.Tanh()])) == \
        repr(tnn.ModuleList([tnn.ReLU(), tnn.Tanh()]))


def test_missing_forward_names_module():
    with pytest.raises(NotImplementedError, match=r"Module \[Module\] is missing the required"):
        jnn.Module()(1)


def test_parameter_is_tensor_subclass():
    p = jnn.Parameter(janus.zeros(2))
    assert isinstance(p, janus.Tensor) and p.requires_grad
    assert not jnn.Parameter(janus.zeros(2), requires_grad=False).requires_grad
    assert repr(p).startswith("Parameter containing:\n")


def test_copy_between_libraries_gives_same_outputs():
    j, t = build(jnn), build(tnn)
    copy_weights(t, j, to_janus)
    j.eval()
    t.eval()  # dropout off: the two RNGs differ
    out_t = t.head(t.norm(torch.ones(2, 12)))
    out_j = j.head(j.norm(janus.ones(2, 12)))
    assert abs(out_t.sum().item() - out_j.sum().item()) < 1e-5


def test_parameter_containers_match_torch():
    def build_params(nn, lib):
        m = nn.Module()
        m.plist = nn.ParameterList([nn.Parameter(lib.ones(2, 3)), lib.zeros(2)])
        m.plist.append(nn.Parameter(lib.ones(1)))
        m.pdict = nn.ParameterDict({"b": nn.Parameter(lib.ones(2)),
                                    "a": lib.zeros(1, dtype=lib.float64)})
        m.pdict["c"] = nn.Parameter(lib.ones(3))
        return m
    j, t = build_params(jnn, janus), build_params(tnn, torch)
    assert repr(j) == repr(t)
    assert list(j.state_dict()) == list(t.state_dict())
    assert type(j.plist[1]).__name__ == type(t.plist[1]).__name__ == "Parameter"
    assert len(j.plist) == 3 and list(j.pdict.keys()) == list(t.pdict.keys())
    assert [n for n, _ in j.named_parameters()] == [n for n, _ in t.named_parameters()]


def test_plain_pickle_keeps_parameters():
    import pickle
    m = jnn.Sequential(jnn.Linear(2, 3))
    m[0].bias.requires_grad_(False)
    m2 = pickle.loads(pickle.dumps(m))
    assert type(m2[0].weight) is jnn.Parameter and m2[0].weight.requires_grad
    assert type(m2[0].bias) is jnn.Parameter and not m2[0].bias.requires_grad
    assert m2[0].weight.tolist() == m[0].weight.tolist()
    assert list(m2.state_dict()) == list(m.state_dict())
