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

}  // namespace ruralnet
