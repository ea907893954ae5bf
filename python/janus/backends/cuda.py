"""torch.backends.cuda: the TF32 switches, kept for scripts that set them (no effect on the
CPU, as in PyTorch)."""


class _MatmulFlags:
    allow_fp16_reduced_precision_reduction = True
    _allow_tf32 = False

    # Read by Janus's cuBLAS calls (janus.cuda hands the value to _janus_cuda when it loads).
    @property
    def allow_tf32(self):
        return self._allow_tf32

    @allow_tf32.setter
    def allow_tf32(self, value):
        self._allow_tf32 = bool(value)
        from .. import cuda
        if cuda._backend is not None:
            cuda._backend.set_allow_tf32(self._allow_tf32)


matmul = _MatmulFlags()


def is_built():
    from .. import cuda
    return cuda.is_built()
