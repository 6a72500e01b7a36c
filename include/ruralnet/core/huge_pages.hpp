// Huge pages for the few arrays of a national run that are read at random
// and span gigabytes (the service-area cell tables, the search labels). With
// 4 KiB pages nearly every access to them also misses the TLB; on Linux the
// storage is marked MADV_HUGEPAGE before it is first touched, which matters
// where transparent huge pages are set to "madvise", Debian's default. Small
// arrays, and other systems, are left as they are.
#pragma once

#include <cstddef>
#include <vector>

namespace ruralnet {

namespace detail {
bool huge_pages_worth_it(std::size_t bytes) noexcept;
}  // namespace detail

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
