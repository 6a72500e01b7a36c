// Savings start, local search and ruin-and-recreate for the CVRP.
//
// Every move is evaluated from edge costs only, never by reversing a path with
// an asymmetric matrix unless both directions are priced (2-opt uses forward
// and backward prefix sums), so the same code serves symmetric and
// asymmetric instances. Randomness comes from a fixed-seed splitmix64 so that
// runs are identical on every machine and library.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "ruralnet/core/error.hpp"
#include "ruralnet/frequency/vrp.hpp"

namespace ruralnet::frequency {

namespace {

constexpr double kEps = 1e-9;

using Routes = std::vector<std::vector<int>>;

struct Rng {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
  double unit() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
};

bool is_symmetric(const VrpInstance& inst) {
  const std::size_t m = inst.nodes();
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = i + 1; j < m; ++j)
      if (inst.c(i, j) != inst.c(j, i)) return false;
  return true;
}

class Solver {
 public:
  explicit Solver(const VrpInstance& inst) : in_(inst) {
    dmax_ = inst.max_duration ? *inst.max_duration : INFINITY;
  }

  double c(int a, int b) const { return in_.c(static_cast<std::size_t>(a), static_cast<std::size_t>(b)); }
  double dem(int a) const { return in_.demand[static_cast<std::size_t>(a)]; }
  bool fits(double load, double cost, std::size_t stops) const {
    return load <= in_.capacity + kEps &&
           cost + in_.service_time * static_cast<double>(stops) <= dmax_ + kEps;
  }

  double route_cost(const std::vector<int>& r) const {
    if (r.empty()) return 0.0;
    double t = c(0, r.front()) + c(r.back(), 0);
    for (std::size_t k = 1; k < r.size(); ++k) t += c(r[k - 1], r[k]);
    return t;
  }
  double route_load(const std::vector<int>& r) const {
    double t = 0;
    for (int u : r) t += dem(u);
    return t;
  }
  double total(const Routes& rs) const {
    double t = 0;
    for (const auto& r : rs) t += route_cost(r);
    return t;
  }

  Routes savings(double lambda, bool symmetric) const {
    const int n = static_cast<int>(in_.customers());
    Routes rt(static_cast<std::size_t>(n) + 1);
    std::vector<int> of(static_cast<std::size_t>(n) + 1);
    std::vector<double> load(rt.size()), cost(rt.size());
    for (int u = 1; u <= n; ++u) {
      const auto su = static_cast<std::size_t>(u);
      rt[su] = {u};
      of[su] = u;
      load[su] = dem(u);
      cost[su] = c(0, u) + c(u, 0);
    }
    struct Saving {
      double s;
      int i, j;
    };
    std::vector<Saving> list;
    for (int i = 1; i <= n; ++i)
      for (int j = symmetric ? i + 1 : 1; j <= n; ++j) {
        if (i == j) continue;
        const double s = c(i, 0) + c(0, j) - lambda * c(i, j);
        if (s > kEps) list.push_back({s, i, j});
      }
    std::stable_sort(list.begin(), list.end(), [](const Saving& a, const Saving& b) { return a.s > b.s; });
    for (const auto& sv : list) {
      int i = sv.i, j = sv.j;
      auto ra = static_cast<std::size_t>(of[static_cast<std::size_t>(i)]);
      auto rb = static_cast<std::size_t>(of[static_cast<std::size_t>(j)]);
      if (ra == rb) continue;
      auto& A = rt[ra];
      auto& B = rt[rb];
      const bool i_end = A.back() == i, i_front = A.front() == i;
      const bool j_front = B.front() == j, j_end = B.back() == j;
      if (symmetric) {
        if (!(i_end || i_front) || !(j_end || j_front)) continue;
      } else if (!(i_end && j_front)) {
        continue;
      }
      if (load[ra] + load[rb] > in_.capacity + kEps) continue;
      const double nc = cost[ra] + cost[rb] - c(i, 0) - c(0, j) + c(i, j);
      if (!fits(0.0, nc, A.size() + B.size())) continue;
      if (!i_end) std::reverse(A.begin(), A.end());
      if (!j_front) std::reverse(B.begin(), B.end());
      for (int u : B) of[static_cast<std::size_t>(u)] = static_cast<int>(ra);
      A.insert(A.end(), B.begin(), B.end());
      B.clear();
      load[ra] += load[rb];
      cost[ra] = nc;
    }
    Routes out;
    for (auto& r : rt)
      if (!r.empty()) out.push_back(std::move(r));
    return out;
  }

