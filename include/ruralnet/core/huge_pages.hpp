// An allocator for the few arrays of a national run that are read at random
// and span gigabytes (the service-area cell tables, the search labels). With
// 4 KiB pages nearly every access to them also misses the TLB; on Linux the
// allocator asks for 2 MiB pages (madvise MADV_HUGEPAGE) before the memory
// is first touched, which matters where transparent huge pages are set to
// "madvise", Debian's default. Small arrays, and other systems, get plain
// operator new.
#pragma once

#include <cstddef>
#include <new>
#include <vector>

namespace ruralnet {

namespace detail {
// Memory for n bytes from the system, 2 MiB-aligned, with huge pages asked
// for; throws std::bad_alloc when there is none.
void* huge_pages_allocate(std::size_t n);
void huge_pages_free(void* p, std::size_t n) noexcept;
bool huge_pages_worth_it(std::size_t n) noexcept;
}  // namespace detail

template <class T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}  // NOLINT(google-explicit-constructor): allocator rebind

  T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (detail::huge_pages_worth_it(bytes)) return static_cast<T*>(detail::huge_pages_allocate(bytes));
    return static_cast<T*>(::operator new(bytes, std::align_val_t{alignof(T)}));
  }
  void deallocate(T* p, std::size_t n) noexcept {
    const std::size_t bytes = n * sizeof(T);
    if (detail::huge_pages_worth_it(bytes)) detail::huge_pages_free(p, bytes);
    else ::operator delete(p, std::align_val_t{alignof(T)});
  }
  template <class U>
  bool operator==(const HugePageAllocator<U>&) const noexcept {
    return true;
  }
};

template <class T>
using HugeVector = std::vector<T, HugePageAllocator<T>>;

// Asks for huge pages for the whole 2 MiB pages inside [p, p + bytes) that
// are not yet touched (e.g. a large vector's storage right after reserve);
// a no-op for small ranges and on other systems.
void advise_huge_pages(void* p, std::size_t bytes) noexcept;

// v sized to n copies of x, its storage on huge pages where it is large.
template <class T>
void assign_huge(std::vector<T>& v, std::size_t n, const T& x) {
  if (v.capacity() < n && detail::huge_pages_worth_it(n * sizeof(T))) {
    std::vector<T>().swap(v);
    v.reserve(n);
    advise_huge_pages(v.data(), n * sizeof(T));
  }
  v.assign(n, x);
}

}  // namespace ruralnet
