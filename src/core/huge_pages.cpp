#include "ruralnet/core/huge_pages.hpp"

#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace ruralnet {

namespace detail {

bool huge_pages_worth_it(std::size_t bytes) noexcept {
#if defined(__linux__)
  return bytes >= (std::size_t{32} << 20);
#else
  (void)bytes;
  return false;
#endif
}

}  // namespace detail

void advise_huge_pages(void* p, std::size_t bytes) noexcept {
#if defined(__linux__)
  if (!detail::huge_pages_worth_it(bytes)) return;
  constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
  const auto start = reinterpret_cast<std::uintptr_t>(p);
  const std::uintptr_t first = (start + kHuge - 1) / kHuge * kHuge, last = (start + bytes) / kHuge * kHuge;
  if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);  // advice only
#else
  (void)p;
  (void)bytes;
#endif
}

}  // namespace ruralnet
