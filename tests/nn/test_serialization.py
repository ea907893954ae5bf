"""janus.save / janus.load against torch.save / torch.load (1.13): files written by either
load in the other, round trips are bit-exact, bad files raise torch's exception types."""
import io
import os
import pickle
import struct
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

import janus
import janus.nn as jnn
from janus import serialization
import torch
import torch.nn as tnn

from conftest import assert_same_bits, to_janus, to_torch


def torch_objects():
    """Tensors of every supported dtype, views sharing storage, a Parameter, containers."""
    base = torch.arange(12, dtype=torch.float32).reshape(3, 4) / 7
    return OrderedDict([
        ("f32", base),
        ("row", base[1]),                 # shares base's storage, offset 4
        ("col", base[:, 2]),              # strided view
        ("t", base.t()),
        ("f64", torch.tensor([1e-300, -2.5, float("inf")], dtype=torch.float64)),
        ("i64", torch.tensor([-(2 ** 62), 3], dtype=torch.int64)),
        ("i32", torch.tensor([[7, -8]], dtype=torch.int32)),
        ("bool", torch.tensor([True, False, True])),
        ("scalar", torch.tensor(3.25)),
        ("empty", torch.zeros(0, 3)),
        ("param", tnn.Parameter(torch.tensor([0.5, -0.25]))),
        ("frozen", tnn.Parameter(torch.ones(2), requires_grad=False)),
        ("nested", {"list": [torch.ones(2), 3, "s"], "tuple": (1.5, None, b"\x00\xff")}),
        ("dtype", torch.float64),
        ("number", 42),
    ])


def check_same(a, b, bits=True):
    """a and b (either library) hold the same values, types and tensor bits."""
    if isinstance(a, (torch.Tensor, janus.Tensor)):
        assert isinstance(b, (torch.Tensor, janus.Tensor))
        assert tuple(a.shape) == tuple(b.shape)
        assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1]
        assert a.requires_grad == b.requires_grad
        assert (type(a).__name__ == "Parameter") == (type(b).__name__ == "Parameter")
        assert_same_bits(a, b)
    elif isinstance(a, dict):
        assert type(a) is type(b) and list(a) == list(b)
        for k in a:
            check_same(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b)
        for x, y in zip(a, b):
            check_same(x, y)
    elif type(a).__name__ == "dtype":
        assert str(a).split(".")[-1] == str(b).split(".")[-1]
    else:
        assert a == b


def test_torch_file_loads_in_janus(tmp_path):
    objs = torch_objects()
    torch.save(objs, tmp_path / "t.pt")
    loaded = janus.load(tmp_path / "t.pt")
    check_same(objs, loaded)
    assert isinstance(loaded["param"], jnn.Parameter)
    assert isinstance(loaded["f32"], janus.Tensor)


def test_shared_storage_survives_torch_to_janus(tmp_path):
    torch.save(torch_objects(), tmp_path / "t.pt")
    loaded = janus.load(tmp_path / "t.pt")
    loaded["f32"][1, 0] = 100.0  # row is a view of f32's storage
    assert loaded["row"][0].item() == 100.0
    assert loaded["col"][1].item() == loaded["f32"][1, 2].item()


def test_round_trip_torch_janus_torch_is_bit_exact(tmp_path):
    objs = torch_objects()
    torch.save(objs, tmp_path / "a.pt")
    janus.save(janus.load(tmp_path / "a.pt"), tmp_path / "b.pt")
    back = torch.load(tmp_path / "b.pt")
    check_same(objs, back)
    assert back["row"].storage().data_ptr() == back["f32"].storage().data_ptr()
    assert isinstance(back["param"], tnn.Parameter)


def test_round_trip_janus_torch_janus_is_bit_exact(tmp_path):
    objs = janus.load(_torch_bytes(torch_objects()))
    janus.save(objs, tmp_path / "a.pt")
    torch.save(torch.load(tmp_path / "a.pt"), tmp_path / "b.pt")
    back = janus.load(tmp_path / "b.pt")
    check_same(objs, back)


def _torch_bytes(obj):
    buf = io.BytesIO()
    torch.save(obj, buf)
    buf.seek(0)
    return buf


