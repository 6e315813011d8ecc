// compare.cpp: expected vs observed logs, and a diff a person can read at a glance.
#include <sse/conformance/conformance.hpp>

#include <algorithm>

namespace sse::conformance {
namespace {

enum class op : std::uint8_t { same, expected_only, observed_only };
struct diff_line {
  op kind;
  const observation* o;
};

/// Longest-common-subsequence alignment of a[0..n) and b[0..m). Quadratic in memory, so only the
/// part between the common prefix and suffix is aligned, and a huge middle is shown as removed
/// then added (still correct, just less aligned).
void align(const observation* a, std::size_t n, const observation* b, std::size_t m, std::vector<diff_line>& out) {
  constexpr std::size_t max_cells = std::size_t{1} << 22;
  if (n == 0 || m == 0 || (n + 1) * (m + 1) > max_cells) {
    for (std::size_t i = 0; i < n; ++i) out.push_back({op::expected_only, a + i});
    for (std::size_t j = 0; j < m; ++j) out.push_back({op::observed_only, b + j});
    return;
  }
  // lcs[i][j] = LCS length of a[i..n) and b[j..m)
  std::vector<std::uint32_t> lcs((n + 1) * (m + 1), 0);
  const auto cell = [&](std::size_t i, std::size_t j) -> std::uint32_t& { return lcs[i * (m + 1) + j]; };
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t j = m; j-- > 0;) {
      cell(i, j) = a[i] == b[j] ? cell(i + 1, j + 1) + 1 : std::max(cell(i + 1, j), cell(i, j + 1));
    }
  }
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      out.push_back({op::same, a + i});
      ++i;
      ++j;
    } else if (j == m || (i < n && cell(i + 1, j) >= cell(i, j + 1))) {
      out.push_back({op::expected_only, a + i});
      ++i;
    } else {
      out.push_back({op::observed_only, b + j});
      ++j;
    }
  }
}

}  // namespace

comparison compare_logs(const observation_log& expected, const observation_log& observed) {
  comparison result;
  if (expected == observed) return result;
  result.equal = false;

  const std::size_t n = expected.size();
  const std::size_t m = observed.size();
  std::size_t prefix = 0;
  while (prefix < n && prefix < m && expected[prefix] == observed[prefix]) ++prefix;
  std::size_t suffix = 0;
  while (suffix < n - prefix && suffix < m - prefix && expected[n - 1 - suffix] == observed[m - 1 - suffix]) ++suffix;

  std::vector<diff_line> lines;
  for (std::size_t i = 0; i < prefix; ++i) lines.push_back({op::same, &expected[i]});
  align(expected.data() + prefix, n - prefix - suffix, observed.data() + prefix, m - prefix - suffix, lines);
  for (std::size_t i = n - suffix; i < n; ++i) lines.push_back({op::same, &expected[i]});

  // Long runs of equal observations far from any change are folded into one line.
  constexpr std::size_t context = 3;
  std::string& diff = result.diff;
  for (std::size_t i = 0; i < lines.size();) {
    if (lines[i].kind != op::same) {
      diff += lines[i].kind == op::expected_only ? "- " : "+ ";
      diff += format_observation(*lines[i].o) + "\n";
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < lines.size() && lines[end].kind == op::same) ++end;
    const std::size_t head = i == 0 ? 0 : context;               // after a change
    const std::size_t tail = end == lines.size() ? 0 : context;  // before a change
    const std::size_t run = end - i;
    for (std::size_t k = i; k < end; ++k) {
      if (run > head + tail + 1 && k == i + head) {
        diff += "  ... " + std::to_string(run - head - tail) + " equal observations ...\n";
        k = end - tail - 1;
        continue;
      }
      diff += "  " + format_observation(*lines[k].o) + "\n";
    }
    i = end;
  }
  return result;
}

}  // namespace sse::conformance
