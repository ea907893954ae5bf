#include "gpu/cuda_runtime.h"

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <memory>
#include <vector>

#include "gpu/cuda_raw_memory.h"
#include "gpu/device.h"

namespace janus::gpu {

bool g_allow_tf32 = false;

void cuda_fail(int error, const char* op) {
  auto e = cudaError_t(error);
  cudaGetLastError();  // clear a non-sticky error so the process can go on
  if (e == cudaErrorMemoryAllocation)
    fail(ErrorKind::OutOfMemory, str_cat("CUDA out of memory (in ", op, ")"));
  runtime_error(str_cat("CUDA error: ", cudaGetErrorString(e), " (in ", op, ")"));
}

namespace {
struct PerDevice {
  std::unique_ptr<CudaRawMemory> raw;
  std::unique_ptr<CachingAllocator> allocator;
  void* stream = nullptr;
  cublasHandle_t cublas = nullptr;
};
std::vector<PerDevice>& devices() {
  // Never destroyed: tensors freed during interpreter shutdown still return their blocks.
  static auto* all = new std::vector<PerDevice>(size_t(device_info().device_count));
  return *all;
}
PerDevice& at(int device) {
  auto& all = devices();
  if (device < 0 || size_t(device) >= all.size()) runtime_error("CUDA error: invalid device ordinal");
  return all[size_t(device)];
}
}  // namespace

int current_device() {
  int d = 0;
  cuda_check(cudaGetDevice(&d), "cudaGetDevice");
  return d;
}

void set_device(int device) {
  at(device);
  cuda_check(cudaSetDevice(device), "cudaSetDevice");
}

DeviceGuard::DeviceGuard(int device) : previous_(current_device()) {
  if (device != previous_) set_device(device);
}
DeviceGuard::~DeviceGuard() {
  int now = 0;
  if (cudaGetDevice(&now) == cudaSuccess && now != previous_) cudaSetDevice(previous_);
}

void* current_stream(int device) { return at(device).stream; }
void set_current_stream(int device, void* stream) { at(device).stream = stream; }

CachingAllocator& allocator(int device) {
  PerDevice& d = at(device);
  if (!d.allocator) {
    d.raw = std::make_unique<CudaRawMemory>(device);
    d.allocator = std::make_unique<CachingAllocator>(*d.raw);
  }
  return *d.allocator;
}

void* cublas_handle(int device) {
  PerDevice& d = at(device);
  if (!d.cublas) {
    DeviceGuard guard(device);
    if (cublasCreate(&d.cublas) != CUBLAS_STATUS_SUCCESS) runtime_error("CUDA error: cublasCreate failed");
  }
  return d.cublas;
}

Device resolve(Device d) {
  if (d.index < 0) d.index = int16_t(current_device());
  at(d.index);
  return d;
}

namespace {
struct BlockOwner {
  int device;
};
void release_block(void* context, void* data) {
  int device = int(reinterpret_cast<intptr_t>(context));
  allocator(device).free(data, reinterpret_cast<StreamId>(current_stream(device)));
}
}  // namespace

Tensor empty_cuda(const Shape& sizes, DType dtype, Device d) {
  d = resolve(d);
  size_t nbytes = size_t(shape_numel(sizes)) * dtype_size(dtype);
  void* p;
  try {
    p = allocator(d.index).allocate(nbytes, reinterpret_cast<StreamId>(current_stream(d.index)));
  } catch (const OutOfMemory& e) {
    fail(ErrorKind::OutOfMemory, str_cat(e.what(), " on GPU ", d.index));
  }
  Ref<TensorImpl> t(new TensorImpl);
  t->storage = Storage::borrow(p, nbytes, release_block, reinterpret_cast<void*>(intptr_t(d.index)));
  t->storage->device = d;
  t->sizes = sizes;
  t->strides = contiguous_strides(sizes);
  t->dtype = dtype;
  t->version = Ref<VersionCounter>(new VersionCounter);
  return Tensor(std::move(t));
}

}  // namespace janus::gpu
