// Published figures of Lu'an's seven county-level units, and the names the
// generator composes townships and villages from.
#include "detail.hpp"

namespace ruralnet::synth {

const std::vector<CountyFacts>& luan_counties() {
  auto ext = [](double a, double b, double c, double d) {
    Extent e;
    e.min_lon = a;
    e.max_lon = b;
    e.min_lat = c;
    e.max_lat = d;
    return e;
  };
  // Terrain and rural shares from the counties' descriptions: the Dabie
  // mountains fill the south-west (Jinzhai, Huoshan, half of Shucheng), the
  // Huai plain the north (Huoqiu). Poor-village shares are larger where the
  // plan says poverty is deepest.
  static const std::vector<CountyFacts> facts = {
      {"341502", "金安区", "Jin'an", 1655, 853000, 22, 290, 53, {116.616, 31.659}, ext(116.44, 116.83, 31.28, 32.03),
       0.12, 0.45, 0.10},
      {"341503", "裕安区", "Yu'an", 1906, 914000, 22, 251, 66, {116.320, 31.753}, ext(116.01, 116.55, 31.45, 32.08),
       0.25, 0.55, 0.20},
      {"341504", "叶集区", "Yeji", 567, 234000, 6, 70, 7, {116.047, 31.870}, ext(115.89, 116.22, 31.75, 32.00), 0.20,
       0.50, 0.08},
      {"341522", "霍邱县", "Huoqiu", 3224, 1198000, 30, 398, 15, {116.181, 32.253}, ext(115.84, 116.54, 31.93, 32.61),
       0.00, 0.68, 0.24},
      {"341523", "舒城县", "Shucheng", 2120, 772000, 21, 394, 32, {116.816, 31.306}, ext(116.43, 117.25, 31.02, 31.56),
       0.52, 0.62, 0.19},
      {"341524", "金寨县", "Jinzhai", 3918, 536000, 23, 212, 17, {115.767, 31.475}, ext(115.37, 116.19, 31.11, 31.81),
       0.90, 0.66, 0.33},
      {"341525", "霍山县", "Huoshan", 2046, 329000, 16, 125, 20, {116.234, 31.283}, ext(115.88, 116.54, 31.01, 31.55),
       0.85, 0.60, 0.14},
  };
  return facts;
}

RoadTargets luan_road_targets() { return RoadTargets{}; }

const std::vector<std::string>& indicator_ids() {
  static const std::vector<std::string> ids = {
      "online_sales_yuan",         "entities_over_10m",         "brands_over_1m",
      "provincial_model_counties", "provincial_featured_towns", "provincial_model_villages",
      "municipal_featured_towns",  "municipal_model_villages",  "provincial_model_outlets",
      "municipal_model_outlets",   "new_entities",              "provincial_model_enterprises",
      "sanpin_producers_online",   "trademark_enterprises_online", "training_person_times",
      "rural_road_km"};
  return ids;
}

namespace detail {

// Characters common in place names of the Jianghuai region; a name is two of
// them plus the kind's suffix. Lists are long enough that names rarely repeat.
const std::vector<std::string>& name_first() {
  static const std::vector<std::string> v = {
      "张", "王", "李", "陈", "刘", "杨", "黄", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
      "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘",
      "东", "西", "南", "北", "上", "下", "大", "小", "新", "老", "前", "后", "中", "双", "三", "五", "七", "九",
      "白", "青", "红", "黄", "金", "银", "石", "松", "柏", "桃", "杏", "梅", "竹", "兰", "荷", "枫", "桑", "茶",
      "龙", "凤", "鹤", "鹿", "马", "牛", "虎", "燕", "雁", "鸡", "羊", "猫",
      "河", "湖", "塘", "堰", "岗", "冲", "畈", "岭", "山", "桥", "庄", "集", "店", "铺", "圩", "湾", "洼", "沟"};
  return v;
}

const std::vector<std::string>& name_second() {
  static const std::vector<std::string> v = {
      "岗", "冲", "畈", "岭", "山", "桥", "庄", "集", "店", "铺", "圩", "湾", "洼", "沟", "河", "湖", "塘", "堰",
      "园", "林", "坪", "坡", "峰", "岩", "溪", "泉", "滩", "洲", "港", "埠", "台", "楼", "庙", "寺", "祠", "营",
      "安", "平", "丰", "兴", "和", "乐", "福", "寿", "康", "宁", "泰", "盛", "旺", "昌", "隆", "华", "明", "光",
      "阳", "春", "秋", "云", "霞", "峡", "谷", "源", "口", "头", "尾", "边", "岔", "嘴", "墩", "坝", "闸", "渡"};
  return v;
}

}  // namespace detail

}  // namespace ruralnet::synth
