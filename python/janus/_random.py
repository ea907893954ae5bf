"""torch.normal: the overloads of PyTorch 1.13, built from normal_ the way its CPU kernels are,
so that a seeded script draws the same numbers (standard normals from the generator first,
then scaled by std and shifted by mean, each a separate rounding)."""
import _janus as _C


def _is_tensor(x):
    return isinstance(x, _C._TensorBase)


def _check_std_tensor(std):
    if std.numel() and bool((std < 0).any()):
        raise RuntimeError("normal expects all elements of std >= 0.0")


def normal(mean, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
           pin_memory=False, requires_grad=False):
    import janus
    if generator is not None:  # the same draws, from that generator
        from ._generator import _handle
        return _C._generator_call(_handle(generator, "normal"), normal, mean, std, size, out=out, dtype=dtype,
                                  layout=layout, device=device, pin_memory=pin_memory, requires_grad=requires_grad)
    if out is not None:
        raise NotImplementedError("normal(out=...) is not supported by Janus")
    mean_t, std_t = _is_tensor(mean), _is_tensor(std)
    if not mean_t and not std_t:
        # normal(float mean, float std, size): empty(size).normal_(mean, std).
        if size is None:
            raise TypeError("normal() received an invalid combination of arguments - got (float, float), "
                            "but expected one of: (Tensor mean, Tensor std), (Tensor mean, float std), "
                            "(float mean, Tensor std), (float mean, float std, tuple of ints size)")
        janus._check_device(device)
        result = janus.empty(size, dtype=dtype).normal_(float(mean), float(std))
        if device is not None:
            result = result.to(device)
        return result.requires_grad_(True) if requires_grad else result
    if size is not None or dtype is not None:
        raise TypeError("normal(): size and dtype are taken only with a float mean and a float std")
    if janus.is_grad_enabled() and any(_is_tensor(x) and x.requires_grad for x in (mean, std)):
        # torch gives mean and std a zero gradient here; Janus does not record that yet.
        raise NotImplementedError("normal() with a mean or std that requires grad is not supported by Janus")
    if mean_t and not std_t:
        # normal(Tensor mean, float std): normal_(0, std) on mean's shape, then + mean.
        std = float(std)
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
        return janus.empty(mean.shape, dtype=mean.dtype).normal_(0.0, std).add_(mean)
    _check_std_tensor(std)
    if not mean_t:
        # normal(float mean, Tensor std): standard normals on std's shape, * std + mean.
        result = janus.empty(std.shape, dtype=std.dtype).normal_(0.0, 1.0).mul_(std)
        return result.add_(janus.full((), float(mean), dtype=std.dtype))
    # normal(Tensor mean, Tensor std): mean's dtype, the broadcast shape.
    shape = (mean.detach() + std.detach()).shape  # the broadcast shape, or torch's error for none
    return janus.empty(shape, dtype=mean.dtype).normal_(0.0, 1.0).mul_(std).add_(mean)
