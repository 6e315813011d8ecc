// matrix.hpp: the one matrix of areas x implementations, for `matrix` (libraries) and `browser
// --matrix` (engines). A cell counts cases by how they count for the gate (gate_status_of()), so
// both tables say the same thing about the same records.
#pragma once

#include "gate.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sse::runner {

/// Cases of one area (or of the whole corpus) for one implementation, by gate status.
struct area_counts {
  std::size_t cases = 0;
  std::size_t pass = 0;                    ///< ok
  std::size_t fail = 0;                    ///< new or known failures (a known failure is still a failure)
  std::size_t skip = 0;                    ///< skipped: the implementation cannot observe what the case is about
  std::size_t implementation_defined = 0;  ///< differs from the reference's decision on a gap (never a failure)
  void add(gate_status s) noexcept;
};

/// One implementation's column: its title, and its cases counted per area and in total.
struct matrix_column {
  std::string title;
  bool available = true;  ///< false: it did not start; its cells read "n/a"
  bool engine = false;    ///< a browser engine's EventSource (drawn apart from the libraries)
  std::map<std::string, area_counts> areas;
  area_counts total;
};
/// Counts the cases of `records` (statuses set by evaluate_gate()) per area.
[[nodiscard]] matrix_column count_column(std::string title, const std::vector<run_record>& records);

/// `passed/checked · **N ✗** · N i-d · N skip` (the parts that are not zero).
[[nodiscard]] std::string cell(const area_counts& a);
/// The sentence that explains the cells, for the text above a table.
[[nodiscard]] std::string_view cell_legend();

/// The Markdown table: one row per area of `cases` (with its case count), then the total.
[[nodiscard]] std::string area_table(const std::vector<matrix_column>& columns,
                                     const std::vector<const conformance::test_case*>& cases);

/// Passed cases (implementation-defined ones included) per checked case, 0..1; nullopt when none
/// was checked.
[[nodiscard]] std::optional<double> share_passed(const area_counts& a);

/// The heat map as a standalone SVG document: one row per area of `cases` and a total row, one
/// column per implementation (libraries, then engines after a gap), each cell coloured by the share
/// of checked cases passed and labelled with the percentage ("n/a" when nothing was checked).
[[nodiscard]] std::string heat_map_svg(const std::vector<matrix_column>& columns,
                                       const std::vector<const conformance::test_case*>& cases,
                                       const std::string& caption);

}  // namespace sse::runner
