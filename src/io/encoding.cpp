#include "ruralnet/io/encoding.hpp"

#include <iconv.h>

#include <cerrno>

#include "ruralnet/core/text.hpp"

namespace ruralnet::io {

std::optional<std::string> canonical_encoding(std::string_view name) {
  const std::string n = to_lower_ascii(trim(name));
  if (n == "utf-8" || n == "utf8") return "UTF-8";
  // GB2312 and GBK are subsets of GB18030; decoding with the superset reads all three.
  if (n == "gbk" || n == "cp936" || n == "936" || n == "gb2312") return "GBK";
  if (n == "gb18030") return "GB18030";
  if (n == "big5" || n == "cp950") return "BIG5";
  if (n == "latin1" || n == "iso-8859-1" || n == "iso8859-1") return "ISO-8859-1";
  return std::nullopt;
}

std::optional<std::string> to_utf8(std::string_view raw, const std::string& encoding) {
  if (encoding == "UTF-8") {
    if (!is_valid_utf8(raw)) return std::nullopt;
    return std::string(raw);
  }
  // GBK text is decoded as GB18030, its superset, so that the few characters
  // Windows' code page 936 adds beyond GBK are not rejected.
  const char* from = encoding == "GBK" ? "GB18030" : encoding.c_str();
  iconv_t cd = iconv_open("UTF-8", from);
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
  std::string out(raw.size() * 4 + 4, '\0');
  char* in = const_cast<char*>(raw.data());
  std::size_t in_left = raw.size();
  char* o = out.data();
  std::size_t out_left = out.size();
  const std::size_t r = iconv(cd, &in, &in_left, &o, &out_left);
  iconv_close(cd);
  if (r == static_cast<std::size_t>(-1) || in_left != 0) return std::nullopt;
  out.resize(out.size() - out_left);
  return out;
}

namespace {
// Counts code points that are CJK ideographs or CJK punctuation/full-width forms.
void count_cjk(std::string_view utf8, std::size_t& cjk, std::size_t& non_ascii) {
  for (std::size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) { ++i; continue; }
    std::uint32_t cp = 0;
    std::size_t len = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
    cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
    for (std::size_t k = 1; k < len && i + k < utf8.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    ++non_ascii;
    if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x3000 && cp <= 0x303F) ||
        (cp >= 0xFF00 && cp <= 0xFFEF))
      ++cjk;
    i += len;
  }
}
}  // namespace

std::optional<std::string> detect_encoding(const std::vector<std::string>& samples) {
  bool all_utf8 = true;
  for (const auto& s : samples)
    if (!is_valid_utf8(s)) { all_utf8 = false; break; }
  if (all_utf8) return "UTF-8";
  std::size_t cjk = 0, non_ascii = 0;
  for (const auto& s : samples) {
    auto u = to_utf8(s, "GB18030");
    if (!u) return std::nullopt;
    count_cjk(*u, cjk, non_ascii);
  }
  // Latin-1 text also decodes as GB18030 byte pairs, but into rare characters
  // outside the common CJK block; requiring most to be common CJK separates them.
  if (non_ascii > 0 && cjk * 10 >= non_ascii * 9) return "GB18030";
  return std::nullopt;
}

}  // namespace ruralnet::io
