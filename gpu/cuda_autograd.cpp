// The CUDA kernel set of the device autograd layer (gpu/device_autograd.h): the raw kernels of
// cuda_ops_*.cpp, rows gathered and scatter-added through kernels.cu, and copies to and from
// the host. Registering it makes every op of JANUS_DEVICE_GRAD_OPS record gradients on cuda.
#include "gpu/cuda_ops_common.h"
#include "gpu/device_autograd.h"

namespace janus::gpu {

namespace cuda {
#define JANUS_CUDA_DECLARE(op) decltype(::janus::ops::op) op;
JANUS_DEVICE_RAW_OPS(JANUS_CUDA_DECLARE)
#undef JANUS_CUDA_DECLARE
}  // namespace cuda

namespace {

struct CudaKernels {
#define JANUS_CUDA_KERNEL(op) static constexpr auto op = &cuda::op;
  JANUS_DEVICE_RAW_OPS(JANUS_CUDA_KERNEL)
#undef JANUS_CUDA_KERNEL
  static Tensor empty(const Shape& sizes, DType dtype, Device d) { return empty_cuda(sizes, dtype, d); }
  static Tensor to_host(const Tensor& t) { return ::janus::gpu::to_device(t, Device{}, false); }
  static Tensor to_device(const Tensor& t, Device d) { return ::janus::gpu::to_device(t, d, false); }
  // src: contiguous (rows x L); index: contiguous int64 on the device, range-checked.
  static Tensor gather_rows(const Tensor& src, const Tensor& index) {
    DeviceGuard guard(src.device().index);
    Tensor idx = on_device(index, src.device());
    Tensor out = empty_cuda({idx.numel(), src.size(1)}, src.dtype(), src.device());
    cuda_check(kernels::gather_rows(out.raw(), src.raw(), int(src.dtype()), static_cast<const int64_t*>(idx.raw()),
                                    idx.numel(), src.size(1), stream_of(out)),
               "index_select");
    return out;
  }
  static void scatter_add_rows_(const Tensor& out, const Tensor& index, const Tensor& src) {
    if (!is_floating(out.dtype()))
      fail(ErrorKind::NotImplemented, "Janus has no cuda kernel for index_select's gradient of integer tensors");
    DeviceGuard guard(out.device().index);
    Tensor idx = on_device(index, out.device());
    Tensor s = src.dtype() == out.dtype() ? src : cuda::to_dtype(src, out.dtype(), false);
    cuda_check(kernels::scatter_add_rows(out.raw(), s.raw(), int(out.dtype()), static_cast<const int64_t*>(idx.raw()),
                                         idx.numel(), out.size(1), stream_of(out)),
               "index_select backward");
    out.bump_version();
  }
};

}  // namespace

void register_autograd_ops() { register_device_autograd<CudaKernels>(DeviceType::CUDA); }

}  // namespace janus::gpu
