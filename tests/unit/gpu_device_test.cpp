// The device probe never fails: with no GPU it reports zero devices and says why.
#include <gtest/gtest.h>

#include "gpu/device.h"

TEST(GpuDevice, ReportsDevicesOrAReason) {
  const auto& info = janus::gpu::device_info();
  if (info.device_count == 0) {
    EXPECT_FALSE(info.reason.empty());
    GTEST_SKIP() << "no CUDA device: " << info.reason;
  }
  EXPECT_TRUE(info.built_with_cuda);
  EXPECT_GT(info.device_count, 0);
}
