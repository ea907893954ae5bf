"""Janus: a PyTorch-compatible tensor library (the tensor runtime arrives with issue 3)."""
