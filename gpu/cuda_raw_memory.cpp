#include "gpu/cuda_raw_memory.h"

#include <cuda_runtime.h>

#include "gpu/cuda_runtime.h"

namespace janus::gpu {

void* CudaRawMemory::allocate(size_t bytes) {
  DeviceGuard guard(device_);
  void* p = nullptr;
  cudaError_t e = cudaMalloc(&p, bytes);
  if (e == cudaErrorMemoryAllocation) {
    cudaGetLastError();  // not sticky: clear it and let the allocator free its cache and retry
    return nullptr;
  }
  cuda_check(e, "cudaMalloc");
  return p;
}

void CudaRawMemory::release(void* ptr) {
  DeviceGuard guard(device_);
  cuda_check(cudaFree(ptr), "cudaFree");
}

EventId CudaRawMemory::record_event(StreamId stream) {
  DeviceGuard guard(device_);
  cudaEvent_t e;
  cuda_check(cudaEventCreateWithFlags(&e, cudaEventDisableTiming), "cudaEventCreate");
  cuda_check(cudaEventRecord(e, reinterpret_cast<cudaStream_t>(stream)), "cudaEventRecord");
  return reinterpret_cast<EventId>(e);
}

bool CudaRawMemory::event_done(EventId event) {
  cudaError_t e = cudaEventQuery(reinterpret_cast<cudaEvent_t>(event));
  if (e == cudaErrorNotReady) {
    cudaGetLastError();
    return false;
  }
  cuda_check(e, "cudaEventQuery");
  return true;
}

void CudaRawMemory::wait_event(EventId event) {
  cuda_check(cudaEventSynchronize(reinterpret_cast<cudaEvent_t>(event)), "cudaEventSynchronize");
}

void CudaRawMemory::destroy_event(EventId event) { cudaEventDestroy(reinterpret_cast<cudaEvent_t>(event)); }

}  // namespace janus::gpu
