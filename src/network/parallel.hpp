// Work sharing for the graph builder and the snapper: a fixed number of
// workers, each taking one contiguous share of an index range, the calling
// thread being worker 0. Every parallel step writes its results per worker
// and joins them in worker order, so the output does not depend on the
// number of workers.
#pragma once

#include <algorithm>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

#include "ruralnet/core/workers.hpp"

namespace ruralnet::network::detail {

// Threads to use for `n` items when a worker should have at least `min_each`
// items: 1 below that (small inputs pay no thread start-up), otherwise every
// core unless set_worker_limit (build.hpp) says fewer.
std::size_t workers_for(std::size_t n, std::size_t min_each);

// Start of worker w's share of [0, n) split into k near-equal runs.
inline std::size_t share_begin(std::size_t n, std::size_t k, std::size_t w) {
  return n / k * w + std::min(w, n % k);
}

using ruralnet::run_workers;

// fn(begin, end, w) over k near-equal shares of [0, n).
template <class F>
void for_shares(std::size_t n, std::size_t k, const F& fn) {
  run_workers(k, [&](std::size_t w) { fn(share_begin(n, k, w), share_begin(n, k, w + 1), w); });
}

}  // namespace ruralnet::network::detail