def test_janus_writes_each_storage_once(tmp_path):
    base = janus.arange(10, dtype=janus.float32)
    janus.save({"a": base, "b": base[2:5], "c": base[::2]}, tmp_path / "s.pt")
    with zipfile.ZipFile(tmp_path / "s.pt") as z:
        data = [n for n in z.namelist() if "/data/" in n]
        assert len(data) == 1
        assert all(info.compress_type == zipfile.ZIP_STORED for info in z.infolist())
    back = torch.load(tmp_path / "s.pt")
    assert back["b"].storage().data_ptr() == back["a"].storage().data_ptr()
    assert back["c"].tolist() == [0.0, 2.0, 4.0, 6.0, 8.0]


def test_state_dicts_are_interchangeable(tmp_path):
    t = tnn.Sequential(tnn.Linear(3, 4), tnn.LSTM(4, 5, num_layers=2))
    torch.save(t.state_dict(), tmp_path / "t.pt")
    j = jnn.Sequential(jnn.Linear(3, 4), jnn.LSTM(4, 5, num_layers=2))
    j.load_state_dict(janus.load(tmp_path / "t.pt"))
    janus.save(j.state_dict(), tmp_path / "j.pt")
    t2 = tnn.Sequential(tnn.Linear(3, 4), tnn.LSTM(4, 5, num_layers=2))
    t2.load_state_dict(torch.load(tmp_path / "j.pt"))
    for k, v in t.state_dict().items():
        assert_same_bits(t2.state_dict()[k], v)
    assert torch.load(tmp_path / "j.pt")._metadata == t.state_dict()._metadata


def test_optimizer_state_round_trip(tmp_path):
    p = jnn.Parameter(janus.ones(3))
    opt = janus.optim.Adam([p], lr=0.1)
    p.grad = janus.ones(3)
    opt.step()
    janus.save(opt.state_dict(), tmp_path / "o.pt")
    t_state = torch.load(tmp_path / "o.pt")
    tp = tnn.Parameter(torch.ones(3))
    topt = torch.optim.Adam([tp], lr=0.1)
    topt.load_state_dict(t_state)
    assert topt.state_dict()["state"][0]["step"].item() == 1.0


def test_file_objects(tmp_path):
    buf = io.BytesIO()
    janus.save({"x": janus.ones(2)}, buf)
    buf.seek(0)
    assert torch.load(buf)["x"].tolist() == [1.0, 1.0]
    with open(tmp_path / "f.pt", "wb") as f:
        torch.save([torch.zeros(1)], f)
    with open(tmp_path / "f.pt", "rb") as f:
        assert janus.load(f)[0].tolist() == [0.0]


@pytest.mark.parametrize("map_location", [None, "cpu", "device", "callable", "dict"])
def test_map_location(tmp_path, map_location):
    torch.save({"x": torch.ones(2)}, tmp_path / "m.pt")
    arg = {"device": janus.device("cpu"), "callable": lambda storage, loc: storage,
           "dict": {"cpu": "cpu"}}.get(map_location, map_location)
    out = janus.load(tmp_path / "m.pt", map_location=arg)
    assert out["x"].tolist() == [1.0, 1.0] and out["x"].device.type == "cpu"


def _torch_error(path):
    with pytest.raises(Exception) as info:
        torch.load(path)
    return info.value


def _janus_error(path):
    with pytest.raises(Exception) as info:
        janus.load(path)
    return info.value


