"""torch.autograd: backward() and grad() over the C++ eager autograd engine."""
import _janus as _C

from .. import no_grad, enable_grad, set_grad_enabled  # noqa: F401


def _as_tuple(x):
    if x is None:
        return None
    if isinstance(x, (tuple, list)):
        return tuple(x)
    return (x,)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    tensors = _as_tuple(tensors)
    grads = _as_tuple(grad_tensors) or (None,) * len(tensors)
    if inputs is not None:
        from .._tensor import _backward_into
        return _backward_into(inputs, tensors, grads, retain_graph, create_graph)
    _C._backward(tensors, grads, retain_graph, create_graph)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=False, is_grads_batched=False):
    if is_grads_batched:
        raise NotImplementedError("torch.autograd.grad(is_grads_batched=True) is not supported by Janus")
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    grads = _as_tuple(grad_outputs) or (None,) * len(outputs)
    return _C._grad(outputs, inputs, grads, retain_graph, create_graph, allow_unused)
