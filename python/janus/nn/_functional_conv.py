"""torch.nn.functional's convolution, pooling and channel-dropout functions: argument adapters
(ints to pairs, 'same'/'valid', stride=None) over the registry ops of tensor/ops/conv.cpp and
pool.cpp, which compute and differentiate them."""
import warnings

import _janus as _C


def _tuple(value, n, name):
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,) * n
    value = tuple(value)
    if len(value) == 1:
        return value * n
    if len(value) != n or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise RuntimeError(f"{name} must be an int or a tuple of {n} ints, got {value}")
    return value


def _conv_padding(padding, kernel, dilation, stride, n):
    """Per-dim (before, after) padding; 'same' pads total d*(k-1), the odd extra after, as torch."""
    if isinstance(padding, str):
        if padding == "valid":
            return [(0, 0)] * n
        if padding != "same":
            raise RuntimeError(f"Invalid padding string: '{padding}'")
        if any(s != 1 for s in stride):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        pads = []
        for k, d in zip(kernel, dilation):
            total = d * (k - 1)
            pads.append((total // 2, total - total // 2))
        return pads
    return [(p, p) for p in _tuple(padding, n, "padding")]


def _conv(op, n, input, weight, bias, stride, padding, dilation, groups):
    stride, dilation = _tuple(stride, n, "stride"), _tuple(dilation, n, "dilation")
    if weight.dim() != n + 2:
        raise RuntimeError(f"Expected {n + 2}-dimensional weight for {n + 2}-dimensional convolution, "
                           f"but got {weight.dim()}-dimensional weight of size {list(weight.shape)} instead")
    pads = _conv_padding(padding, tuple(weight.shape[2:]), dilation, stride, n)
    flat = [p for pair in pads for p in pair]  # conv1d: (left, right); conv2d: (top, bottom, left, right)
    return op(input, weight, bias, stride, flat, dilation, int(groups))


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _conv(_C._conv1d, 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _conv(_C._conv2d, 2, input, weight, bias, stride, padding, dilation, groups)


def _pool_stride(stride, kernel):
    if stride is None or (not isinstance(stride, int) and len(stride) == 0):
        return kernel
    return _tuple(stride, 2, "stride")


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    if return_indices:
        raise NotImplementedError("max_pool2d(return_indices=True) is not supported by Janus")
    kernel = _tuple(kernel_size, 2, "kernel_size")
    return _C._max_pool2d(input, kernel, _pool_stride(stride, kernel), _tuple(padding, 2, "padding"),
                          _tuple(dilation, 2, "dilation"), bool(ceil_mode))


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    kernel = _tuple(kernel_size, 2, "kernel_size")
    return _C._avg_pool2d(input, kernel, _pool_stride(stride, kernel), _tuple(padding, 2, "padding"),
                          bool(ceil_mode), bool(count_include_pad), divisor_override)


def adaptive_avg_pool2d(input, output_size):
    if isinstance(output_size, int):
        output_size = (output_size, output_size)
    output_size = tuple(output_size)
    if len(output_size) != 2:
        raise RuntimeError("adaptive_avg_pool2d: output_size must be 2")
    # None keeps that dimension's input size.
    size = tuple(input.shape[-2 + i] if s is None else s for i, s in enumerate(output_size))
    return _C._adaptive_avg_pool2d(input, size)


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """im2col: (N, C, H, W) -> (N, C*kh*kw, L); a 3-D input is one unbatched image."""
    kernel, dilation = _tuple(kernel_size, 2, "kernel_size"), _tuple(dilation, 2, "dilation")
    padding, stride = _tuple(padding, 2, "padding"), _tuple(stride, 2, "stride")
    if input.dim() not in (3, 4):
        raise RuntimeError(f"Input Error: Only 3D or 4D input Tensors are supported (got {input.dim()}D)")
    batched = input.dim() == 4
    x = input if batched else input.unsqueeze(0)
    out_size = [(x.shape[2 + i] + 2 * padding[i] - dilation[i] * (kernel[i] - 1) - 1) // stride[i] + 1 for i in (0, 1)]
    if out_size[0] < 1 or out_size[1] < 1:
        raise RuntimeError(f"Given input with spatial size ({x.shape[2]}, {x.shape[3]}), kernel_size={kernel}, "
                           f"dilation={dilation}, padding={padding}, calculated shape of the array of sliding "
                           f"blocks as ({out_size[0]}, {out_size[1]}), but its components must be at least one.")
    out = _C._unfold2d(x, kernel, dilation, padding, stride, out_size, 0.0)
    return out if batched else out.squeeze(0)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """col2im: (N, C*kh*kw, L) -> (N, C, H, W), overlapping values summed."""
    size, kernel = _tuple(output_size, 2, "output_size"), _tuple(kernel_size, 2, "kernel_size")
    dilation, padding, stride = _tuple(dilation, 2, "dilation"), _tuple(padding, 2, "padding"), _tuple(stride, 2, "stride")
    if input.dim() not in (2, 3):
        raise RuntimeError(f"Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported (got {input.dim()}D)")
    batched = input.dim() == 3
    x = input if batched else input.unsqueeze(0)
    blocks = [(size[i] + 2 * padding[i] - dilation[i] * (kernel[i] - 1) - 1) // stride[i] + 1 for i in (0, 1)]
    out = _C._fold2d(x, size, kernel, dilation, padding, stride, blocks)
    return out if batched else out.squeeze(0)


def _feature_dropout(input, p, training, inplace, name):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0 or input.numel() == 0:
        return input
    if input.dim() < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    import janus
    if p == 1:
        noise = janus.zeros((), dtype=input.dtype)
    else:  # torch's draw: one bernoulli_(1 - p) per (sample, channel), scaled by 1 / (1 - p)
        noise = janus.empty(tuple(input.shape[:2]) + (1,) * (input.dim() - 2), dtype=input.dtype)
        noise.bernoulli_(1 - p).div_(1 - p)
    return input.mul_(noise) if inplace else input * noise


def dropout2d(input, p=0.5, training=True, inplace=False):
    if input.dim() not in (3, 4):
        warnings.warn(f"dropout2d: Received a {input.dim()}-D input to dropout2d, which is deprecated and will "
                      "result in an error in a future release. To retain the behavior and silence this warning, "
                      "please use dropout instead.")
    if input.dim() == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
                      "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim.")
    return _feature_dropout(input, p, training, inplace, "dropout2d")
