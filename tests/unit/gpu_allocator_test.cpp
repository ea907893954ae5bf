// The caching allocator's bookkeeping against a fake device: host memory with a byte budget,
// and events that complete only when the test says so.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <set>

#include "gpu/caching_allocator.h"

namespace janus::gpu {
namespace {

class FakeDevice : public RawDeviceMemory {
 public:
  explicit FakeDevice(size_t budget) : budget_(budget) {}
  void* allocate(size_t bytes) override {
    if (used_ + bytes > budget_) return nullptr;
    used_ += bytes;
    void* p = std::malloc(bytes);
    sizes_[p] = bytes;
    ++allocations;
    return p;
  }
  void release(void* p) override {
    ASSERT_TRUE(sizes_.count(p)) << "released a pointer it never handed out";
    used_ -= sizes_[p];
    sizes_.erase(p);
    std::free(p);
    ++releases;
  }
  EventId record_event(StreamId stream) override {
    EventId e = next_++;
    pending_[e] = stream;
    ++events_recorded;
    return e;
  }
  bool event_done(EventId e) override { return !pending_.count(e); }
  void wait_event(EventId e) override { pending_.erase(e); }
  void destroy_event(EventId e) override { pending_.erase(e); ++events_destroyed; }
  void complete_stream(StreamId s) {  // everything queued on s so far has run
    for (auto it = pending_.begin(); it != pending_.end();) it = it->second == s ? pending_.erase(it) : std::next(it);
  }
  size_t used() const { return used_; }
  int allocations = 0, releases = 0, events_recorded = 0, events_destroyed = 0;

