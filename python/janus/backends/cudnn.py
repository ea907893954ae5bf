"""torch.backends.cudnn: no cuDNN under Janus's CPU runtime; the flags are kept for scripts
that set them (they have no effect on the CPU, as in PyTorch)."""
enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available():
    return False


def version():
    return None
