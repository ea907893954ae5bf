"""torch.onnx: importable, because training scripts import it unconditionally; exporting a
model is not supported by Janus and says so when called."""


def export(*args, **kwargs):
    raise NotImplementedError("torch.onnx.export is not supported by Janus")


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError(f"torch.onnx.{name} is not supported by Janus")
