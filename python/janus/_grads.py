"""Resetting .grad, shared by nn.Module.zero_grad and optim.Optimizer.zero_grad."""


def zero_grads(params, set_to_none):
    """PyTorch 1.13's zero_grad on each parameter: drop the gradient (set_to_none) or zero
    it in place, first cutting it from any graph that produced it."""
    for p in params:
        grad = p.grad  # read once: each .grad is a descriptor call
        if grad is None:
            continue
        if set_to_none:
            p.grad = None
            continue
        if grad.grad_fn is not None:
            grad.detach_()
        else:
            grad.requires_grad_(False)
        grad.zero_()
