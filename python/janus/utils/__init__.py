"""janus.utils: data loading utilities (torch.utils's API)."""
from . import data
