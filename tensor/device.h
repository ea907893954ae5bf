// Where a tensor's memory lives. Storage carries a Device; every tensor viewing it is there.
// Printed and parsed as PyTorch does ("cpu", "cuda", "cuda:1").
#pragma once
#include <cstdint>
#include <string>

namespace janus {

// The one table of device types: enum name, PyTorch's name for it.
#define JANUS_DEVICE_TYPES(_) \
  _(CPU, "cpu")               \
  _(CUDA, "cuda")

enum class DeviceType : uint8_t {
#define JANUS_DEVICE_ENUM(e, n) e,
  JANUS_DEVICE_TYPES(JANUS_DEVICE_ENUM)
#undef JANUS_DEVICE_ENUM
};
const char* device_type_name(DeviceType t);  // "cuda"

struct Device {
  DeviceType type = DeviceType::CPU;
  int16_t index = -1;  // -1: "the current one" (and always for cpu tensors)
  bool is_cpu() const { return type == DeviceType::CPU; }
  bool operator==(const Device& o) const { return type == o.type && index == o.index; }
  bool operator!=(const Device& o) const { return !(*this == o); }
};

std::string device_str(Device d);  // "cpu", "cuda:0", "cuda" (no index)
// "cuda:1" -> {CUDA, 1}; PyTorch's RuntimeErrors for anything else.
Device parse_device(const std::string& text);

}  // namespace janus
