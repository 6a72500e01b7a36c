// Plain-text tables for the terminal, aligned by display width (a CJK
// character takes two columns), so Chinese names line up.
#pragma once

#include <string>
#include <vector>

namespace ruralnet::report {

// Columns whose header starts with '>' are right-aligned (numbers); the '>' is
// not printed.
class TextTable {
 public:
  explicit TextTable(std::vector<std::string> headers);
  void add(std::vector<std::string> row);
  std::string render() const;
  std::size_t rows() const { return rows_.size(); }

 private:
  std::vector<std::string> headers_;
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

// Columns a UTF-8 string takes in a terminal.
std::size_t display_width(const std::string& s);

}  // namespace ruralnet::report
