"""Under janus-python `import torch` is Janus; JANUS_TORCH=real gives the installed PyTorch."""


def test_import_torch_is_janus(janus):
    proc = janus("-c", "import sys, torch, janus; print(torch is janus, sys.modules['torch'].__name__)")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["True", "janus"]


def test_missing_torch_submodule_is_named(janus):
    proc = janus("-c", "import torch.fft")
    assert proc.returncode == 1
    assert proc.stderr.strip().endswith("ModuleNotFoundError: torch.fft is not supported by Janus")


def test_real_torch_when_asked(janus, cpython):
    code = "import torch; print(torch.__version__, torch.__file__)"
    j = janus("-c", code, env={"JANUS_TORCH": "real"})
    c = cpython("-c", code)
    assert c.returncode == 0 and j.returncode == 0, j.stderr
    assert j.stdout == c.stdout


def test_alias_not_installed_in_plain_python(cpython):
    proc = cpython("-c", "import sys; print(any('TorchAlias' in repr(f) for f in sys.meta_path))")
    assert proc.stdout.strip() == "False"


def test_alias_keeps_importlib_working(janus, cpython):
    code = "import importlib; importlib.invalidate_caches(); import json; print(json.dumps([1]))"
    j, c = janus("-c", code), cpython("-c", code)
    assert j.returncode == c.returncode == 0, j.stderr
    assert j.stdout == c.stdout


def test_backends_and_onnx_import_like_torch(janus, cpython):
    # Scripts import these unconditionally; availability answers must match the installed
    # CPU-only torch on this machine, and exporting names the missing feature.
    code = ("import torch, torch.onnx, torch.backends.cudnn, torch.backends.mps\n"
            "torch.backends.cudnn.deterministic = True\n"
            "print(torch.backends.mps.is_available(), torch.backends.cudnn.is_available(),\n"
            "      torch.backends.cudnn.deterministic, torch.backends.cuda.matmul.allow_tf32)\n")
    j, c = janus("-c", code), cpython("-c", code)
    assert c.returncode == 0 and j.returncode == 0, j.stderr
    assert j.stdout == c.stdout
    proc = janus("-c", "import torch.onnx; torch.onnx.export(None, None, 'model.onnx')")
    assert proc.returncode == 1
    assert "torch.onnx.export is not supported by Janus" in proc.stderr