@pytest.mark.parametrize("damage", ["truncated", "empty", "garbage", "bad_pickle"])
def test_damaged_files_raise_torchs_exception_type(tmp_path, damage):
    torch.save({"a": torch.ones(3)}, tmp_path / "good.pt")
    data = (tmp_path / "good.pt").read_bytes()
    if damage == "truncated":
        data = data[:len(data) // 2]
    elif damage == "empty":
        data = b""
    elif damage == "garbage":
        data = b"this is not a checkpoint"
    elif damage == "bad_pickle":
        i = data.find(b"\x80\x02")
        data = data[:i + 2] + b"\xa7" + data[i + 3:]
    path = tmp_path / "bad.pt"
    path.write_bytes(data)
    t_err, j_err = _torch_error(path), _janus_error(path)
    assert type(j_err) is type(t_err), (j_err, t_err)
    if damage == "truncated":
        assert "PytorchStreamReader failed reading zip archive" in str(j_err)


def test_corrupted_storage_record_is_detected(tmp_path):
    torch.save({"a": torch.ones(64)}, tmp_path / "c.pt")
    data = bytearray((tmp_path / "c.pt").read_bytes())
    with zipfile.ZipFile(tmp_path / "c.pt") as z:
        info = z.getinfo("c/data/0")
        name_len, extra_len = struct.unpack("<HH", data[info.header_offset + 26:
                                                        info.header_offset + 30])
        start = info.header_offset + 30 + name_len + extra_len
    data[start + 5] ^= 0xFF
    (tmp_path / "c.pt").write_bytes(bytes(data))
    with pytest.raises(RuntimeError, match="corrupted"):
        janus.load(tmp_path / "c.pt")


def test_legacy_format_is_named_unsupported(tmp_path):
    torch.save({"a": torch.ones(2)}, tmp_path / "l.pt", _use_new_zipfile_serialization=False)
    with pytest.raises(RuntimeError, match="legacy .* format"):
        janus.load(tmp_path / "l.pt")


def test_missing_record_named(tmp_path):
    with zipfile.ZipFile(tmp_path / "z.pt", "w") as z:
        z.writestr("archive/version", "3\n")
    with pytest.raises(RuntimeError, match="failed locating file data.pkl"):
        janus.load(tmp_path / "z.pt")


class Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_arbitrary_globals_are_refused(tmp_path):
    torch.save({"x": Evil()}, tmp_path / "evil.pt")
    with pytest.raises(pickle.UnpicklingError, match="refusing to load the global"):
        janus.load(tmp_path / "evil.pt")


def test_whole_module_round_trip_with_imported_classes(tmp_path):
    """A pickled Janus model loads as a working torch model and back (torch.save(model))."""
    j = jnn.Sequential(jnn.Linear(2, 3), jnn.ReLU(), jnn.LSTM(3, 4, 2, bidirectional=True))
    janus.save(j, tmp_path / "m.pt")
    t = torch.load(tmp_path / "m.pt")
    assert isinstance(t, tnn.Sequential) and isinstance(t[2], tnn.LSTM)
    x = np.linspace(-1, 1, 10, dtype=np.float32).reshape(5, 1, 2)
    out_t = t[2](t[1](t[0](torch.from_numpy(x.copy()))))[0]
    out_j = j[2](j[1](j[0](janus.from_numpy(x.copy()))))[0]
    np.testing.assert_allclose(out_j.detach().numpy(), out_t.detach().numpy(), rtol=1e-5,
                               atol=1e-6)
    torch.save(t, tmp_path / "m2.pt")
    j2 = janus.load(tmp_path / "m2.pt")
    assert isinstance(j2, jnn.Sequential) and isinstance(j2[2], jnn.LSTM)
    assert_same_bits(j2[0].weight, j[0].weight)
    assert_same_bits(j2[2](janus.from_numpy(x.copy()) @ janus.ones(2, 3))[0],
                     j[2](janus.from_numpy(x.copy()) @ janus.ones(2, 3))[0])
    with pytest.raises(pickle.UnpicklingError):
        janus.load(tmp_path / "m2.pt", weights_only=True)


def test_failed_save_leaves_existing_file_intact(tmp_path):
    path = tmp_path / "keep.pt"
    janus.save({"a": janus.ones(2)}, path)
    before = path.read_bytes()
    with pytest.raises(Exception):
        janus.save({"a": janus.zeros(2), "bad": lambda: 0}, path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["keep.pt"]  # no temporary file left behind


def test_save_is_reexported():
    assert janus.save is serialization.save and janus.load is serialization.load


def test_to_janus_helpers_preserve_bits():
    x = torch.tensor([1.0 / 3, -0.0, 1e-45])
    assert_same_bits(to_torch(to_janus(x)), x)
    assert np.asarray(x.numpy()).tobytes() == to_janus(x).numpy().tobytes()


def test_numpy_arrays_saved_by_torch_load(tmp_path):
    array = np.sin(np.arange(12, dtype=np.float64)).reshape(3, 4)
    torch.save(array, tmp_path / "a.pt")
    loaded = janus.load(tmp_path / "a.pt")
    assert isinstance(loaded, np.ndarray) and loaded.tobytes() == array.tobytes()


@pytest.mark.parametrize("name,kwargs", [("Adam", {"lr": 0.05, "amsgrad": True}),
                                         ("SGD", {"lr": 0.1, "momentum": 0.9})])
def test_training_resumes_from_a_torch_checkpoint(tmp_path, name, kwargs):
    """torch trains 3 steps and saves model + optimizer; Janus resumes from the file and
    takes the same next 3 steps as torch does."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((8, 3)).astype(np.float32)
    y = rng.standard_normal((8, 1)).astype(np.float32)

    def steps(lib, model, opt, n):
        xs, ys = lib.from_numpy(x.copy()), lib.from_numpy(y.copy())
        for _ in range(n):
            opt.zero_grad()
            ((model(xs) - ys) ** 2).mean().backward()
            opt.step()

    torch.manual_seed(0)
    t = tnn.Linear(3, 1)
    topt = getattr(torch.optim, name)(t.parameters(), **kwargs)
    steps(torch, t, topt, 3)
    torch.save({"model": t.state_dict(), "optim": topt.state_dict()}, tmp_path / "ck.pt")
    ck = janus.load(tmp_path / "ck.pt")
    j = jnn.Linear(3, 1)
    j.load_state_dict(ck["model"])
    jopt = getattr(janus.optim, name)(j.parameters(), **kwargs)
    jopt.load_state_dict(ck["optim"])
    steps(torch, t, topt, 3)
    steps(janus, j, jopt, 3)
    for a, b in zip(j.parameters(), t.parameters()):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5,
                                   atol=1e-6)


def test_unsupported_dtype_is_named(tmp_path):
    torch.save({"h": torch.ones(2, dtype=torch.float16)}, tmp_path / "h.pt")
    if hasattr(janus, "float16"):
        pytest.skip("this Janus build supports float16")
    with pytest.raises(TypeError, match="holds float16 tensors"):
        janus.load(tmp_path / "h.pt")


def _pickle_record(buffer):
    buffer.seek(0)
    with zipfile.ZipFile(buffer) as z:
        return z.read(next(n for n in z.namelist() if n.endswith("/data.pkl")))


@pytest.mark.parametrize("make", [
    lambda: tnn.Sequential(tnn.Linear(3, 2), tnn.LSTM(2, 2)).state_dict(),
    lambda: {"p": tnn.Parameter(torch.ones(2)), "x": torch.arange(3), "v": torch.ones(4)[1:],
             "meta": [1, 2.5, "s", None, (True,)]},
])
def test_janus_writes_the_same_pickle_as_torch(make):
    """Re-saving what torch saved gives torch's data.pkl byte for byte."""
    ours, theirs = io.BytesIO(), io.BytesIO()
    torch.save(make(), theirs)
    theirs.seek(0)
    janus.save(janus.load(theirs), ours)
    assert _pickle_record(ours) == _pickle_record(theirs)


def test_cuda_checkpoint_without_cuda_names_map_location(tmp_path):
    """A checkpoint whose storages live on 'cuda:0' (written here by rewriting the location
    field of a CPU checkpoint's pickle) needs map_location where CUDA is absent."""
    torch.save({"x": torch.ones(2)}, tmp_path / "c.pt")
    with zipfile.ZipFile(tmp_path / "c.pt") as z:
        records = {n: z.read(n) for n in z.namelist()}
    pkl = next(n for n in records if n.endswith("data.pkl"))
    records[pkl] = records[pkl].replace(b"X\x03\x00\x00\x00cpu", b"X\x06\x00\x00\x00cuda:0")
    with zipfile.ZipFile(tmp_path / "g.pt", "w") as z:
        for name, data in records.items():
            z.writestr(name, data)
    if getattr(janus, "cuda", None) is not None and janus.cuda.is_available():
        pytest.skip("CUDA is available here")
    with pytest.raises(RuntimeError, match="map_location=torch.device\\('cpu'\\)"):
        janus.load(tmp_path / "g.pt")
    assert janus.load(tmp_path / "g.pt", map_location="cpu")["x"].tolist() == [1.0, 1.0]
    assert janus.load(tmp_path / "g.pt",
                      map_location={"cuda:0": "cpu"})["x"].tolist() == [1.0, 1.0]
    with pytest.raises(RuntimeError, match="map_location=torch.device\\('cpu'\\)"):
        torch.load(tmp_path / "g.pt")  # the oracle agrees on the failure
