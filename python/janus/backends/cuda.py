"""torch.backends.cuda: the TF32 switches, kept for scripts that set them (no effect on the
CPU, as in PyTorch)."""


class _MatmulFlags:
    allow_tf32 = False
    allow_fp16_reduced_precision_reduction = True


matmul = _MatmulFlags()


def is_built():
    return False
