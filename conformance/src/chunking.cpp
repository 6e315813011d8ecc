// chunking.cpp: the ways a body is cut into chunks. Streaming bugs live at chunk boundaries (a CR
// that ends one chunk, a BOM or a code point split in two), so every case runs under many cuts.
#include "splitmix64.hpp"

#include <sse/utf8.hpp>

#include <sse/conformance/conformance.hpp>

#include <algorithm>
#include <array>
#include <cstring>
#include <set>

namespace sse::conformance {
namespace {

constexpr std::array<std::pair<plan, std::string_view>, 6> plan_names{{
    {plan::whole, "whole"},
    {plan::bytewise, "bytewise"},
    {plan::every_split, "every-split"},
    {plan::random, "random"},
    {plan::boundaries, "boundaries"},
    {plan::pinned, "pinned"},
}};

using detail::splitmix64;

std::uint64_t fnv1a64(std::string_view s) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3ULL;
  }
  return h;
}

std::string at(std::string_view prefix, std::size_t offset) {
  return std::string(prefix) + "@" + std::to_string(offset);
}

/// True when a cut at offset k (0 < k < size) is within reach of a byte where an event-stream parser
/// changes state, or near either end of the body (see chunking_options::every_split_limit).
bool near_state_change(std::string_view bytes, std::size_t k) {
  constexpr std::size_t edge = 64;
  constexpr std::size_t reach = 8;
  if (k <= edge || bytes.size() - k <= edge) return true;
  const std::size_t from = k - reach;
  const std::size_t to = std::min(bytes.size(), k + reach);
  for (std::size_t i = from; i < to; ++i) {
    const auto b = static_cast<unsigned char>(bytes[i]);
    if (b == '\r' || b == '\n' || b == ':' || b == ' ' || b == 0 || b >= 0x80) return true;
  }
  return false;
}

/// Multi-way random cuts: each variant picks a density (1/2 .. 1/16) and cuts at each offset with
/// that probability, so both many small and a few large chunks occur. Seeded by the case id.
void add_random(const test_case& c, const chunking_options& options, std::vector<chunking>& out) {
  const std::size_t n = c.bytes.size();
  if (n < 2) return;
  splitmix64 rng(options.seed ^ fnv1a64(c.id));
  for (unsigned v = 0; v < options.random_variants; ++v) {
    const std::size_t one_in = std::size_t{2} << rng.below(4);  // 2, 4, 8 or 16
    chunking ch{"random#" + std::to_string(v), {}};
    for (std::size_t k = 1; k < n; ++k) {
      if (rng.below(one_in) == 0) ch.splits.push_back(k);
    }
    if (ch.splits.empty()) ch.splits.push_back(1 + rng.below(n - 1));
    out.push_back(std::move(ch));
  }
}

/// Cuts where streaming decoders and line splitters keep state: between the CR and LF of every
/// CRLF, inside a leading BOM, inside every multi-byte UTF-8 sequence and every run of invalid or
/// truncated non-ASCII bytes (and right after such a run). One chunking per cut, then all at once.
/// Each single-cut chunking feeds the whole body, so a long body of multi-byte text (10 MB: millions
/// of cuts) would cost time and memory in the square of its length: beyond
/// options.boundary_cut_limit cuts, an evenly spaced sample of them is run one at a time (the first
/// and last cut of the body always among them), while the combined chunking still cuts at every one.
void add_boundaries(const test_case& c, const chunking_options& options, std::vector<chunking>& out) {
  const std::string_view b = c.bytes;
  const std::size_t n = b.size();
  std::vector<chunking> found;
  if (b.substr(0, 3) == "\xEF\xBB\xBF") {
    found.push_back({at("bom", 1), {1}});
    found.push_back({at("bom", 2), {2}});
  }
  for (std::size_t i = 0; i < n;) {
    const auto byte = static_cast<unsigned char>(b[i]);
    if (byte == '\r' && i + 1 < n && b[i + 1] == '\n') {
      found.push_back({at("crlf", i + 1), {i + 1}});
      ++i;
      continue;
    }
    if (byte < 0x80) {
      ++i;
      continue;
    }
    std::size_t end = i;
    bool well_formed = true;
    while (end < n && static_cast<unsigned char>(b[end]) >= 0x80) {
      const utf8::code_point_at s = utf8::scan(b, end);
      well_formed = well_formed && s.length != 0;
      end += s.length == 0 ? 1 : s.length;
    }
    for (std::size_t k = i + 1; k < end; ++k) found.push_back({at("utf8", k), {k}});
    if (!well_formed && end < n) found.push_back({at("utf8", end), {end}});
    i = end;
  }
  if (found.size() > 1) {
    std::set<std::size_t> all;
    for (const auto& ch : found) all.insert(ch.splits.front());
    found.push_back({"boundaries", {all.begin(), all.end()}});
  }
  const std::size_t singles = found.size() > 1 ? found.size() - 1 : found.size();
  const std::size_t limit = options.boundary_cut_limit;
  if (limit == 0 || singles <= limit) {
    for (auto& ch : found) out.push_back(std::move(ch));
    return;
  }
  // Indexes 0, step, 2 step, ... and the last one: `limit` evenly spaced cuts.
  for (std::size_t k = 0; k < limit; ++k) {
    const std::size_t index = limit == 1 ? 0 : k * (singles - 1) / (limit - 1);
    out.push_back(std::move(found[index]));
  }
  out.push_back(std::move(found.back()));
}

}  // namespace

