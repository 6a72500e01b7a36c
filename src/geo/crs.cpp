#include "ruralnet/geo/crs.hpp"

#include <proj.h>

#include <cmath>
#include <limits>

#include "ruralnet/core/error.hpp"

namespace ruralnet::geo {

std::string LocalCrs::definition() const { return "EPSG:" + std::to_string(epsg); }

std::string LocalCrs::name() const {
  return "CGCS2000 / 3-degree Gauss-Kruger CM " + std::to_string(central_meridian_deg) + "E";
}

LocalCrs choose_local_crs(const Extent& e) {
  if (e.empty()) throw CrsError({}, "cannot choose a local metric CRS: the dataset has no coordinates");
  const double centre = 0.5 * (e.min_lon + e.max_lon);
  if (!(centre >= 73.5 && centre <= 136.5))
    throw CrsError({}, "the data's central longitude " + std::to_string(centre) +
                           "° lies outside the CGCS2000 3-degree Gauss-Krüger zones (75°E-135°E)",
                   "check the layers' declared CRS; coordinates may be in metres declared as degrees");
  const int zone = static_cast<int>(std::lround((centre - 75.0) / 3.0));
  LocalCrs c;
  c.central_meridian_deg = 75 + 3 * zone;
  c.epsg = 4534 + zone;
  return c;
}

struct Transformer::Impl {
  PJ_CONTEXT* ctx = nullptr;
  PJ* pj = nullptr;
  ~Impl() {
    if (pj) proj_destroy(pj);
    if (ctx) proj_context_destroy(ctx);
  }
};

Transformer::Transformer(const std::string& from, const std::string& to) : impl_(std::make_unique<Impl>()) {
  impl_->ctx = proj_context_create();
  proj_log_level(impl_->ctx, PJ_LOG_NONE);
  PJ* raw = proj_create_crs_to_crs(impl_->ctx, from.c_str(), to.c_str(), nullptr);
  if (!raw) {
    const int err = proj_context_errno(impl_->ctx);
    throw CrsError({}, "no transformation from '" + from + "' to '" + to + "': " + proj_context_errno_string(impl_->ctx, err),
                   "name the CRS as an EPSG code, e.g. --crs EPSG:4490");
  }
  // Always longitude/easting first, whatever the authority's axis order.
  impl_->pj = proj_normalize_for_visualization(impl_->ctx, raw);
  proj_destroy(raw);
  if (!impl_->pj) throw CrsError({}, "cannot normalise the axis order of the transformation from '" + from + "' to '" + to + "'");
  noop_ = same_crs(from, to);
}

Transformer::~Transformer() = default;
Transformer::Transformer(Transformer&&) noexcept = default;
Transformer& Transformer::operator=(Transformer&&) noexcept = default;

void Transformer::transform(double* x, double* y, std::size_t n) const {
  if (noop_ || n == 0) return;
  proj_trans_generic(impl_->pj, PJ_FWD, x, sizeof(double), n, y, sizeof(double), n, nullptr, 0, 0, nullptr, 0, 0);
  for (std::size_t i = 0; i < n; ++i) {
    if (x[i] == HUGE_VAL || y[i] == HUGE_VAL) {
      x[i] = std::numeric_limits<double>::quiet_NaN();
      y[i] = std::numeric_limits<double>::quiet_NaN();
    }
  }
}

void Transformer::inverse(double* x, double* y, std::size_t n, std::size_t stride) const {
  if (noop_ || n == 0) return;
  proj_trans_generic(impl_->pj, PJ_INV, x, stride, n, y, stride, n, nullptr, 0, 0, nullptr, 0, 0);
  for (std::size_t i = 0; i < n; ++i) {
    double& xi = *reinterpret_cast<double*>(reinterpret_cast<char*>(x) + i * stride);
    double& yi = *reinterpret_cast<double*>(reinterpret_cast<char*>(y) + i * stride);
    if (xi == HUGE_VAL || yi == HUGE_VAL) {
      xi = std::numeric_limits<double>::quiet_NaN();
      yi = std::numeric_limits<double>::quiet_NaN();
    }
  }
}

XY Transformer::forward(LonLat p) const {
  double x = p.lon, y = p.lat;
  transform(&x, &y, 1);
  return {x, y};
}

LonLat Transformer::forward_geo(LonLat p) const {
  double x = p.lon, y = p.lat;
  transform(&x, &y, 1);
  return {x, y};
}

LonLat Transformer::inverse(XY p) const {
  if (noop_) return {p.x, p.y};
  PJ_COORD c = proj_coord(p.x, p.y, 0, 0);
  c = proj_trans(impl_->pj, PJ_INV, c);
  if (c.xy.x == HUGE_VAL) return {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
  return {c.xy.x, c.xy.y};
}

Projector::Projector(const LocalCrs& crs) : crs_(crs), fwd_(kWorkingGeographicCrs, crs.definition()) {}

void Projector::to_local(const std::vector<LonLat>& in, std::vector<XY>& out) const {
  out.resize(in.size());
  std::vector<double> xs(in.size()), ys(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    xs[i] = in[i].lon;
    ys[i] = in[i].lat;
  }
  fwd_.transform(xs.data(), ys.data(), in.size());
  for (std::size_t i = 0; i < in.size(); ++i) out[i] = {xs[i], ys[i]};
}

void Projector::to_geographic(std::span<const XY> in, std::vector<LonLat>& out) const {
  out.resize(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) out[i] = {in[i].x, in[i].y};
  if (!out.empty()) fwd_.inverse(&out[0].lon, &out[0].lat, out.size(), sizeof(LonLat));
}

std::string describe_crs(const std::string& definition) {
  PJ_CONTEXT* ctx = proj_context_create();
  proj_log_level(ctx, PJ_LOG_NONE);
  std::string out = definition;
  if (PJ* crs = proj_create(ctx, definition.c_str())) {
    const char* auth = proj_get_id_auth_name(crs, 0);
    const char* code = proj_get_id_code(crs, 0);
    if (auth && code) {
      out = std::string(auth) + ":" + code;
    } else {
      // No identifier in the definition: ask the database for a confident match.
      int* confidence = nullptr;
      PJ_OBJ_LIST* list = proj_identify(ctx, crs, "EPSG", nullptr, &confidence);
      if (list && proj_list_get_count(list) > 0 && confidence && confidence[0] >= 70) {
        PJ* best = proj_list_get(ctx, list, 0);
        const char* a2 = proj_get_id_auth_name(best, 0);
        const char* c2 = proj_get_id_code(best, 0);
        if (a2 && c2) out = std::string(a2) + ":" + c2;
        proj_destroy(best);
      } else if (const char* name = proj_get_name(crs)) {
        out = name;
      }
      if (confidence) proj_int_list_destroy(confidence);
      if (list) proj_list_destroy(list);
    }
    proj_destroy(crs);
  }
  proj_context_destroy(ctx);
  return out;
}

bool same_crs(const std::string& a, const std::string& b) {
  if (a == b) return true;
  PJ_CONTEXT* ctx = proj_context_create();
  proj_log_level(ctx, PJ_LOG_NONE);
  bool same = false;
  PJ* pa = proj_create(ctx, a.c_str());
  PJ* pb = proj_create(ctx, b.c_str());
  if (pa && pb) same = proj_is_equivalent_to(pa, pb, PJ_COMP_EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS) != 0;
  if (pa) proj_destroy(pa);
  if (pb) proj_destroy(pb);
  proj_context_destroy(ctx);
  return same;
}

}  // namespace ruralnet::geo
