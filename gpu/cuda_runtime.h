// The CUDA backend's per-process state: the current device and stream, one caching allocator
// and one cuBLAS handle per device, and CUDA errors turned into janus::Error naming the op.
// Used only by the _janus_cuda module (built when the toolkit is found).
#pragma once
#include "gpu/caching_allocator.h"
#include "tensor/autograd.h"  // TensorImpl is complete only with autograd's Node

namespace janus::gpu {

// RuntimeError "CUDA error: <CUDA's text> (in <op>)"; OutOfMemory for cudaErrorMemoryAllocation.
[[noreturn]] void cuda_fail(int error, const char* op);
inline void cuda_check(int error, const char* op) {
  if (error) cuda_fail(error, op);
}

int current_device();
void set_device(int device);
void* current_stream(int device);  // a cudaStream_t; nullptr = the legacy default stream
void set_current_stream(int device, void* stream);
CachingAllocator& allocator(int device);
void* cublas_handle(int device);  // bound to the current stream by the caller
extern bool g_allow_tf32;         // torch.backends.cuda.matmul.allow_tf32

// Makes `device` current for the scope, restoring the previous one.
class DeviceGuard {
 public:
  explicit DeviceGuard(int device);
  ~DeviceGuard();
 private:
  int previous_;
};

Device resolve(Device d);  // "cuda" -> "cuda:<current>"
// Uninitialized contiguous tensor on `d` (memory from the caching allocator, freed on the
// current stream). Throws ErrorKind::OutOfMemory after one empty_cache and retry.
Tensor empty_cuda(const Shape& sizes, DType dtype, Device d);

}  // namespace janus::gpu
