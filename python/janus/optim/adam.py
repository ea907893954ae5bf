"""Adam and AdamW (decoupled weight decay) with torch 1.13's single-tensor update rules:
the step count is a float32 tensor in state['step'], bias corrections are Python floats."""
import math

import janus
from .optimizer import Optimizer, _use_grad


def _check_hyperparameters(lr, betas, eps, weight_decay):
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")
    if not 0.0 <= eps:
        raise ValueError(f"Invalid epsilon value: {eps}")
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
    if not 0.0 <= weight_decay:
        raise ValueError(f"Invalid weight_decay value: {weight_decay}")


def _unsupported(group):
    for flag in ("capturable", "differentiable", "fused"):
        if group.get(flag):
            raise NotImplementedError(f"janus.optim: the option {flag}=True is not supported")


class Adam(Optimizer):
    _decoupled_weight_decay = False
    # Boolean options recorded in each param group (AdamW 1.13 has no differentiable/fused).
    _flags = ("amsgrad", "maximize", "capturable", "differentiable", "fused")

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=False):
        _check_hyperparameters(lr, betas, eps, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize, foreach=foreach,
                        capturable=capturable, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            for key in self._flags:
                group.setdefault(key, False)
            group.setdefault("foreach", None)
        for s in self.state.values():
            if "step" in s and not isinstance(s["step"], janus.Tensor):
                s["step"] = janus.tensor(float(s["step"]))

    def _init_state(self, p, amsgrad):
        state = self.state[p]
        if len(state) == 0:
            state["step"] = janus.tensor(0.0)
            state["exp_avg"] = janus.zeros_like(p)
            state["exp_avg_sq"] = janus.zeros_like(p)
            if amsgrad:
                state["max_exp_avg_sq"] = janus.zeros_like(p)
        return state

    @_use_grad
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with janus.enable_grad():
                loss = closure()
        for group in self.param_groups:
            _unsupported(group)
            beta1, beta2 = group["betas"]
            lr, eps, wd = group["lr"], group["eps"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                if p.grad.is_sparse:
                    raise RuntimeError("Adam does not support sparse gradients, please "
                                       "consider SparseAdam instead")
                state = self._init_state(p, group["amsgrad"])
                grad = p.grad if not group["maximize"] else -p.grad
                exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
                state["step"] += 1
                if self._decoupled_weight_decay:
                    p.mul_(1 - lr * wd)
                elif wd != 0:
                    grad = grad.add(p, alpha=wd)
                exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
                exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                step = state["step"].item()
                bias_correction1 = 1 - beta1 ** step
                bias_correction2 = 1 - beta2 ** step
                step_size = lr / bias_correction1
                bias_correction2_sqrt = math.sqrt(bias_correction2)
                if group["amsgrad"]:
                    max_sq = state["max_exp_avg_sq"]
                    max_sq.copy_(janus.maximum(max_sq, exp_avg_sq))
                    denom = (max_sq.sqrt() / bias_correction2_sqrt).add_(eps)
                else:
                    denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
                p.addcdiv_(exp_avg, denom, value=-step_size)
        return loss


class AdamW(Adam):
    _decoupled_weight_decay = True
    _flags = ("amsgrad", "maximize", "capturable")

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False, foreach=None, capturable=False):
        _check_hyperparameters(lr, betas, eps, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, foreach=foreach, maximize=maximize,
                        capturable=capturable)
        Optimizer.__init__(self, params, defaults)
