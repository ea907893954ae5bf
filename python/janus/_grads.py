"""Resetting .grad, shared by nn.Module.zero_grad and optim.Optimizer.zero_grad."""


def zero_grads(params, set_to_none):
    """PyTorch 1.13's zero_grad on each parameter: drop the gradient (set_to_none) or zero
    it in place, first cutting it from any graph that produced it."""
    for p in params:
        if p.grad is None:
            continue
        if set_to_none:
            p.grad = None
            continue
        if p.grad.grad_fn is not None:
            p.grad.detach_()
        else:
            p.grad.requires_grad_(False)
        p.grad.zero_()
