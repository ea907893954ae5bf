"""The GPU mode's device probe. GPU benchmarks arrive with the CUDA backend (issue 7); until
then a machine without a CUDA device is told so, and one with a device gets an error naming
the missing feature rather than CPU numbers passed off as GPU ones."""
import shutil
import subprocess

NO_DEVICE = "no CUDA device on this machine; GPU benchmarks skipped"
NOT_BUILT = ("a CUDA device is present, but GPU benchmarks are not implemented yet "
             "(they arrive with the CUDA backend, issue 7)")


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


def run_gpu_mode(out):
    """Exit status of `bench/run --device cuda`."""
    if not cuda_device_present():
        print(NO_DEVICE, file=out)
        return 0
    print(f"bench/run: {NOT_BUILT}", file=out)
    return 1