  // ---------------------------------------------------------- local search

  // 2-opt and Or-opt (segments of 1-3) inside one route. Both only shorten
  // the route, so load and duration limits stay met.
  bool improve_intra(std::vector<int>& r) const {
    bool any = false;
    for (bool again = true; again;) {
      again = false;
      const std::size_t L = r.size();
      if (L < 2) break;
      // s: depot, customers, depot.
      // Built by insertion rather than std::copy into a sized vector: GCC 12
      // at -O3 reports a false -Warray-bounds on the copy.
      std::vector<int> s;
      s.reserve(L + 2);
      s.push_back(0);
      s.insert(s.end(), r.begin(), r.end());
      s.push_back(0);
      std::vector<double> fwd(L + 2, 0.0), bwd(L + 2, 0.0);
      for (std::size_t k = 1; k < L + 2; ++k) {
        fwd[k] = fwd[k - 1] + c(s[k - 1], s[k]);
        bwd[k] = bwd[k - 1] + c(s[k], s[k - 1]);
      }
      // 2-opt: reverse s[a..b], 1 <= a < b <= L.
      for (std::size_t a = 1; a < L && !again; ++a)
        for (std::size_t b = a + 1; b <= L; ++b) {
          const double before = c(s[a - 1], s[a]) + (fwd[b] - fwd[a]) + c(s[b], s[b + 1]);
          const double after = c(s[a - 1], s[b]) + (bwd[b] - bwd[a]) + c(s[a], s[b + 1]);
          if (after < before - kEps) {
            std::reverse(r.begin() + static_cast<long>(a - 1), r.begin() + static_cast<long>(b));
            again = any = true;
            break;
          }
        }
      if (again) continue;
      // Or-opt: move s[a..a+k-1] between s[x] and s[x+1].
      for (std::size_t k = 1; k <= 3 && !again; ++k)
        for (std::size_t a = 1; a + k - 1 <= L && !again; ++a) {
          const std::size_t e = a + k - 1;
          const double rem = c(s[a - 1], s[e + 1]) - c(s[a - 1], s[a]) - c(s[e], s[e + 1]);
          for (std::size_t x = 0; x <= L; ++x) {
            if (x + 1 >= a && x <= e) continue;  // edge touches the segment
            const double ins = c(s[x], s[a]) + c(s[e], s[x + 1]) - c(s[x], s[x + 1]);
            if (rem + ins < -kEps) {
              std::vector<int> seg(s.begin() + static_cast<long>(a), s.begin() + static_cast<long>(e + 1));
              std::vector<int> nr;
              nr.reserve(L);
              for (std::size_t p = 1; p <= L + 1; ++p) {
                if (p >= a && p <= e) continue;
                if (p <= L) nr.push_back(s[p]);
                if (p == x) nr.insert(nr.end(), seg.begin(), seg.end());
              }
              if (x == 0) nr.insert(nr.begin(), seg.begin(), seg.end());
              r = std::move(nr);
              again = any = true;
              break;
            }
          }
        }
    }
    return any;
  }

