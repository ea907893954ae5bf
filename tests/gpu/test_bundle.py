"""tools/gpu-bundle and tools/gpu-check, end to end on a machine without a GPU: the bundle
(made from this build) is unpacked into a clean folder and run with an environment that
hides the build tree and every Debian library path; the GPU parts must report that there is
no device (skipped, never passed) and the CPU parts (host-side device tests, a few training
steps of every example, bench/run --device cuda's refusal) must pass. Keeps the one command
a GPU session runs honest."""
import json
import os
import subprocess

import pytest

SOURCE = os.environ.get("JANUS_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
BUILD = os.environ.get("JANUS_BUILD_DIR", os.path.join(SOURCE, "build"))


def has_device():
    import janus
    return janus.cuda.is_available()


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bundle")
    path = tmp / "gpu-bundle.tar.gz"
    made = subprocess.run(["/usr/bin/python3.11", os.path.join(SOURCE, "tools", "gpu-bundle"), "--build", BUILD,
                           "-o", str(path), "--fast"], capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    return tmp, path, made.stdout


def gpu_check(tmp, bundle_path, name, *flags):
    out = tmp / name
    # env -i: no PYTHONPATH, no JANUS_*, no LD_LIBRARY_PATH; started from an unrelated folder.
    proc = subprocess.run(["env", "-i", "PATH=/usr/bin:/bin", "/usr/bin/python3.11",
                           os.path.join(SOURCE, "tools", "gpu-check"), str(bundle_path), str(out), *flags],
                          capture_output=True, text=True, timeout=600, cwd=str(tmp))
    with open(out / "results.json") as f:
        results = json.load(f)
    return proc, results


@pytest.fixture(scope="module")
def checked(bundle):
    tmp, path, made = bundle
    proc, results = gpu_check(tmp, path, "out", "--steps", "3")
    return proc, results, made


def test_bundle_is_well_under_the_carry_limit(checked):
    _, _, made = checked
    mib = float(made.split("(")[-1].split()[0])
    assert mib < 48, made  # --fast is gzip -1; the default xz bundle is about half of that


def test_cpu_parts_pass_and_gpu_parts_skip(checked):
    proc, results, _ = checked
    if has_device():
        pytest.skip("this machine has a CUDA device: gpu-check runs the GPU parts for real")
    assert proc.returncode == 0, proc.stdout[-3000:]
    status = {part: r["status"] for part, r in results.items()}
    assert status["smoke"] == "passed"
    assert status["device"] == "skipped" and "no CUDA device" in results["device"]["detail"]
    for suite in ("test_device_host.py", "test_fake_device.py"):
        assert status[f"tests/{suite}"] == "passed", results[f"tests/{suite}"]
    for suite in ("test_cuda_ops.py", "test_cuda_graphs.py", "test_cuda_autograd.py", "test_cuda_streams.py"):
        assert status[f"tests/{suite}"] == "skipped"
        assert "no CUDA device" in results[f"tests/{suite}"]["detail"]
    examples = [p for p in results if p.startswith("examples/")]
    assert len(examples) >= 5
    for part in examples:  # the bundle's CPU path trains; cuda is skipped, never passed
        assert status[part] == "skipped" and "cpu trained 3 steps" in results[part]["detail"], results[part]
    assert status["bench"] == "skipped" and "no CUDA device" in results["bench"]["detail"]
    assert "passed" not in {status[p] for p in results if "cuda" in p}


def test_device_branches_on_the_fake_device(bundle):
    """gpu-check's device parts (examples on cuda against the CPU, the Janus side of the ops
    overhead) run on the fake cuda:0, so they are exercised before they meet a GPU."""
    tmp, path, _ = bundle
    _, results = gpu_check(tmp, path, "fake", "--fake-device", "--skip", "tests", "--skip", "bench", "--steps", "2")
    status = {part: r["status"] for part, r in results.items()}
    assert status["device"] == "passed" and "fake" in results["device"]["detail"]
    assert "available True" in results["smoke"]["detail"]
    examples = [p for p in results if p.startswith("examples/")]
    assert len(examples) >= 5
    for part in examples:
        assert status[part] == "passed" and "cuda vs cpu" in results[part]["detail"], results[part]
    # Janus measured itself on the device; Debian's torch has no CUDA device to measure.
    assert status["ops_overhead"] == "failed"
    assert results["ops_overhead"]["detail"].startswith("python3") and "no CUDA device" in results["ops_overhead"]["detail"]