std::string_view to_string(plan p) noexcept {
  for (const auto& [value, name] : plan_names) {
    if (value == p) return name;
  }
  return "unknown";
}

std::vector<plan> all_plans() {
  std::vector<plan> plans;
  for (const auto& entry : plan_names) plans.push_back(entry.first);
  return plans;
}

std::optional<std::vector<plan>> parse_plan_names(std::string_view names, std::string* error) {
  std::vector<plan> plans;
  const auto add = [&](plan p) {
    if (std::find(plans.begin(), plans.end(), p) == plans.end()) plans.push_back(p);
  };
  while (true) {
    const std::size_t comma = names.find(',');
    std::string_view name = names.substr(0, comma);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    bool known = false;
    if (name == "all") {
      for (plan p : all_plans()) add(p);
      known = true;
    }
    for (const auto& [value, plan_name] : plan_names) {
      if (plan_name == name) {
        add(value);
        known = true;
      }
    }
    if (!known) {
      if (error != nullptr) {
        *error = "unknown chunking plan \"" + std::string(name) +
                 "\" (known: whole, bytewise, every-split, random, boundaries, pinned, all)";
      }
      return std::nullopt;
    }
    if (comma == std::string_view::npos) break;
    names.remove_prefix(comma + 1);
  }
  return plans;
}

std::vector<chunking> make_chunkings(const test_case& c, const chunking_options& options) {
  const std::size_t n = c.bytes.size();
  std::vector<chunking> candidates;
  for (plan p : options.plans) {
    switch (p) {
      case plan::whole: candidates.push_back({"whole", {}}); break;
      case plan::bytewise: {
        chunking ch{"bytewise", {}};
        for (std::size_t k = 1; k < n; ++k) ch.splits.push_back(k);
        candidates.push_back(std::move(ch));
        break;
      }
      case plan::every_split:
        for (std::size_t k = 1; k < n; ++k) {
          if (options.every_split_limit == 0 || n <= options.every_split_limit || near_state_change(c.bytes, k)) {
            candidates.push_back({at("split", k), {k}});
          }
        }
        break;
      case plan::random: add_random(c, options, candidates); break;
      case plan::boundaries: add_boundaries(c, options, candidates); break;
      case plan::pinned:
        if (c.has_pinned_chunks) candidates.push_back({"pinned", c.pinned_splits});
        break;
    }
  }
  std::vector<chunking> out;
  std::set<std::vector<std::size_t>> seen;
  for (auto& ch : candidates) {
    if (seen.insert(ch.splits).second) out.push_back(std::move(ch));
  }
  return out;
}

std::vector<owned_chunk> cut(std::string_view bytes, const chunking& ch) {
  std::vector<owned_chunk> chunks;
  chunks.reserve(ch.splits.size() + 1);
  std::size_t begin = 0;
  for (std::size_t i = 0; i <= ch.splits.size(); ++i) {
    // Offsets are non-decreasing and within the body; clamp a malformed chunking rather than read out of range.
    const std::size_t end = i < ch.splits.size() ? std::min(std::max(ch.splits[i], begin), bytes.size()) : bytes.size();
    owned_chunk chunk;
    chunk.size = end - begin;
    chunk.bytes = std::unique_ptr<unsigned char[]>(new unsigned char[chunk.size]);  // exact size, for ASan
    if (chunk.size != 0) std::memcpy(chunk.bytes.get(), bytes.data() + begin, chunk.size);
    chunks.push_back(std::move(chunk));
    begin = end;
  }
  return chunks;
}

}  // namespace sse::conformance