  struct Info {
    std::vector<int> s;          // depot, customers, depot
    std::vector<double> pre;     // travel cost from the start to s[k]
    std::vector<double> lpre;    // load of s[1..k]
    double cost = 0, load = 0;
    std::size_t len = 0;
  };
  Info info(const std::vector<int>& r) const {
    Info f;
    f.len = r.size();
    f.s.assign(r.size() + 2, 0);
    std::copy(r.begin(), r.end(), f.s.begin() + 1);
    f.pre.assign(f.s.size(), 0.0);
    f.lpre.assign(f.s.size(), 0.0);
    for (std::size_t k = 1; k < f.s.size(); ++k) {
      f.pre[k] = f.pre[k - 1] + c(f.s[k - 1], f.s[k]);
      f.lpre[k] = f.lpre[k - 1] + dem(f.s[k]);
    }
    f.cost = f.pre.back();
    f.load = f.lpre.back();
    return f;
  }

  // One improving move between two routes (relocate, exchange, 2-opt*),
  // applied as soon as found. Returns whether one was applied.
  bool inter_move(Routes& rs, std::vector<Info>& inf, std::size_t ia, std::size_t ib) const {
    Info& A = inf[ia];
    Info& B = inf[ib];
    const std::size_t LA = A.len, LB = B.len;
    // Relocate a customer of A into B.
    for (std::size_t p = 1; p <= LA; ++p) {
      const int u = A.s[p];
      if (B.load + dem(u) > in_.capacity + kEps) continue;
      const double rem = c(A.s[p - 1], A.s[p + 1]) - c(A.s[p - 1], u) - c(u, A.s[p + 1]);
      if (!fits(A.load - dem(u), A.cost + rem, LA - 1)) continue;
      for (std::size_t x = 0; x <= LB; ++x) {
        const double ins = c(B.s[x], u) + c(u, B.s[x + 1]) - c(B.s[x], B.s[x + 1]);
        if (rem + ins < -kEps && fits(B.load + dem(u), B.cost + ins, LB + 1)) {
          rs[ia].erase(rs[ia].begin() + static_cast<long>(p - 1));
          rs[ib].insert(rs[ib].begin() + static_cast<long>(x), u);
          return true;
        }
      }
    }
    // Exchange a customer of A with one of B.
    for (std::size_t p = 1; p <= LA; ++p) {
      const int u = A.s[p];
      const int ap = A.s[p - 1], an = A.s[p + 1];
      const double outA = c(ap, u) + c(u, an);
      for (std::size_t q = 1; q <= LB; ++q) {
        const int v = B.s[q];
        const double la = A.load - dem(u) + dem(v), lb = B.load - dem(v) + dem(u);
        if (la > in_.capacity + kEps || lb > in_.capacity + kEps) continue;
        const int bp = B.s[q - 1], bn = B.s[q + 1];
        const double dA = c(ap, v) + c(v, an) - outA;
        const double dB = c(bp, u) + c(u, bn) - c(bp, v) - c(v, bn);
        if (dA + dB < -kEps && fits(la, A.cost + dA, LA) && fits(lb, B.cost + dB, LB)) {
          rs[ia][p - 1] = v;
          rs[ib][q - 1] = u;
          return true;
        }
      }
    }
    // 2-opt*: A' = A[..i] + B[j+1..], B' = B[..j] + A[i+1..].
    for (std::size_t i = 0; i <= LA; ++i)
      for (std::size_t j = 0; j <= LB; ++j) {
        if ((i == 0 && j == 0) || (i == LA && j == LB)) continue;
        const double la = A.lpre[i] + (B.load - B.lpre[j]);
        const double lb = B.lpre[j] + (A.load - A.lpre[i]);
        if (la > in_.capacity + kEps || lb > in_.capacity + kEps) continue;
        const double ca = A.pre[i] + c(A.s[i], B.s[j + 1]) + (B.cost - B.pre[j + 1]);
        const double cb = B.pre[j] + c(B.s[j], A.s[i + 1]) + (A.cost - A.pre[i + 1]);
        if (ca + cb < A.cost + B.cost - kEps && fits(la, ca, i + (LB - j)) && fits(lb, cb, j + (LA - i))) {
          std::vector<int> na(rs[ia].begin(), rs[ia].begin() + static_cast<long>(i));
          na.insert(na.end(), rs[ib].begin() + static_cast<long>(j), rs[ib].end());
          std::vector<int> nb(rs[ib].begin(), rs[ib].begin() + static_cast<long>(j));
          nb.insert(nb.end(), rs[ia].begin() + static_cast<long>(i), rs[ia].end());
          rs[ia] = std::move(na);
          rs[ib] = std::move(nb);
          return true;
        }
      }
    return false;
  }

