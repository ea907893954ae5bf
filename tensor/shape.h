// Shape: the sizes or strides of a tensor. A vector of int64_t with the subset of
// std::vector's interface the runtime uses, whose first kInline elements live inside the
// object: a tensor of rank <= kInline (nearly all of them) allocates nothing for its metadata,
// and copying a shape (every op builds or copies a few) is a few stores instead of a
// malloc/free pair. Larger ranks spill to the heap and behave the same.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <iterator>
#include <new>
#include <type_traits>

namespace janus {

class Shape {
 public:
  static constexpr uint32_t kInline = 6;
  using value_type = int64_t;
  using size_type = size_t;
  using difference_type = std::ptrdiff_t;
  using reference = int64_t&;
  using const_reference = const int64_t&;
  using pointer = int64_t*;
  using const_pointer = const int64_t*;
  using iterator = int64_t*;
  using const_iterator = const int64_t*;
  using reverse_iterator = std::reverse_iterator<iterator>;
  using const_reverse_iterator = std::reverse_iterator<const_iterator>;

  Shape() = default;
  explicit Shape(size_t n) { resize(n); }
  Shape(size_t n, int64_t v) { assign(n, v); }
  Shape(std::initializer_list<int64_t> l) { assign(l.begin(), l.end()); }
  template <class It, class = std::enable_if_t<!std::is_integral_v<It>>>
  Shape(It first, It last) { assign(first, last); }
  Shape(const Shape& o) {
    if (o.is_inline()) copy_inline(o);
    else assign(o.begin(), o.end());
  }
  Shape(Shape&& o) noexcept { take(o); }
  ~Shape() { if (!is_inline()) std::free(data_); }

  Shape& operator=(const Shape& o) {
    if (this == &o) return *this;
    if (o.is_inline() && is_inline()) copy_inline(o);
    else assign(o.begin(), o.end());
    return *this;
  }
  Shape& operator=(Shape&& o) noexcept {
    if (this != &o) {
      if (!is_inline()) std::free(data_);
      data_ = inline_;
      cap_ = kInline;
      take(o);
    }
    return *this;
  }
  Shape& operator=(std::initializer_list<int64_t> l) {
    assign(l.begin(), l.end());
    return *this;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t capacity() const { return cap_; }
  int64_t* data() { return data_; }
  const int64_t* data() const { return data_; }
  int64_t& operator[](size_t i) { return data_[i]; }
  const int64_t& operator[](size_t i) const { return data_[i]; }
  int64_t& front() { return data_[0]; }
  const int64_t& front() const { return data_[0]; }
  int64_t& back() { return data_[size_ - 1]; }
  const int64_t& back() const { return data_[size_ - 1]; }

  iterator begin() { return data_; }
  iterator end() { return data_ + size_; }
  const_iterator begin() const { return data_; }
  const_iterator end() const { return data_ + size_; }
  const_iterator cbegin() const { return data_; }
  const_iterator cend() const { return data_ + size_; }
  reverse_iterator rbegin() { return reverse_iterator(end()); }
  reverse_iterator rend() { return reverse_iterator(begin()); }
  const_reverse_iterator rbegin() const { return const_reverse_iterator(end()); }
  const_reverse_iterator rend() const { return const_reverse_iterator(begin()); }

  void reserve(size_t n) { if (n > cap_) grow(n); }
  void clear() { size_ = 0; }
  void resize(size_t n, int64_t v = 0) {
    reserve(n);
    for (size_t i = size_; i < n; ++i) data_[i] = v;
    size_ = uint32_t(n);
  }
  void assign(size_t n, int64_t v) {
    size_ = 0;
    resize(n, v);
  }
  template <class It, class = std::enable_if_t<!std::is_integral_v<It>>>
  void assign(It first, It last) {
    const size_t n = size_t(std::distance(first, last));
    size_ = 0;
    reserve(n);
    std::copy(first, last, data_);
    size_ = uint32_t(n);
  }
  void push_back(int64_t v) {
    if (size_ == cap_) grow(size_t(cap_) * 2);
    data_[size_++] = v;
  }
  int64_t& emplace_back(int64_t v) {
    push_back(v);
    return back();
  }
  void pop_back() { --size_; }

  iterator insert(const_iterator pos, int64_t v) { return insert(pos, size_t(1), v); }
  iterator insert(const_iterator pos, size_t n, int64_t v) {
    const size_t at = size_t(pos - data_);
    make_gap(at, n);
    std::fill(data_ + at, data_ + at + n, v);
    return data_ + at;
  }
  template <class It, class = std::enable_if_t<!std::is_integral_v<It>>>
  iterator insert(const_iterator pos, It first, It last) {
    const size_t at = size_t(pos - data_);
    const size_t n = size_t(std::distance(first, last));
    if (n == 0) return data_ + at;
    // The source may be this shape itself: copy it out before moving elements around.
    Shape src(first, last);
    make_gap(at, n);
    std::copy(src.begin(), src.end(), data_ + at);
    return data_ + at;
  }
  iterator insert(const_iterator pos, std::initializer_list<int64_t> l) { return insert(pos, l.begin(), l.end()); }
  iterator erase(const_iterator pos) { return erase(pos, pos + 1); }
  iterator erase(const_iterator first, const_iterator last) {
    int64_t* f = data_ + (first - data_);
    int64_t* l = data_ + (last - data_);
    std::copy(l, end(), f);
    size_ -= uint32_t(l - f);
    return f;
  }

  friend bool operator==(const Shape& a, const Shape& b) {
    return a.size_ == b.size_ && std::equal(a.begin(), a.end(), b.begin());
  }
  friend bool operator!=(const Shape& a, const Shape& b) { return !(a == b); }
  friend bool operator<(const Shape& a, const Shape& b) {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  bool is_inline() const { return data_ == inline_; }
  // The whole inline buffer, whatever its size: a fixed-size copy is a few vector moves, while
  // one of size_ elements is a memcpy call. (Slots past size_ are copied but never read.)
  void copy_inline(const Shape& o) {
    std::memcpy(inline_, o.inline_, sizeof(inline_));
    size_ = o.size_;
  }
  // Takes o's elements (its heap block, or a copy of its inline ones); o is left empty.
  void take(Shape& o) {
    if (o.is_inline()) {
      copy_inline(o);
    } else {
      data_ = o.data_;
      size_ = o.size_;
      cap_ = o.cap_;
      o.data_ = o.inline_;
      o.cap_ = kInline;
    }
    o.size_ = 0;
  }
  void grow(size_t n) {
    n = std::max<size_t>(n, kInline * 2);
    auto* p = static_cast<int64_t*>(std::malloc(n * sizeof(int64_t)));
    if (!p) throw std::bad_alloc();
    std::memcpy(p, data_, size_ * sizeof(int64_t));
    if (!is_inline()) std::free(data_);
    data_ = p;
    cap_ = uint32_t(n);
  }
  void make_gap(size_t at, size_t n) {
    reserve(size_ + n);
    std::copy_backward(data_ + at, data_ + size_, data_ + size_ + n);
    size_ += uint32_t(n);
  }

  int64_t* data_ = inline_;
  uint32_t size_ = 0;
  uint32_t cap_ = kInline;
  int64_t inline_[kInline];  // not zeroed: slots past size_ are never read as values
};

}  // namespace janus
