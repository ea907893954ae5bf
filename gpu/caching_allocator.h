// Caching device allocator: cudaMalloc is slow and synchronizing, so freed blocks are kept
// and reused. Two pools by size class (small: <= 1 MiB, carved from 2 MiB segments; large:
// rounded to 2 MiB granules), best fit by size, blocks split on allocation and merged with
// free neighbours on release. Stream-aware: a block freed on stream S is reused on S at
// once (S's later work is ordered after its last use); another stream may take it only
// after an event recorded on S at the free has completed.
#pragma once
#include <cstddef>
#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "gpu/raw_memory.h"

namespace janus::gpu {

// Thrown when the device has no memory left even after the cache was released.
struct OutOfMemory : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct AllocatorStats {
  size_t allocated = 0;      // bytes in blocks handed out (rounded sizes)
  size_t max_allocated = 0;  // peak of `allocated` since the last reset
  size_t reserved = 0;       // bytes held from the device (segments)
  size_t max_reserved = 0;
  size_t segments = 0;
  size_t raw_allocations = 0;  // calls to RawDeviceMemory::allocate that succeeded
};

class CachingAllocator {
 public:
  static constexpr size_t kMinBlock = 512;              // every size rounds up to this
  static constexpr size_t kSmallLimit = 1 << 20;        // <= this: small pool
  static constexpr size_t kSmallSegment = 2 << 20;      // small pool's segment size
  static constexpr size_t kLargeGranule = 2 << 20;      // large segments round to this
  static constexpr size_t kLargeSplitRemainder = 1 << 20;  // large blocks split above this

  explicit CachingAllocator(RawDeviceMemory& raw) : raw_(raw) {}
  ~CachingAllocator();
  CachingAllocator(const CachingAllocator&) = delete;
  CachingAllocator& operator=(const CachingAllocator&) = delete;

  void* allocate(size_t bytes, StreamId stream);  // throws OutOfMemory
  void free(void* ptr, StreamId stream);          // `stream`: where its last use was queued
  void empty_cache();                             // returns every wholly free segment
  const AllocatorStats& stats() const { return stats_; }
  void reset_peak() { stats_.max_allocated = stats_.allocated; stats_.max_reserved = stats_.reserved; }
  static size_t round_size(size_t bytes);
  size_t block_size(void* ptr) const;  // the rounded size of an allocated block

 private:
  struct Block {
    char* ptr = nullptr;
    size_t size = 0;
    bool small = false;
    bool allocated = false;
    StreamId stream = 0;  // the stream that may reuse it at once
    EventId event = 0;    // when done, any stream may reuse it
    uint64_t event_seq = 0;  // events on one stream complete in record order
    Block* prev = nullptr;   // neighbours within the same segment
    Block* next = nullptr;
  };
  struct BySize {
    bool operator()(const Block* a, const Block* b) const {
      return a->size != b->size ? a->size < b->size : a->ptr < b->ptr;
    }
  };
  using Pool = std::set<Block*, BySize>;

  Block* find_free(Pool& pool, size_t size, StreamId stream);
  Block* new_segment(size_t size, bool small);
  void insert_free(Block* b);
  Block* merge(Block* into, Block* other);  // other is absorbed and deleted
  void drop_event(Block* b);

  RawDeviceMemory& raw_;
  Pool small_, large_;
  std::unordered_map<char*, Block*> allocated_;
  AllocatorStats stats_;
  uint64_t next_seq_ = 1;
};

}  // namespace janus::gpu
