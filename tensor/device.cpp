// Device names, and the check every op makes that its tensors are on one device.
#include "tensor/device.h"

#include <cctype>
#include <map>
#include <string>

#include "tensor/core.h"
#include "tensor/device_ops.h"

namespace janus {

static const char* kDeviceNames[] = {
#define JANUS_DEVICE_NAME(e, n) n,
    JANUS_DEVICE_TYPES(JANUS_DEVICE_NAME)
#undef JANUS_DEVICE_NAME
};

const char* device_type_name(DeviceType t) { return kDeviceNames[int(t)]; }

std::string device_str(Device d) {
  std::string s = device_type_name(d.type);
  if (d.index >= 0) s += ":" + std::to_string(d.index);
  return s;
}

Device parse_device(const std::string& text) {
  size_t colon = text.find(':');
  std::string type = text.substr(0, colon);
  Device d;
  bool known = false;
  for (int i = 0; i < int(sizeof kDeviceNames / sizeof *kDeviceNames); ++i)
    if (type == kDeviceNames[i]) d.type = DeviceType(i), known = true;
  if (!known)
    runtime_error(str_cat("Expected one of cpu, cuda device type at start of device string: ", text));
  if (colon == std::string::npos) return d;
  std::string index = text.substr(colon + 1);
  // PyTorch accepts only plain decimal digits, no sign, no leading zero but "0".
  bool ok = !index.empty() && index.size() <= 4 && (index.size() == 1 || index[0] != '0');
  for (char c : index) ok = ok && std::isdigit(static_cast<unsigned char>(c));
  if (!ok) runtime_error(str_cat("Invalid device string: '", text, "'"));
  d.index = int16_t(std::stoi(index));
  if (d.type == DeviceType::CPU && d.index != 0)
    runtime_error(str_cat("CPU device index must be -1 or zero, got ", d.index));
  return d;
}

// PyTorch's rule: all tensors on one device, except that a 0-d CPU tensor (a Python number
// among them) may join tensors on another device.
void check_same_device(const char* op, const std::vector<const Tensor*>& tensors) {
  const Tensor* first = nullptr;
  for (const Tensor* t : tensors) {
    if (!t->defined() || (t->device().is_cpu() && t->dim() == 0)) continue;
    if (!first) { first = t; continue; }
    if (t->device() != first->device())
      runtime_error(str_cat("Expected all tensors to be on the same device, but found at least two devices, ",
                            device_str(first->device()), " and ", device_str(t->device()), "! (when checking ",
                            "arguments for ", op, ")"));
  }
}

// Few entries, looked up only for non-CPU tensors: a map is plenty.
static std::map<std::pair<int, std::string>, ErasedOp>& device_ops() {
  static std::map<std::pair<int, std::string>, ErasedOp> table;
  return table;
}

void register_device_op(DeviceType type, const char* cpp_name, ErasedOp fn) {
  device_ops()[{int(type), cpp_name}] = fn;
}

ErasedOp find_device_op(DeviceType type, const char* cpp_name) {
  auto it = device_ops().find({int(type), cpp_name});
  return it == device_ops().end() ? nullptr : it->second;
}

}  // namespace janus
