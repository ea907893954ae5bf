// Helpers shared by the CUDA ops: tensors as kernel operands, broadcasting, type rules,
// and the checks each op makes before launching (same device, no autograd yet).
#pragma once
#include "gpu/cuda_runtime.h"
#include "gpu/kernels.h"
#include "tensor/ops.h"

namespace janus::gpu {

kernels::Operand operand(const Tensor& t, const char* op);
// `t` seen with `shape`'s dims (PyTorch's broadcasting: stride 0 where t has size 1 or no dim).
kernels::Operand broadcast_operand(const Tensor& t, const Shape& shape, const char* op);
Shape broadcast_shapes(const Shape& a, const Shape& b);
inline void* stream_of(const Tensor& t) { return current_stream(t.device().index); }

// The device every tensor operand of a CUDA op is on (0-d CPU tensors may ride along); a CPU
// 0-d tensor is copied there by on_device.
Device op_device(std::initializer_list<const Tensor*> tensors);
Tensor on_device(const Tensor& t, Device d);
// Autograd on CUDA tensors comes later: refuse rather than drop gradients silently.
void check_no_grad(const char* op, std::initializer_list<const Tensor*> tensors);

// out = copy of `src` (broadcast to out's shape, converted to out's dtype), any layouts.
void copy_kernel(const Tensor& out, const Tensor& src, const char* op);
Tensor contiguous_cuda(const Tensor& a);

// Host<->device copies (cuda_copy.cpp), registered as kToDeviceOp.
Tensor to_device(const Tensor& t, Device target, bool non_blocking);

void register_elementwise_ops();
void register_reduce_ops();
void register_blas_ops();
void register_copy_ops();

}  // namespace janus::gpu
