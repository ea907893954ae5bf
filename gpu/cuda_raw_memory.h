// RawDeviceMemory on CUDA: cudaMalloc / cudaFree and CUDA events, for one device.
#pragma once
#include "gpu/raw_memory.h"

namespace janus::gpu {

class CudaRawMemory : public RawDeviceMemory {
 public:
  explicit CudaRawMemory(int device) : device_(device) {}
  void* allocate(size_t bytes) override;
  void release(void* ptr) override;  // cudaFree waits for the device: queued uses finish first
  EventId record_event(StreamId stream) override;
  bool event_done(EventId event) override;
  void wait_event(EventId event) override;
  void destroy_event(EventId event) override;

 private:
  int device_;
};

}  // namespace janus::gpu
