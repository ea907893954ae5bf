// The caching allocator's bookkeeping. No CUDA here: every device call goes through
// RawDeviceMemory, so this file is unit-tested with a fake backend.
#include "gpu/caching_allocator.h"

#include <cstdio>
#include <vector>

namespace janus::gpu {

namespace {
std::string bytes_text(size_t n) {
  char buf[64];
  if (n >= (size_t(1) << 30)) std::snprintf(buf, sizeof buf, "%.2f GiB", double(n) / double(1 << 30));
  else std::snprintf(buf, sizeof buf, "%.2f MiB", double(n) / double(1 << 20));
  return buf;
}
}  // namespace

size_t CachingAllocator::round_size(size_t bytes) {
  if (bytes < kMinBlock) return kMinBlock;
  return (bytes + kMinBlock - 1) / kMinBlock * kMinBlock;
}

CachingAllocator::~CachingAllocator() {
  // Every block belongs to one segment; the segment heads own the device memory.
  std::vector<Block*> heads;
  auto note = [&](Block* b) { if (!b->prev) heads.push_back(b); };
  for (Block* b : small_) note(b);
  for (Block* b : large_) note(b);
  for (auto& [ptr, b] : allocated_) note(b);
  for (Block* head : heads) {
    raw_.release(head->ptr);
    for (Block* b = head; b;) {
      Block* next = b->next;
      if (b->event) raw_.destroy_event(b->event);
      delete b;
      b = next;
    }
  }
}

void CachingAllocator::drop_event(Block* b) {
  if (b->event) raw_.destroy_event(b->event);
  b->event = 0;
  b->event_seq = 0;
}

// Best fit among the blocks `stream` may use now. A block owned by another stream gets an
// event recorded on its owner the first time someone else wants it (no cost on the common
// one-stream path); once that event is done, any stream may take it.
CachingAllocator::Block* CachingAllocator::find_free(Pool& pool, size_t size, StreamId stream) {
  Block key;
  key.size = size;
  for (auto it = pool.lower_bound(&key); it != pool.end(); ++it) {
    Block* b = *it;
    if (b->stream == stream) return b;
    if (!b->event) {
      b->event = raw_.record_event(b->stream);
      b->event_seq = next_seq_++;
    } else if (raw_.event_done(b->event)) {
      return b;
    }
  }
  return nullptr;
}

CachingAllocator::Block* CachingAllocator::new_segment(size_t size, bool small) {
  void* p = raw_.allocate(size);
  if (!p) return nullptr;
  Block* b = new Block;
  b->ptr = static_cast<char*>(p);
  b->size = size;
  b->small = small;
  stats_.reserved += size;
  stats_.max_reserved = std::max(stats_.max_reserved, stats_.reserved);
  ++stats_.segments;
  ++stats_.raw_allocations;
  return b;
}

void* CachingAllocator::allocate(size_t bytes, StreamId stream) {
  const size_t size = round_size(bytes);
  const bool small = size <= kSmallLimit;
  Pool& pool = small ? small_ : large_;
  Block* b = find_free(pool, size, stream);
  if (b) {
    pool.erase(b);
  } else {
    size_t segment = small ? kSmallSegment : (size + kLargeGranule - 1) / kLargeGranule * kLargeGranule;
    b = new_segment(segment, small);
    if (!b) {  // one retry after giving the cache back, as PyTorch does
      empty_cache();
      b = new_segment(segment, small);
    }
    if (!b)
      throw OutOfMemory("CUDA out of memory. Tried to allocate " + bytes_text(size) + " (" +
                        bytes_text(stats_.allocated) + " already allocated; " + bytes_text(stats_.reserved) +
                        " reserved in total by Janus)");
  }
  drop_event(b);  // taken by `stream` now: older events say nothing about its next use
  b->stream = stream;
  b->allocated = true;  // before the split, so the remainder does not merge back into it
  size_t remainder = b->size - size;
  if (small ? remainder >= kMinBlock : remainder > kLargeSplitRemainder) {
    Block* rest = new Block;
    rest->ptr = b->ptr + size;
    rest->size = remainder;
    rest->small = small;
    rest->stream = stream;
    rest->prev = b;
    rest->next = b->next;
    if (b->next) b->next->prev = rest;
    b->next = rest;
    b->size = size;
    insert_free(rest);
  }
  allocated_[b->ptr] = b;
  stats_.allocated += b->size;
  stats_.max_allocated = std::max(stats_.max_allocated, stats_.allocated);
  return b->ptr;
}

// Absorbs `other` (free, adjacent, same stream) into `into`. The merged block is reusable on
// another stream only when both parts are: events on one stream complete in record order,
// so the later event stands for both; a part with no event yet means none is known.
CachingAllocator::Block* CachingAllocator::merge(Block* into, Block* other) {
  if (into->event && other->event) {
    if (other->event_seq > into->event_seq) std::swap(into->event, other->event), std::swap(into->event_seq, other->event_seq);
    drop_event(other);
  } else {
    drop_event(into);
    drop_event(other);
  }
  if (other == into->next) {
    into->size += other->size;
    into->next = other->next;
    if (other->next) other->next->prev = into;
  } else {  // other precedes into
    other->size += into->size;
    other->next = into->next;
    if (into->next) into->next->prev = other;
    std::swap(other->event, into->event);
    std::swap(other->event_seq, into->event_seq);
    delete into;
    return other;
  }
  delete other;
  return into;
}

void CachingAllocator::insert_free(Block* b) {
  Pool& pool = b->small ? small_ : large_;
  if (b->next && !b->next->allocated && b->next->stream == b->stream) {
    pool.erase(b->next);
    b = merge(b, b->next);
  }
  if (b->prev && !b->prev->allocated && b->prev->stream == b->stream) {
    pool.erase(b->prev);
    b = merge(b, b->prev);
  }
  pool.insert(b);
}

void CachingAllocator::free(void* ptr, StreamId stream) {
  auto it = allocated_.find(static_cast<char*>(ptr));
  if (it == allocated_.end()) throw std::invalid_argument("CachingAllocator::free: not a pointer it allocated");
  Block* b = it->second;
  allocated_.erase(it);
  stats_.allocated -= b->size;
  b->allocated = false;
  b->stream = stream;
  drop_event(b);
  insert_free(b);
}

size_t CachingAllocator::block_size(void* ptr) const {
  auto it = allocated_.find(static_cast<char*>(ptr));
  return it == allocated_.end() ? 0 : it->second->size;
}

// Returns wholly free segments to the device. Their last uses may still be queued: the raw
// release must order itself after them (cudaFree synchronizes the device).
void CachingAllocator::empty_cache() {
  for (Pool* pool : {&small_, &large_}) {
    for (auto it = pool->begin(); it != pool->end();) {
      Block* b = *it;
      if (b->prev || b->next) { ++it; continue; }
      it = pool->erase(it);
      if (b->event) raw_.wait_event(b->event);
      drop_event(b);
      raw_.release(b->ptr);
      stats_.reserved -= b->size;
      --stats_.segments;
      delete b;
    }
  }
}

}  // namespace janus::gpu