  // `changed` flags the routes that may hold improving moves (all when
  // empty): a pair of unchanged routes of a local optimum has none, so after a
  // ruin-and-recreate only the pairs touching a changed route are searched.
  void local_search(Routes& rs, std::vector<char> changed = {}) const {
    if (changed.size() != rs.size()) changed.assign(rs.size(), 1);
    for (std::size_t r = 0; r < rs.size(); ++r)
      if (changed[r]) improve_intra(rs[r]);
    std::vector<Info> inf;
    inf.reserve(rs.size());
    for (const auto& r : rs) inf.push_back(info(r));
    std::vector<char> dirty = std::move(changed);
    for (bool again = true; again;) {
      again = false;
      std::vector<char> next(rs.size(), 0);
      for (std::size_t a = 0; a < rs.size(); ++a)
        for (std::size_t b = 0; b < rs.size(); ++b) {
          if (a == b || (!dirty[a] && !dirty[b] && !next[a] && !next[b])) continue;
          if (inter_move(rs, inf, a, b)) {
            improve_intra(rs[a]);
            improve_intra(rs[b]);
            inf[a] = info(rs[a]);
            inf[b] = info(rs[b]);
            next[a] = next[b] = 1;
            again = true;
          }
        }
      dirty = std::move(next);
    }
    rs.erase(std::remove_if(rs.begin(), rs.end(), [](const std::vector<int>& r) { return r.empty(); }), rs.end());
  }

  // ---------------------------------------------------------- ruin and recreate

  void prepare_neighbours() {
    const int n = static_cast<int>(in_.customers());
    near_.assign(static_cast<std::size_t>(n) + 1, {});
    for (int u = 1; u <= n; ++u) {
      auto& l = near_[static_cast<std::size_t>(u)];
      for (int v = 1; v <= n; ++v)
        if (v != u) l.push_back(v);
      std::stable_sort(l.begin(), l.end(),
                       [&](int a, int b) { return c(u, a) + c(a, u) < c(u, b) + c(b, u); });
    }
  }

