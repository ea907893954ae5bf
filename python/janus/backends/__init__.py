"""torch.backends: the switches scripts commonly read or set. Janus runs on the CPU, so the
accelerator backends report that they are not available; their flags are accepted and kept
(they do not change results on the CPU)."""
from . import cuda, cudnn, mps  # noqa: F401
