// Progress records: what counts, what is excluded, what only warns.
#include <gtest/gtest.h>

#include <algorithm>

#include "ruralnet/core/error.hpp"
#include "ruralnet/io/table.hpp"
#include "ruralnet/quota/progress.hpp"

using namespace ruralnet;
using namespace ruralnet::quota;

namespace {

std::string fixture(const std::string& name) { return std::string(RURALNET_TEST_DATA) + "/quota/" + name; }
const Plan& plan() {
  static const Plan p = load_plan(fixture("fictional-plan.json"));
  return p;
}
ProgressSet from_text(const std::string& csv, const Date& as_of) {
  return read_progress(io::parse_csv(csv, "mem.csv"), plan(), as_of);
}
const Issue* issue_at(const ProgressSet& p, const std::string& where) {
  for (const auto& i : p.issues)
    if (i.where == where) return &i;
  return nullptr;
}
const char* kHeader = "county_code,indicator,value,as_of,source\n";

}  // namespace

TEST(ProgressRecords, LatestOnOrBeforeTheReportDateCounts) {
  const auto t = io::read_table(fixture("progress-basic.csv"));
  const ProgressSet early = read_progress(t, plan(), Date(2020, 4, 1));
  EXPECT_EQ(early.accepted, 2u);  // the two rows of 2020-03-31
  EXPECT_EQ(early.excluded, 6u);  // after the report date
  EXPECT_DOUBLE_EQ(early.latest.at({"990101", "trained_farmers"}).value, 10);
  EXPECT_EQ(early.latest.count({"990102", "trained_farmers"}), 0u);
  EXPECT_EQ(issue_at(early, "line 3")->kind, "after_report_date");
  EXPECT_EQ(issue_at(early, "line 3")->severity, Severity::warning);

  const ProgressSet mid = read_progress(t, plan(), Date(2020, 6, 30));
  EXPECT_EQ(mid.accepted, 8u);
  EXPECT_EQ(mid.excluded, 0u);
  EXPECT_TRUE(mid.issues.empty());
  EXPECT_DOUBLE_EQ(mid.latest.at({"990101", "trained_farmers"}).value, 30);
  EXPECT_EQ(mid.latest.at({"990101", "trained_farmers"}).where, "line 3");
  EXPECT_EQ(mid.latest.at({"990101", "trained_farmers"}).source, "Q2 report");
  EXPECT_DOUBLE_EQ(mid.latest.at({"990100", "cold_stores"}).value, 1);
}

TEST(ProgressRecords, EveryBadRowIsNamedWithItsLine) {
  const ProgressSet p = read_progress(io::read_table(fixture("progress-bad.csv")), plan(), Date(2020, 6, 30));
  EXPECT_EQ(p.rows, 12u);
  EXPECT_EQ(p.blank_rows, 3u);  // two empty lines and ",,,,"
  EXPECT_EQ(p.accepted + p.excluded, p.rows);
  struct Want { const char* where; const char* kind; Severity sev; };
  const Want want[] = {
      {"line 3", "decreasing_value", Severity::warning},  // 20 on 2020-03-31 after 1,300 on 2020-03-05
      {"line 4", "unknown_county", Severity::error},
      {"line 5", "unknown_indicator", Severity::error},
      {"line 6", "negative_value", Severity::error},
      {"line 7", "not_a_number", Severity::error},
      {"line 8", "conflicting_values", Severity::error},
      {"line 9", "conflicting_values", Severity::error},
      {"line 10", "after_report_date", Severity::warning},
      {"line 11", "not_a_date", Severity::error},
      {"line 13", "duplicate_record", Severity::warning},
  };
  for (const auto& w : want) {
    const Issue* i = issue_at(p, w.where);
    ASSERT_NE(i, nullptr) << w.where;
    EXPECT_EQ(i->kind, w.kind) << w.where;
    EXPECT_EQ(i->severity, w.sev) << w.where;
  }
  EXPECT_EQ(p.issues.size(), std::size(want));
  // "1,300" was read as 1300 (thousands separator), the serial 43921 as
  // 2020-03-31, and that later, lower value is the one that counts.
  EXPECT_DOUBLE_EQ(p.latest.at({"990101", "trained_farmers"}).value, 20);
  EXPECT_EQ(p.latest.at({"990101", "trained_farmers"}).as_of, Date(2020, 3, 31));
  EXPECT_EQ(p.latest.count({"990102", "model_shops"}), 0u);  // both conflicting rows out
  EXPECT_DOUBLE_EQ(p.latest.at({"990103", "trained_farmers"}).value, 4);
  EXPECT_EQ(p.accepted, 3u);
}

