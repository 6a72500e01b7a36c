// A fixed number of workers, the calling thread being worker 0: the shape
// every parallel step of the graph builder, the snapper and the radix sort
// takes, each worker writing its own results, joined in worker order.
#pragma once

#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace ruralnet {

// fn(w) for w in [0, k); the first error in worker order is rethrown once all
// have finished.
template <class F>
void run_workers(std::size_t k, const F& fn) {
  if (k <= 1) {
    fn(std::size_t{0});
    return;
  }
  std::vector<std::exception_ptr> errors(k);
  {
    std::vector<std::jthread> threads;
    threads.reserve(k - 1);
    for (std::size_t w = 1; w < k; ++w)
      threads.emplace_back([&, w] {
        try {
          fn(w);
        } catch (...) {
          errors[w] = std::current_exception();
        }
      });
    try {
      fn(std::size_t{0});
    } catch (...) {
      errors[0] = std::current_exception();
    }
  }
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace ruralnet
