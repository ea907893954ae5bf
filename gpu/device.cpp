#include "gpu/device.h"

#ifdef JANUS_HAVE_CUDA
#include <cuda_runtime_api.h>
#endif

namespace janus::gpu {

const DeviceInfo& device_info() {
  static const DeviceInfo info = [] {
    DeviceInfo result;
#ifdef JANUS_HAVE_CUDA
    result.built_with_cuda = true;
    int count = 0;
    cudaError_t error = cudaGetDeviceCount(&count);
    // The reasons are PyTorch's messages for these cases (its RuntimeError text).
    if (error == cudaErrorInsufficientDriver || error == cudaErrorNoDevice) {
      result.reason = error == cudaErrorNoDevice
                          ? "No CUDA GPUs are available"
                          : "Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU and "
                            "installed a driver from http://www.nvidia.com/Download/index.aspx";
      cudaGetLastError();
    } else if (error != cudaSuccess) {
      result.reason = std::string("CUDA reports: ") + cudaGetErrorString(error);
      cudaGetLastError();  // clear the sticky error
    } else if (count == 0) {
      result.reason = "No CUDA GPUs are available";
    } else {
      result.device_count = count;
    }
#else
    result.reason = "Janus was built without CUDA";
#endif
    return result;
  }();
  return info;
}

}  // namespace janus::gpu
