"""The GPU mode (`bench/run --device cuda`): the example scripts on the GPU, Janus eager
against the PyTorch installed on that machine (eager, and torch.compile with
mode="reduce-overhead"), every configuration with the scripts' `--device cuda`
(examples/_common.py). Without a CUDA device the harness says so and exits non-zero: GPU
numbers are never CPU numbers in disguise."""
import shutil
import subprocess

NO_DEVICE = ("bench/run --device cuda: no CUDA device on this machine (nvidia-smi lists no GPU); "
             "nothing was measured")
DEVICE_ARGS = ("--device", "cuda")


def cuda_device_present(timeout_s=60):
    """True when the NVIDIA driver (nvidia-smi -L) lists at least one GPU."""
    smi = shutil.which("nvidia-smi")
    if smi is None:
        return False
    try:
        listed = subprocess.run([smi, "-L"], capture_output=True, text=True, timeout=timeout_s)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return listed.returncode == 0 and "GPU" in listed.stdout


def default_peer_python():
    """The GPU machine's PyTorch: the first python3 on PATH (its image's venv)."""
    return shutil.which("python3") or "python3"


def check_device(out):
    """None when a device is there, else the exit status after saying why not."""
    if cuda_device_present():
        return None
    print(NO_DEVICE, file=out)
    return 1
