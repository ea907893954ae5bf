"""tools/check-pytorch-examples end to end on a stand-in checkout: three tiny scripts with
the layout and command-line flags of PyTorch's regression, time_sequence_prediction and
word_language_model examples (our own code, not theirs), run under torch and janus-python."""
import os
import subprocess
import textwrap

import pytest

JANUS = os.environ.get("JANUS_PYTHON", "")
SOURCE = os.environ.get("JANUS_SOURCE_DIR",
                        os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
TOOL = os.path.join(SOURCE, "tools", "check-pytorch-examples")

STAND_INS = {
    "regression/main.py": """
        import torch
        x = torch.arange(4, dtype=torch.float32) * 1e-4
        print('Loss: {:.6f} after 3 batches'.format(x.sum().item()))
        """,
    "time_sequence_prediction/train.py": """
        import argparse, torch
        p = argparse.ArgumentParser(); p.add_argument('--steps', type=int, default=15)
        steps = p.parse_args().steps
        data = torch.from_numpy(torch.load('traindata.pt'))   # a numpy array, as theirs
        for i in range(steps):
            print('STEP: ', i)
            print('loss:', (data[3:] ** 2).mean().item() / (i + 1))
        """,
    "word_language_model/main.py": """
        import argparse, os, torch
        p = argparse.ArgumentParser()
        for flag in ('--epochs', '--emsize', '--nhid', '--nlayers', '--bptt', '--batch_size',
                     '--log-interval'):
            p.add_argument(flag, type=int)
        p.add_argument('--dropout', type=float); p.add_argument('--lr', type=float)
        p.add_argument('--model', default='LSTM')
        p.add_argument('--data'); p.add_argument('--save')
        args = p.parse_args()
        words = open(os.path.join(args.data, 'train.txt')).read().split()
        counts = torch.tensor([float(words.count(w)) for w in sorted(set(words))])
        print('| epoch   1 | loss {:5.2f} | ppl {:8.2f}'.format(
            counts.log().mean().item(), counts.mean().item()))
        print('| End of training | test loss {:5.2f} |'.format(DIFFERENCE))
        """,
}


def make_checkout(root, difference):
    for path, code in STAND_INS.items():
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        code = textwrap.dedent(code).replace("DIFFERENCE", difference)
        with open(full, "w") as f:
            f.write(code)


def run_tool(checkout):
    if not JANUS or not os.path.exists(JANUS):
        pytest.fail("JANUS_PYTHON must name the built janus-python")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    return subprocess.run(["/usr/bin/python3.11", TOOL, str(checkout), "--janus", JANUS],
                          capture_output=True, text=True, env=env, timeout=300)


def test_matching_and_differing_losses_are_reported(tmp_path):
    # torch.__name__ is 'torch' only under real torch: the last loss differs under Janus.
    make_checkout(tmp_path, "(1.0 if torch.__name__ == 'torch' else 2.0)")
    proc = run_tool(tmp_path)
    assert proc.returncode == 1
    assert "word_language_model: DIFFER" in proc.stdout
    assert "first difference at loss #1: torch 1.00, janus 2.00" in proc.stdout
    assert "word_language_model/GRU: DIFFER" in proc.stdout  # each recurrent cell is a run
    assert "word_language_model/RNN_TANH: DIFFER" in proc.stdout
    assert "regression: MATCH" in proc.stdout
    assert "time_sequence_prediction: MATCH" in proc.stdout


def test_missing_example_is_reported(tmp_path):
    proc = run_tool(tmp_path)
    assert proc.returncode == 1 and "regression: MISSING" in proc.stdout
