// Helpers shared by the CUDA ops: tensors as kernel operands, broadcasting, type rules,
// and the checks each op makes before launching (same device, no autograd yet).
#pragma once
#include "gpu/cuda_runtime.h"
#include "gpu/kernels.h"
#include "tensor/iter.h"  // broadcast_shape: the CPU's rule and error
#include "tensor/ops.h"

typedef struct _object PyObject;  // Python.h's, without its include order constraints

namespace janus::gpu {

kernels::Operand operand(const Tensor& t, const char* op);
// `t` seen with `shape`'s dims (PyTorch's broadcasting: stride 0 where t has size 1 or no dim).
kernels::Operand broadcast_operand(const Tensor& t, const Shape& shape, const char* op);
inline void* stream_of(const Tensor& t) { return current_stream(t.device().index); }

// The device every tensor operand of a CUDA op is on (0-d CPU tensors may ride along); a CPU
// 0-d tensor is copied there by on_device.
Device op_device(std::initializer_list<const Tensor*> tensors);
Tensor on_device(const Tensor& t, Device d);
// Raw kernels record no gradient: they refuse a tensor that needs one (the autograd layer calls
// them with grad mode off and records the op's node itself).
void check_no_grad(const char* op, std::initializer_list<const Tensor*> tensors);

// out = copy of `src` (broadcast to out's shape, converted to out's dtype), any layouts.
void copy_kernel(const Tensor& out, const Tensor& src, const char* op);
Tensor contiguous_cuda(const Tensor& a);

// Host<->device copies (cuda_copy.cpp), registered as kToDeviceOp.
Tensor to_device(const Tensor& t, Device target, bool non_blocking);

// The raw kernels (cuda_ops_elementwise/reduce/blas.cpp, namespace cuda, named as in
// janus::ops) are registered with their gradients by register_autograd_ops
// (cuda_autograd.cpp, gpu/device_autograd.h's tables).
void register_autograd_ops();
void register_copy_ops();
// torch.cuda.Stream / Event's functions (cuda_streams.cpp), added to the module.
bool add_stream_functions(PyObject* module);

}  // namespace janus::gpu
