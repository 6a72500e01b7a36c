// The report's words in Chinese and English, and the escaping of everything
// that goes into the page.
#include <map>
#include <string>

#include "ruralnet/maps/report.hpp"

namespace ruralnet::maps {

std::optional<Lang> parse_lang(std::string_view text) {
  if (text == "zh" || text == "zh-CN" || text == "cn") return Lang::zh;
  if (text == "en") return Lang::en;
  return std::nullopt;
}

namespace {

struct Pair { const char* zh; const char* en; };

const std::map<std::string, Pair, std::less<>>& dictionary() {
  static const std::map<std::string, Pair, std::less<>> words = {
      // page and panels
      {"report_title", {"农村物流与电商网络图", "Rural delivery and e-commerce network"}},
      {"dataset", {"数据集", "Dataset"}},
      {"fingerprint", {"数据指纹", "Fingerprint"}},
      {"all_counties", {"全部县区", "All counties"}},
      {"county_filter", {"县区", "County"}},
      {"layers", {"图层", "Layers"}},
      {"legend", {"图例", "Legend"}},
      {"source", {"来源", "Source"}},
      {"generated", {"生成", "Written"}},
      {"attributes", {"属性", "Attributes"}},
      {"north", {"北", "N"}},
      {"no_data", {"无数据", "no data"}},
      // analyses
      {"analysis_coverage", {"快递进村通达", "Village delivery reach"}},
      {"analysis_roads", {"农村公路工程", "Rural road programme"}},
      {"analysis_quota", {"规划指标进度", "Plan quotas"}},
      {"analysis_site", {"示范网点选址", "Model outlet siting"}},
      {"analysis_frequency", {"配送频次", "Delivery frequency"}},
      // layers
      {"layer_counties", {"县区界", "County boundaries"}},
      {"layer_townships", {"乡镇界", "Township boundaries"}},
      {"layer_roads", {"道路", "Roads"}},
      {"layer_facilities", {"县级中心与乡镇站", "County hubs and township stations"}},
      {"layer_outlets", {"村级网点", "Village outlets"}},
      {"layer_villages", {"行政村", "Villages"}},
      {"layer_villages_reach", {"行政村（通达原因）", "Villages by reach"}},
      {"layer_service_areas", {"服务范围", "Service areas"}},
      {"layer_findings", {"道路核查问题", "Road findings"}},
      {"layer_sites", {"示范网点选址", "Model outlet sites"}},
      {"layer_assignment", {"网点服务分配", "Site assignment"}},
      {"layer_routes", {"配送线路", "Delivery routes"}},
      {"layer_villages_frequency", {"行政村（每周频次）", "Villages by weekly visits"}},
      // reach reasons
      {"direct", {"自有网点", "own outlet"}},
      {"cooperative", {"合作网点", "cooperative outlet"}},
      {"township_only", {"仅到乡镇", "township only"}},
      {"off_network", {"不在路网", "off the network"}},
      {"disconnected", {"路网不连通", "disconnected"}},
      // programme status
      {"planned", {"规划", "planned"}},
      {"building", {"在建", "building"}},
      {"completed", {"已完工", "completed"}},
      {"unknown", {"未知", "unknown"}},
      {"not_in_programme", {"非工程道路", "not in the programme"}},
      {"changtong", {"畅通工程", "changtong"}},
      {"kuomian", {"扩面工程", "kuomian"}},
      // road classes
      {"expressway", {"高速公路", "expressway"}},
      {"national", {"国道", "national"}},
      {"provincial", {"省道/省级", "provincial"}},
      {"county", {"县道/县级", "county"}},
      {"township", {"乡道/乡镇级", "township"}},
      {"village", {"村道/村级", "village"}},
      {"other", {"其他", "other"}},
      {"municipal", {"市级", "municipal"}},
      // tiers
      {"county_hub", {"县级物流中心", "county hub"}},
      {"township_station", {"乡镇服务站", "township station"}},
      {"village_outlet", {"村级网点", "village outlet"}},
      // quota statuses
      {"met", {"已完成", "met"}},
      {"on_track", {"进度正常", "on track"}},
      {"behind", {"滞后", "behind"}},
      {"overdue", {"逾期", "overdue"}},
      // table columns
      {"county_code", {"县区代码", "County code"}},
      {"county_name", {"县区", "County"}},
      {"name", {"名称", "Name"}},
      {"code", {"代码", "Code"}},
      {"villages", {"行政村数", "Villages"}},
      {"reached", {"通达村数", "Reached"}},
      {"reach_rate", {"通达率", "Reach rate"}},
      {"poor_reach_rate", {"贫困村通达率", "Poor villages' rate"}},
      {"median_station_min", {"站到村中位时间(分)", "Station→village median (min)"}},
      {"outlets", {"村级网点数", "Outlets"}},
      {"mean_carriers", {"网点平均快递品牌数", "Carriers per outlet"}},
      {"target_km", {"目标(公里)", "Target (km)"}},
      {"completed_km", {"已完工(公里)", "Completed (km)"}},
      {"building_km", {"在建(公里)", "Building (km)"}},
      {"planned_km", {"规划(公里)", "Planned (km)"}},
      {"total_km", {"合计(公里)", "Total (km)"}},
      {"completion", {"完成率", "Completion"}},
      {"behind_list", {"滞后/逾期指标", "Behind or overdue"}},
      {"level", {"级别", "Level"}},
      {"quota", {"指标数", "Quota"}},
      {"quota_exact", {"精确指标", "Exact quota"}},
      {"chosen", {"选定网点", "Sites chosen"}},
      {"covered_demand", {"覆盖需求", "Demand covered"}},
      {"covered_population", {"覆盖人口", "Population covered"}},
      {"poor_villages_covered", {"覆盖贫困村", "Poor villages covered"}},
      {"villages_at_target", {"达标村数", "Villages at target"}},
      {"share_at_target", {"达标比例", "Share at target"}},
      {"vehicle_km_week", {"每周车公里", "Vehicle km / week"}},
      {"vehicle_hours_week", {"每周车小时", "Vehicle hours / week"}},
      {"cost_per_parcel", {"单件成本(元)", "Cost per parcel (yuan)"}},
      {"visits_week", {"每周频次", "Visits per week"}},
      {"reach", {"通达原因", "Reach"}},
      {"band_min", {"时间圈(分钟)", "Band (min)"}},
      {"kind", {"类型", "Kind"}},
      {"severity", {"严重程度", "Severity"}},
      {"error", {"错误", "error"}},
      {"warning", {"警告", "warning"}},
      {"info", {"提示", "info"}},
      {"visits_lt1", {"每周少于1次", "under 1 a week"}},
      {"visits_1_2", {"每周1–2次", "1–2 a week"}},
      {"visits_3_4", {"每周3–4次", "3–4 a week"}},
      {"visits_5_6", {"每周5–6次", "5–6 a week"}},
      {"visits_7", {"每天", "daily (7+)"}},
      {"minutes", {"分钟", "min"}},
      {"km", {"公里", "km"}},
      {"m", {"米", "m"}},
      {"counties_total", {"县区合计", "Counties"}},
      {"chart_reach", {"各县区通达率", "Reach rate by county"}},
      {"chart_roads", {"各县区工程里程（公里）", "Programme km by county"}},
      {"chart_quota", {"各县区指标状态", "Quota status by county"}},
      {"chart_site", {"选定网点与指标", "Sites chosen against quota"}},
      {"chart_frequency", {"各县区达标比例", "Share of villages at target"}},
      {"static_maps", {"静态地图", "Static maps"}},
      {"village_name", {"村名", "Village"}},
      {"village_code", {"村代码", "Village code"}},
      {"township_name", {"乡镇", "Township"}},
      {"township_code", {"乡镇代码", "Township code"}},
      {"population", {"人口", "Population"}},
      {"poor", {"贫困村", "Poor village"}},
      {"flood_zone", {"蓄滞洪区", "Flood zone"}},
      {"station_id", {"服务站", "Station"}},
      {"station_time_min", {"站到村时间(分)", "Station time (min)"}},
      {"hub_id", {"县级中心", "Hub"}},
      {"hub_time_min", {"中心到站时间(分)", "Hub time (min)"}},
      {"own_outlet_id", {"自有网点", "Own outlet"}},
      {"serving_outlet_id", {"服务网点", "Serving outlet"}},
      {"outlet_distance_m", {"网点距离(米)", "Outlet distance (m)"}},
      {"class", {"等级", "Class"}},
      {"program", {"工程", "Programme"}},
      {"status", {"状态", "Status"}},
      {"programme_status", {"工程状态", "Programme status"}},
      {"declared_km", {"申报里程(公里)", "Declared km"}},
      {"tier", {"层级", "Tier"}},
      {"carriers", {"快递品牌", "Carriers"}},
      {"admin_code", {"服务区域代码", "Area code"}},
      {"message", {"说明", "Message"}},
      {"segment_id", {"路段", "Segment"}},
      {"id", {"编号", "Id"}},
      {"level_provincial", {"省级示范", "provincial"}},
      {"level_municipal", {"市级示范", "municipal"}},
      {"quota_ok_share", {"已完成或进度正常的指标比例", "Share of indicators met or on track"}},
      {"kind_duplicate", {"重复申报", "duplicate"}},
      {"kind_gap", {"路段缺口", "gap"}},
      {"kind_length_mismatch", {"里程不符", "length mismatch"}},
      {"kind_overlap", {"路段重叠", "overlap"}},
      {"kind_outside_county", {"超出县界", "outside its county"}},
      {"kind_isolated", {"孤立路段", "isolated"}},
      {"kind_stake_mismatch", {"桩号不符", "stake mismatch"}},
  };
  return words;
}

}  // namespace

nlohmann::json words(Lang lang) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : dictionary()) j[k] = lang == Lang::zh ? v.zh : v.en;
  return j;
}

std::string label(std::string_view key, Lang lang) {
  const auto& words = dictionary();
  const auto it = words.find(key);
  if (it == words.end()) return std::string(key);
  return lang == Lang::zh ? it->second.zh : it->second.en;
}

std::string script_json(const nlohmann::json& j) {
  // Invalid UTF-8 in a name is replaced rather than refused: a report should
  // still open, and validate names the bad value.
  const std::string raw = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(raw.size() + raw.size() / 64);
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '<') {
      out += "\\u003c";  // no "</script", "<!--" or "<script" can appear
    } else if (c == '\xE2' && i + 2 < raw.size() && raw[i + 1] == '\x80' && (raw[i + 2] == '\xA8' || raw[i + 2] == '\xA9')) {
      out += raw[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace ruralnet::maps
