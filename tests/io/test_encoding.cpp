#include <gtest/gtest.h>

#include "ruralnet/io/encoding.hpp"

using namespace ruralnet::io;

namespace {
const std::string kLuanGbk = "\xc1\xf9\xb0\xb2\xca\xd0";  // 六安市 in GBK
}

TEST(Encoding, GbkToUtf8) {
  EXPECT_EQ(to_utf8(kLuanGbk, "GBK"), std::string("六安市"));
  EXPECT_EQ(to_utf8("abc", "GBK"), std::string("abc"));
  EXPECT_FALSE(to_utf8("\xc1", "GBK"));  // truncated double-byte character
  EXPECT_FALSE(to_utf8(kLuanGbk, "UTF-8"));
}

TEST(Encoding, DetectsUtf8AndGbkAndRefusesWhenUnsure) {
  EXPECT_EQ(detect_encoding({"六安市", "plain"}), std::string("UTF-8"));
  EXPECT_EQ(detect_encoding({kLuanGbk, "\xbb\xf4\xc7\xf1\xcf\xd8"}), std::string("GB18030"));  // 霍邱县
  // Latin-1 "Café Zürich" is neither valid UTF-8 nor plausible Chinese.
  EXPECT_FALSE(detect_encoding({"Caf\xe9 Z\xfcrich"}));
}

TEST(Encoding, CanonicalNames) {
  EXPECT_EQ(canonical_encoding("cp936"), std::string("GBK"));
  EXPECT_EQ(canonical_encoding("utf8"), std::string("UTF-8"));
  EXPECT_FALSE(canonical_encoding("klingon"));
}
