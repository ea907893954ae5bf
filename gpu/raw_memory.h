// The few things the caching allocator asks of a device: raw memory and stream events.
// CUDA implements it (gpu/cuda_raw_memory.cpp); tests implement it with host memory and
// hand-completed events, so the allocator's bookkeeping is tested on machines with no GPU.
#pragma once
#include <cstddef>
#include <cstdint>

namespace janus::gpu {

using StreamId = uintptr_t;  // a cudaStream_t's bits; 0 is the legacy default stream
using EventId = uintptr_t;   // a cudaEvent_t's bits; 0 = none

class RawDeviceMemory {
 public:
  virtual ~RawDeviceMemory() = default;
  virtual void* allocate(size_t bytes) = 0;  // nullptr when the device is out of memory
  virtual void release(void* ptr) = 0;
  // An event recorded on `stream` now: done once the work queued there so far has finished.
  virtual EventId record_event(StreamId stream) = 0;
  virtual bool event_done(EventId event) = 0;  // never blocks
  virtual void wait_event(EventId event) = 0;  // blocks the host until done
  virtual void destroy_event(EventId event) = 0;
};

}  // namespace janus::gpu
