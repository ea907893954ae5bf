"""Site profiles describe tensors: under janus-python the janus package registers its tensor
classes with the profiles, so JANUS_PROFILE_DUMP shows each tensor operand's dtype, shape,
device and requires_grad, and whether they stayed the same. The expected descriptions are the
ones the program itself constructs."""
import json
import os
import textwrap

PROGRAM = textwrap.dedent("""\
    import torch

    def step(x, w):
        y = x @ w
        return y.sum()

    x = torch.ones(4, 3)
    w = torch.ones(3, 2, dtype=torch.float64, requires_grad=True)
    for i in range(40):
        step(x.double(), w)
    for n in range(1, 6):
        step(torch.ones(n, 3, dtype=torch.float64), w)
""")


def read_dump(path):
    with open(path) as f:
        return [json.loads(line) for line in f]


def test_tensor_operands_are_described(janus, tmp_path):
    script = tmp_path / "prog.py"
    script.write_text(PROGRAM)
    dump = tmp_path / "dump.jsonl"
    proc = janus(str(script), env={"JANUS_PROFILE_DUMP": str(dump)})
    assert proc.returncode == 0, proc.stderr
    sites = [s for s in read_dump(dump)
             if s.get("function") == "step" and s.get("kind") == "binary_op" and s["line"] == 4]
    assert len(sites) == 1, sites
    left, right = sites[0]["left"]["value"], sites[0]["right"]["value"]
    # x had shape (4, 3) for 40 calls, then (1..5, 3): its description is not stable.
    assert left["dtype"] == "float64" and left["shape"] == [4, 3] and left["device"] == "cpu"
    assert left["requires_grad"] is False and left["stable"] is False
    assert right == {"dtype": "float64", "shape": [3, 2], "device": "cpu",
                     "requires_grad": True, "stable": True}


def test_char_lstm_profile_shows_shapes_branches_and_hot_loops(janus, tmp_path):
    source = os.environ["JANUS_SOURCE_DIR"]
    dump = tmp_path / "dump.jsonl"
    proc = janus(os.path.join(source, "examples", "char_lstm.py"), "--steps", "3",
                 env={"JANUS_PROFILE_DUMP": str(dump), "JANUS_HOT_LOOP": "10"})
    assert proc.returncode == 0, proc.stderr
    every_site = read_dump(dump)
    sites = [s for s in every_site if s["file"].endswith("char_lstm.py")]
    assert sites and all(isinstance(s["line"], int) and s["line"] > 0 for s in sites)

    def described(site_list):
        return [site[key]["value"] for site in site_list for key in ("left", "right", "receiver")
                if isinstance(site.get(key), dict) and "value" in site[key]]

    # The script's own sites see its int64 batches (batch x sequence); the LSTM's float32
    # matrices are operands inside janus.nn, whose frames the default policy profiles too.
    assert any(len(v["shape"]) == 2 and v["dtype"] == "int64" for v in described(sites))
    nn_sites = [s for s in every_site if "/janus/nn/" in s["file"]]
    assert any(len(v["shape"]) == 2 and v["dtype"] == "float32" and v["requires_grad"]
               for v in described(nn_sites))
    assert any(s["kind"] == "branch" and s["taken"] + s["not_taken"] > 0 for s in sites)
    assert any(s["kind"] == "loop" and s.get("hot") for s in sites)
