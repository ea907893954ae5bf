"""SGD with momentum, dampening, Nesterov and weight decay (torch 1.13's update rule)."""
import janus
from .optimizer import Optimizer, _use_grad, required


class SGD(Optimizer):
    def __init__(self, params, lr=required, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False, *, maximize=False, foreach=None, differentiable=False):
        if lr is not required and lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, maximize=maximize,
                        foreach=foreach, differentiable=differentiable)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("nesterov", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("differentiable", False)

    @_use_grad
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with janus.enable_grad():
                loss = closure()
        for group in self.param_groups:
            # The group's settings are read once per group, as torch 1.13's step passes them
            # to its functional sgd().
            momentum = group["momentum"]
            weight_decay = group["weight_decay"]
            maximize = group["maximize"]
            dampening = group["dampening"]
            nesterov = group["nesterov"]
            lr = group["lr"]
            for p in group["params"]:
                grad = p.grad
                if grad is None:
                    continue
                d_p = grad if not maximize else -grad
                if weight_decay != 0:
                    d_p = d_p.add(p, alpha=weight_decay)
                state = self.state[p]
                buf = state.get("momentum_buffer")
                if momentum != 0:
                    if buf is None:
                        buf = janus.clone(d_p).detach()
                    else:
                        buf.mul_(momentum).add_(d_p, alpha=1 - dampening)
                    d_p = d_p.add(buf, alpha=momentum) if nesterov else buf
                # torch 1.13 records the buffer for every stepped parameter, None without
                # momentum, so state_dicts have the same entries.
                state["momentum_buffer"] = buf
                p.add_(d_p, alpha=-lr)
        return loss