 private:
  size_t budget_, used_ = 0;
  EventId next_ = 1;
  std::map<void*, size_t> sizes_;
  std::map<EventId, StreamId> pending_;
};

constexpr StreamId kS = 1, kT = 2;
constexpr size_t MiB = 1 << 20;

TEST(GpuAllocator, RoundsToSizeClasses) {
  EXPECT_EQ(CachingAllocator::round_size(0), 512u);
  EXPECT_EQ(CachingAllocator::round_size(1), 512u);
  EXPECT_EQ(CachingAllocator::round_size(512), 512u);
  EXPECT_EQ(CachingAllocator::round_size(513), 1024u);
}

TEST(GpuAllocator, SmallBlocksShareOneSegment) {
  FakeDevice dev(64 * MiB);
  CachingAllocator a(dev);
  void* p = a.allocate(100, kS);
  void* q = a.allocate(1000, kS);
  EXPECT_EQ(dev.allocations, 1);
  EXPECT_EQ(a.stats().reserved, CachingAllocator::kSmallSegment);
  EXPECT_EQ(a.stats().allocated, 512u + 1024u);
  EXPECT_EQ(static_cast<char*>(q) - static_cast<char*>(p), 512);  // split from p's segment
  a.free(p, kS);
  a.free(q, kS);
  EXPECT_EQ(a.stats().allocated, 0u);
  EXPECT_EQ(a.stats().max_allocated, 1536u);
  EXPECT_EQ(a.stats().reserved, CachingAllocator::kSmallSegment);  // cached, not returned
  // Neighbours merged back: the whole segment is one free block again, so it can be released.
  a.empty_cache();
  EXPECT_EQ(a.stats().reserved, 0u);
  EXPECT_EQ(dev.used(), 0u);
}

TEST(GpuAllocator, ReusesAFreedBlockOnTheSameStreamAtOnce) {
  FakeDevice dev(64 * MiB);
  CachingAllocator a(dev);
  void* p = a.allocate(4 * MiB, kS);
  a.free(p, kS);
  void* q = a.allocate(4 * MiB, kS);
  EXPECT_EQ(p, q);
  EXPECT_EQ(dev.allocations, 1);
  EXPECT_EQ(dev.events_recorded, 0);  // one stream: no events at all
  a.free(q, kS);
}

TEST(GpuAllocator, AnotherStreamWaitsForAnEvent) {
  FakeDevice dev(64 * MiB);
  CachingAllocator a(dev);
  void* p = a.allocate(4 * MiB, kS);
  a.free(p, kS);
  // T may not take S's block while S's work may still use it: a fresh segment, and an
  // event is now recorded on S.
  void* q = a.allocate(4 * MiB, kT);
  EXPECT_NE(p, q);
  EXPECT_EQ(dev.events_recorded, 1);
  a.free(q, kT);
  dev.complete_stream(kS);
  void* r = a.allocate(4 * MiB, kT);
  EXPECT_TRUE(r == p || r == q);
  a.free(r, kT);
  // Once S's event is done, T takes S's block even when T has none of its own.
  void* x = a.allocate(4 * MiB, kT);
  void* y = a.allocate(4 * MiB, kT);
  EXPECT_EQ(std::set<void*>({x, y}), std::set<void*>({p, q}));
  EXPECT_EQ(dev.allocations, 2);
  a.free(x, kT);
  a.free(y, kT);
}

TEST(GpuAllocator, LargeBlocksSplitAndMerge) {
  FakeDevice dev(64 * MiB);
  CachingAllocator a(dev);
  void* big = a.allocate(10 * MiB, kS);
  a.free(big, kS);
  void* p = a.allocate(3 * MiB, kS);   // split: 7 MiB left over, more than 1 MiB
  void* q = a.allocate(3 * MiB, kS);
  EXPECT_EQ(p, big);
  EXPECT_EQ(static_cast<char*>(q), static_cast<char*>(big) + 3 * MiB);
  EXPECT_EQ(dev.allocations, 1);
  EXPECT_EQ(a.stats().allocated, 6 * MiB);
  a.free(p, kS);
  a.free(q, kS);
  void* whole = a.allocate(10 * MiB, kS);  // merged back into one 10 MiB block
  EXPECT_EQ(whole, big);
  EXPECT_EQ(dev.allocations, 1);
  a.free(whole, kS);
}

TEST(GpuAllocator, OutOfMemoryAfterEmptyingTheCacheOnce) {
  FakeDevice dev(8 * MiB);
  CachingAllocator a(dev);
  void* p = a.allocate(6 * MiB, kS);
  a.free(p, kS);  // cached: 6 MiB reserved, nothing allocated
  // 8 MiB does not fit beside the cached 6 MiB; the one retry after empty_cache does.
  void* q = a.allocate(8 * MiB, kT);
  EXPECT_EQ(dev.releases, 1);
  EXPECT_EQ(a.stats().reserved, 8 * MiB);
  EXPECT_THROW(a.allocate(2 * MiB, kT), OutOfMemory);
  // The allocator keeps working after the failure.
  a.free(q, kT);
  void* r = a.allocate(2 * MiB, kT);
  EXPECT_EQ(r, q);
  a.free(r, kT);
  try {
    a.allocate(100 * MiB, kT);
    FAIL() << "expected OutOfMemory";
  } catch (const OutOfMemory& e) {
    EXPECT_NE(std::string(e.what()).find("CUDA out of memory. Tried to allocate 100.00 MiB"), std::string::npos);
  }
}

TEST(GpuAllocator, PeakAndReset) {
  FakeDevice dev(64 * MiB);
  CachingAllocator a(dev);
  void* p = a.allocate(4 * MiB, kS);
  void* q = a.allocate(2 * MiB, kS);
  a.free(p, kS);
  EXPECT_EQ(a.stats().allocated, 2 * MiB);
  EXPECT_EQ(a.stats().max_allocated, 6 * MiB);
  a.reset_peak();
  EXPECT_EQ(a.stats().max_allocated, 2 * MiB);
  a.free(q, kS);
  EXPECT_THROW(a.free(q, kS), std::invalid_argument);  // double free is caught
}

TEST(GpuAllocator, DestructorReturnsEverything) {
  FakeDevice dev(64 * MiB);
  {
    CachingAllocator a(dev);
    a.allocate(100, kS);
    void* p = a.allocate(5 * MiB, kS);
    a.free(p, kS);
    a.allocate(3 * MiB, kT);
  }
  EXPECT_EQ(dev.used(), 0u);
}

}  // namespace
}  // namespace janus::gpu