TEST(ProgressRecords, GbkFileWithExcelStyleDates) {
  const io::Table t = io::read_table(fixture("progress-gbk.csv"));
  EXPECT_EQ(t.encoding, "GB18030");
  const ProgressSet p = read_progress(t, plan(), Date(2020, 6, 30));
  EXPECT_TRUE(p.issues.empty());
  EXPECT_EQ(p.blank_rows, 2u);
  const Record& r = p.latest.at({"990101", "trained_farmers"});
  EXPECT_DOUBLE_EQ(r.value, 1300);
  EXPECT_EQ(r.as_of, Date(2020, 3, 31));  // 2020年3月31日
  EXPECT_EQ(r.source, "东湖区第一季度报告");
  EXPECT_EQ(p.latest.at({"990102", "model_shops"}).as_of, Date(2020, 6, 30));  // 2020/6/30
  EXPECT_EQ(p.latest.at({"990100", "cold_stores"}).as_of, Date(2020, 3, 31));  // serial 43921
  EXPECT_EQ(p.latest.at({"990100", "cold_stores"}).source, "青水市商务");
  // Said explicitly, the same.
  const ProgressSet q = read_progress(io::read_table(fixture("progress-gbk.csv"), {"GBK", ""}), plan(), Date(2020, 6, 30));
  EXPECT_EQ(q.latest.at({"990101", "trained_farmers"}).source, "东湖区第一季度报告");
}

TEST(ProgressRecords, ByteOrderMark) {
  const ProgressSet p = read_progress(io::read_table(fixture("progress-bom.csv")), plan(), Date(2020, 6, 30));
  EXPECT_EQ(p.accepted, 1u);
  EXPECT_EQ(p.latest.at({"990101", "trained_farmers"}).source, "第一季度报告");
}

TEST(ProgressRecords, MissingColumnIsUnusable) {
  EXPECT_THROW(from_text("county_code,indicator,amount,as_of\n990101,trained_farmers,1,2020-01-05\n", Date(2020, 6, 30)), InputError);
  // source is optional
  const ProgressSet p = from_text("COUNTY_CODE, Indicator ,value,as_of\n990101,trained_farmers,1,2020-01-05\n", Date(2020, 6, 30));
  EXPECT_EQ(p.accepted, 1u);
}

TEST(ProgressRecords, RowProblems) {
  const ProgressSet p = from_text(std::string(kHeader) +
                                   "990101,trained_farmers,1,300,2020-01-05,unquoted thousands\n"  // line 2: 6 fields
                                   ",trained_farmers,1,2020-01-05,x\n"                              // line 3
                                   "990101,trained_farmers,,2020-01-05,x\n"                         // line 4
                                   "990100,trained_farmers,5,2020-01-05,city figure for a county quota\n"  // line 5
                                   "990101.0,model_shops,1,2020-01-05,spreadsheet code\n",           // line 6
                               Date(2020, 6, 30));
  EXPECT_EQ(issue_at(p, "line 2")->kind, "too_many_fields");
  EXPECT_EQ(issue_at(p, "line 3")->kind, "missing_value");
  EXPECT_EQ(issue_at(p, "line 4")->kind, "missing_value");
  EXPECT_EQ(issue_at(p, "line 5")->kind, "city_record");
  EXPECT_EQ(issue_at(p, "line 5")->severity, Severity::warning);
  EXPECT_EQ(issue_at(p, "line 6"), nullptr);
  EXPECT_EQ(p.accepted, 1u);
  EXPECT_EQ(p.excluded, 4u);
}