  // Returns, aligned with rs afterwards, which routes lost or gained customers.
  std::vector<char> ruin_recreate(Routes& rs, Rng& rng) const {
    const std::size_t n = in_.customers();
    const std::size_t kmax = std::max<std::size_t>(4, std::min<std::size_t>(n / 4, 30));
    const std::size_t k = 3 + rng.below(kmax - 2);
    const auto seed = static_cast<int>(1 + rng.below(n));
    std::vector<char> gone(n + 1, 0);
    std::vector<int> removed{seed};
    gone[static_cast<std::size_t>(seed)] = 1;
    for (int v : near_[static_cast<std::size_t>(seed)]) {
      if (removed.size() >= k) break;
      removed.push_back(v);
      gone[static_cast<std::size_t>(v)] = 1;
    }
    Routes kept;
    std::vector<char> changed;
    for (auto& r : rs) {
      const std::size_t before = r.size();
      r.erase(std::remove_if(r.begin(), r.end(), [&](int u) { return gone[static_cast<std::size_t>(u)] != 0; }),
              r.end());
      if (r.empty()) continue;
      changed.push_back(r.size() != before ? 1 : 0);
      kept.push_back(std::move(r));
    }
    rs = std::move(kept);
    // Insertion order: random, by demand, or farthest from the depot first.
    switch (rng.below(3)) {
      case 0:
        for (std::size_t i = removed.size(); i > 1; --i) std::swap(removed[i - 1], removed[rng.below(i)]);
        break;
      case 1:
        std::stable_sort(removed.begin(), removed.end(), [&](int a, int b) { return dem(a) > dem(b); });
        break;
      default:
        std::stable_sort(removed.begin(), removed.end(),
                         [&](int a, int b) { return c(0, a) + c(a, 0) > c(0, b) + c(b, 0); });
    }
    std::vector<Info> inf;
    inf.reserve(rs.size() + removed.size());
    for (const auto& r : rs) inf.push_back(info(r));
    for (int u : removed) {
      double best = INFINITY;
      std::size_t br = 0, bx = 0;
      for (std::size_t ri = 0; ri < rs.size(); ++ri) {
        const Info& f = inf[ri];
        if (f.load + dem(u) > in_.capacity + kEps) continue;
        for (std::size_t x = 0; x <= f.len; ++x) {
          if (rng.unit() < 0.01) continue;  // "blinks" keep recreate from being greedy-deterministic
          const double ins = c(f.s[x], u) + c(u, f.s[x + 1]) - c(f.s[x], f.s[x + 1]);
          if (ins < best && fits(f.load + dem(u), f.cost + ins, f.len + 1)) {
            best = ins;
            br = ri;
            bx = x;
          }
        }
      }
      if (best == INFINITY) {
        rs.push_back({u});
        inf.push_back(info(rs.back()));
        changed.push_back(1);
      } else {
        rs[br].insert(rs[br].begin() + static_cast<long>(bx), u);
        inf[br] = info(rs[br]);
        changed[br] = 1;
      }
    }
    return changed;
  }

  const VrpInstance& in_;
  double dmax_;
  std::vector<std::vector<int>> near_;
};

VrpSolution to_solution(const VrpInstance& inst, const Routes& rs) {
  VrpSolution sol;
  for (const auto& r : rs)
    if (!r.empty()) sol.routes.push_back(make_route(inst, r));
  return sol;
}

}  // namespace

VrpSolution savings(const VrpInstance& inst, double lambda) {
  check_instance(inst);
  Solver s(inst);
  return to_solution(inst, s.savings(lambda, is_symmetric(inst)));
}

VrpSolution solve(const VrpInstance& inst, const SolverOptions& options) {
  check_instance(inst);
  if (inst.customers() == 0) return {};
  Solver s(inst);
  const bool sym = is_symmetric(inst);
  std::vector<double> lambdas = options.lambdas;
  if (lambdas.empty()) lambdas.push_back(1.0);
  Routes best;
  double best_cost = INFINITY;
  for (double lambda : lambdas) {
    Routes r = s.savings(lambda, sym);
    if (options.local_search) s.local_search(r);
    const double cst = s.total(r);
    if (cst < best_cost - kEps) {
      best_cost = cst;
      best = std::move(r);
    }
  }
  if (options.local_search && options.perturbation_iterations > 0 && inst.customers() >= 3) {
    s.prepare_neighbours();
    Rng rng{options.seed};
    Routes cur = best;
    double cur_cost = best_cost;
    const double t0 = 0.01;  // accept up to 1% worse at the start, 0 at the end
    const int iters = options.perturbation_iterations;
    for (int it = 0; it < iters; ++it) {
      Routes cand = cur;
      std::vector<char> changed = s.ruin_recreate(cand, rng);
      s.local_search(cand, std::move(changed));
      const double cc = s.total(cand);
      const double threshold = t0 * (1.0 - static_cast<double>(it) / static_cast<double>(iters));
      if (cc < cur_cost * (1.0 + threshold) - kEps) {
        cur = std::move(cand);
        cur_cost = cc;
        if (cc < best_cost - kEps) {
          best = cur;
          best_cost = cc;
        }
      }
    }
  }
  return to_solution(inst, best);
}

}  // namespace ruralnet::frequency
