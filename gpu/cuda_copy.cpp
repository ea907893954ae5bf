// Copies between the host and CUDA devices. Host -> device goes through pinned staging
// buffers (so the copy is truly asynchronous and capturable); each buffer is reused once the
// event recorded after its copy has completed. Device -> host waits for the stream: the
// caller is about to read the values.
#include <cuda_runtime.h>

#include <cstring>
#include <vector>

#include "gpu/cuda_ops_common.h"
#include "tensor/device_ops.h"

namespace janus::gpu {

namespace {

struct Staging {
  void* ptr = nullptr;
  size_t size = 0;
  cudaEvent_t done = nullptr;  // recorded after the copy out of this buffer was queued
};

// Kept for the process's life: buffers are few (one per copy in flight) and pinned memory
// is slow to allocate.
std::vector<Staging>& staging_pool() {
  static auto* pool = new std::vector<Staging>;
  return *pool;
}

Staging& acquire_staging(size_t size) {
  Staging* best = nullptr;
  for (Staging& s : staging_pool()) {
    if (s.size < size) continue;
    cudaError_t e = s.done ? cudaEventQuery(s.done) : cudaSuccess;
    if (e == cudaErrorNotReady) { cudaGetLastError(); continue; }
    if (!best || s.size < best->size) best = &s;
  }
  if (best) return *best;
  Staging s;
  s.size = std::max<size_t>(size, 4096);
  cuda_check(cudaHostAlloc(&s.ptr, s.size, cudaHostAllocDefault), "cudaHostAlloc (pinned staging)");
  cuda_check(cudaEventCreateWithFlags(&s.done, cudaEventDisableTiming), "cudaEventCreate");
  staging_pool().push_back(s);
  return staging_pool().back();
}

Tensor host_to_device(const Tensor& t, Device target) {
  Tensor src = t.is_contiguous() ? t : ops::contiguous(t);
  DeviceGuard guard(target.index);
  Tensor out = empty_cuda(src.sizes(), src.dtype(), target);
  size_t nbytes = size_t(src.numel()) * src.itemsize();
  if (nbytes == 0) return out;
  auto stream = static_cast<cudaStream_t>(current_stream(target.index));
  cudaStreamCaptureStatus capturing = cudaStreamCaptureStatusNone;
  cuda_check(cudaStreamIsCapturing(stream, &capturing), "copy to cuda");
  if (capturing != cudaStreamCaptureStatusNone) {
    // A captured copy reads its buffer again on every replay: it gets one of its own, kept for
    // the process's life (graphs are few and their host inputs small).
    void* pinned = nullptr;
    cuda_check(cudaHostAlloc(&pinned, nbytes, cudaHostAllocDefault), "cudaHostAlloc (captured copy)");
    std::memcpy(pinned, src.raw(), nbytes);
    cuda_check(cudaMemcpyAsync(out.raw(), pinned, nbytes, cudaMemcpyHostToDevice, stream), "copy to cuda");
    return out;
  }
  Staging& s = acquire_staging(nbytes);
  std::memcpy(s.ptr, src.raw(), nbytes);
  cuda_check(cudaMemcpyAsync(out.raw(), s.ptr, nbytes, cudaMemcpyHostToDevice, stream), "copy to cuda");
  cuda_check(cudaEventRecord(s.done, stream), "copy to cuda");
  return out;
}

Tensor device_to_host(const Tensor& t) {
  DeviceGuard guard(t.device().index);
  Tensor src = contiguous_cuda(t);
  Tensor out = Tensor::empty(src.sizes(), src.dtype());
  size_t nbytes = size_t(src.numel()) * src.itemsize();
  if (nbytes == 0) return out;
  auto stream = static_cast<cudaStream_t>(current_stream(t.device().index));
  cuda_check(cudaMemcpyAsync(out.raw(), src.raw(), nbytes, cudaMemcpyDeviceToHost, stream), "copy to cpu");
  cuda_check(cudaStreamSynchronize(stream), "copy to cpu");
  return out;
}

Tensor device_to_device(const Tensor& t, Device target) {
  Tensor src = contiguous_cuda(t);
  DeviceGuard guard(target.index);
  Tensor out = empty_cuda(src.sizes(), src.dtype(), target);
  size_t nbytes = size_t(src.numel()) * src.itemsize();
  if (nbytes == 0) return out;
  cuda_check(cudaMemcpyPeerAsync(out.raw(), target.index, src.raw(), src.device().index, nbytes,
                                 static_cast<cudaStream_t>(current_stream(target.index))),
             "copy between cuda devices");
  return out;
}

}  // namespace

Tensor to_device(const Tensor& t, Device target, bool non_blocking) {
  if (needs_grad({&t}))
    fail(ErrorKind::NotImplemented, "Janus does not record autograd through a copy between devices yet; copy "
                                    "under torch.no_grad() (Module.to() does)");
  if (target.is_cpu()) return t.device().is_cpu() ? t : device_to_host(t);
  target = resolve(target);
  if (t.device().is_cpu()) return host_to_device(t, target);
  return t.device() == target ? t : device_to_device(t, target);
}

void register_copy_ops() {
  ToDeviceFn fn = &to_device;
  register_device_op(DeviceType::CUDA, kToDeviceOp, reinterpret_cast<ErasedOp>(fn));
  EmptyOnFn empty = &empty_cuda;
  register_device_op(DeviceType::CUDA, kEmptyOnOp, reinterpret_cast<ErasedOp>(empty));
}

}  // namespace janus::gpu
