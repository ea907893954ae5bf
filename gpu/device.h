// What CUDA devices this process can use. Never fails: no toolkit at build time, no driver
// or no device at run time all read as zero devices, with the reason kept for messages.
#pragma once

#include <string>

namespace janus::gpu {

struct DeviceInfo {
  bool built_with_cuda = false;  // the backend was compiled in
  int device_count = 0;          // usable devices now
  std::string reason;            // why device_count is 0, for skip messages and errors
};

const DeviceInfo& device_info();

}  // namespace janus::gpu
