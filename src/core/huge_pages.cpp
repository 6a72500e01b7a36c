#include "ruralnet/core/huge_pages.hpp"

#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace ruralnet::detail {

namespace {
constexpr std::size_t kHuge = std::size_t{2} << 20;
std::size_t rounded(std::size_t n) { return (n + kHuge - 1) / kHuge * kHuge; }
}  // namespace

#if defined(__linux__)

bool huge_pages_worth_it(std::size_t n) noexcept { return n >= (std::size_t{32} << 20); }

void* huge_pages_allocate(std::size_t n) {
  const std::size_t size = rounded(n);
  // Over-allocate by one huge page and trim, so the block starts on a 2 MiB
  // boundary and every page of it can be a huge one.
  void* raw = mmap(nullptr, size + kHuge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  const auto start = reinterpret_cast<std::uintptr_t>(raw);
  const std::uintptr_t aligned = (start + kHuge - 1) / kHuge * kHuge;
  if (aligned > start) munmap(raw, aligned - start);
  const std::uintptr_t end = start + size + kHuge;
  if (end > aligned + size) munmap(reinterpret_cast<void*>(aligned + size), end - (aligned + size));
  void* p = reinterpret_cast<void*>(aligned);
  madvise(p, size, MADV_HUGEPAGE);  // advice only: without it the pages are small
  return p;
}

void huge_pages_free(void* p, std::size_t n) noexcept { munmap(p, rounded(n)); }

#else

bool huge_pages_worth_it(std::size_t) noexcept { return false; }
void* huge_pages_allocate(std::size_t n) { return ::operator new(n); }
void huge_pages_free(void* p, std::size_t) noexcept { ::operator delete(p); }

#endif

}  // namespace ruralnet::detail

namespace ruralnet {

void advise_huge_pages(void* p, std::size_t bytes) noexcept {
#if defined(__linux__)
  if (!detail::huge_pages_worth_it(bytes)) return;
  constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
  const auto start = reinterpret_cast<std::uintptr_t>(p);
  const std::uintptr_t first = (start + kHuge - 1) / kHuge * kHuge, last = (start + bytes) / kHuge * kHuge;
  if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
#else
  (void)p;
  (void)bytes;
#endif
}

}  // namespace ruralnet
