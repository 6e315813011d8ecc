// fuzz_shrink.cpp: what a difference is (its signature), and delta debugging of a failing stream to
// a minimal reproducer.
#include <sse/conformance/fuzz.hpp>
#include <sse/utf8.hpp>

#include <algorithm>
#include <functional>
#include <utility>

namespace sse::conformance {
namespace {

/// The class of the character at `at` in a value, in words ("end-of-value" past its end).
std::string character_class(std::string_view value, std::size_t at) {
  if (at >= value.size()) return "end-of-value";
  const char c = value[at];
  switch (c) {
    case '\n': return "LF";
    case '\r': return "CR";
    case '\0': return "NUL";
    case ' ': return "space";
    case '\t': return "tab";
    case ':': return "colon";
    default: break;
  }
  const utf8::code_point_at cp = utf8::scan(value, at);
  if (cp.length == 0) return "invalid-byte";
  if (cp.length == 1) return "ascii";
  switch (cp.code_point) {
    case 0xFEFF: return "U+FEFF";
    case 0xFFFD: return "U+FFFD";
    case 0x2028: return "U+2028";
    case 0x0085: return "U+0085";
    default: return "non-ascii";
  }
}

}  // namespace

/// By the shape of the edit, not by the values themselves (so one bug seen with different values is
/// one signature): `event.type: extra U+FEFF at the end` (the class of the first missing or extra
/// character), `event.data: differs`, `end.last_event_id: empty, expected non-empty`.
std::string value_difference(std::string_view field, std::string_view expected, std::string_view observed) {
  if (expected == observed) return {};
  const std::string name(field);
  if (observed.empty()) return name + ": empty, expected non-empty";
  if (expected.empty()) return name + ": non-empty, expected empty";
  const auto [e, o] = std::mismatch(expected.begin(), expected.end(), observed.begin(), observed.end());
  const auto at = static_cast<std::size_t>(e - expected.begin());
  if (at == observed.size()) return name + ": cut before " + character_class(expected, at);
  if (at == expected.size()) return name + ": extra " + character_class(observed, at) + " at the end";
  // Which character starts a replacement is arbitrary (the shrinker keeps whichever one it can't
  // remove), so it is not part of the signature; the reproducer shows it.
  return name + ": differs";
}

namespace {

/// How two observations of the same kind differ, field by field.
std::string observation_difference(const observation& e, const observation& o) {
  const std::string kind(to_string(e.kind));
  std::string out;
  const auto add = [&out](std::string part) {
    if (part.empty()) return;
    if (!out.empty()) out += "; ";
    out += part;
  };
  add(value_difference(kind + ".type", e.type, o.type));
  add(value_difference(kind + ".data", e.data, o.data));
  add(value_difference(kind + ".last_event_id", e.last_event_id, o.last_event_id));
  add(value_difference(kind + ".text", e.text, o.text));
  if (e.ms != o.ms) add(kind + ".ms: " + (e.ms < o.ms ? "larger" : "smaller") + " than expected");
  return out;
}

/// The first difference of two logs, by kind: a changed, missing or extra entry. `same` compares two
/// entries as far as they are judged, `differ` words how two entries of one kind differ.
template <typename Entry, typename Same, typename Differ>
std::string first_difference(const std::vector<Entry>& expected, const std::vector<Entry>& observed, const Same& same,
                             const Differ& differ) {
  const auto [e_end, o_end] = std::mismatch(expected.begin(), expected.end(), observed.begin(), observed.end(), same);
  const auto i = static_cast<std::size_t>(e_end - expected.begin());
  const bool has_expected = i < expected.size();
  const bool has_observed = i < observed.size();
  if (!has_expected && !has_observed) return {};
  if (!has_observed) return "missing " + std::string(to_string(expected[i].kind));
  if (!has_expected) return "extra " + std::string(to_string(observed[i].kind));
  const Entry& e = expected[i];
  const Entry& o = observed[i];
  if (i + 1 < observed.size() && same(observed[i + 1], e)) return "extra " + std::string(to_string(o.kind));
  if (i + 1 < expected.size() && same(expected[i + 1], o)) return "missing " + std::string(to_string(e.kind));
  if (e.kind == o.kind) return differ(e, o);
  return std::string(to_string(o.kind)) + " instead of " + std::string(to_string(e.kind));
}

std::string log_difference(const observation_log& expected, const observation_log& observed) {
  return first_difference(expected, observed, std::equal_to<>(), observation_difference);
}

// ---- shrinking ------------------------------------------------------------------------------------

struct candidate {
  std::string bytes;
  std::vector<std::size_t> splits;
};

/// The candidate without bytes [from, to): cuts inside the range go, later ones move back.
candidate without_range(const candidate& c, std::size_t from, std::size_t to) {
  candidate out;
  out.bytes = c.bytes.substr(0, from) + c.bytes.substr(to);
  for (const std::size_t s : c.splits) {
    if (s > from && s < to) continue;
    out.splits.push_back(s <= from ? s : s - (to - from));
  }
  return out;
}

/// [begin, end) of every line, its terminator included (CRLF as one).
std::vector<std::pair<std::size_t, std::size_t>> line_spans(std::string_view bytes) {
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  std::size_t begin = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (bytes[i] != '\n' && bytes[i] != '\r') continue;
    if (bytes[i] == '\r' && i + 1 < bytes.size() && bytes[i + 1] == '\n') ++i;
    spans.emplace_back(begin, i + 1);
    begin = i + 1;
  }
  if (begin < bytes.size()) spans.emplace_back(begin, bytes.size());
  return spans;
}

class shrinker {
public:
  shrinker(const fuzz_stream& failing, const fuzz_predicate& still_fails, std::size_t max_attempts)
      : best_{failing.test.bytes, failing.chunks.splits},
        id_(failing.test.id),
        still_fails_(still_fails),
        attempts_left_(max_attempts) {}

  fuzz_stream run() {
    bool progress = true;
    while (progress && attempts_left_ > 0) {
      const std::size_t size_before = best_.bytes.size();
      const std::size_t chunks_before = best_.splits.size();
      remove_units(true);
      remove_units(false);
      merge_chunks();
      progress = best_.bytes.size() < size_before || best_.splits.size() < chunks_before;
    }
    return make_fuzz_stream(best_.bytes, best_.splits, id_);
  }

private:
  bool accept(candidate c) {
    if (attempts_left_ == 0) return false;
    --attempts_left_;
    if (!still_fails_(make_fuzz_stream(c.bytes, c.splits, id_))) return false;
    best_ = std::move(c);
    return true;
  }

  /// ddmin over lines (`lines`) or bytes: remove blocks of size n/2, n/4, ... 1, keeping every
  /// removal after which the difference remains.
  void remove_units(bool lines) {
    const auto spans = [&] {
      if (lines) return line_spans(best_.bytes);
      std::vector<std::pair<std::size_t, std::size_t>> bytes;
      for (std::size_t i = 0; i < best_.bytes.size(); ++i) bytes.emplace_back(i, i + 1);
      return bytes;
    };
    auto units = spans();
    for (std::size_t block = std::max<std::size_t>(units.size() / 2, 1); block >= 1 && attempts_left_ > 0; block /= 2) {
      // From the end, so a removal leaves the offsets of the units still to try unchanged.
      for (std::size_t end = units.size(); end > 0 && attempts_left_ > 0;) {
        const std::size_t begin = end >= block ? end - block : 0;
        if (accept(without_range(best_, units[begin].first, units[end - 1].second))) units = spans();
        end = std::min(begin, units.size());
      }
      if (block == 1) break;
    }
  }

  /// Fewer, larger chunks: first no cuts at all, then each cut removed on its own.
  void merge_chunks() {
    if (best_.splits.empty()) return;
    if (accept({best_.bytes, {}})) return;
    for (std::size_t i = best_.splits.size(); i-- > 0 && attempts_left_ > 0;) {
      candidate c = best_;
      c.splits.erase(c.splits.begin() + static_cast<std::ptrdiff_t>(i));
      (void)accept(std::move(c));
    }
  }

  candidate best_;
  std::string id_;
  const fuzz_predicate& still_fails_;
  std::size_t attempts_left_;
};

}  // namespace

std::string difference_signature(const test_case& c, const case_result& result, const capabilities& caps) {
  if (is_fault(result.outcome)) return std::string(to_string(result.outcome));
  if (result.outcome != outcome::fail) return {};
  std::string difference = log_difference(project(c.expected, caps), result.observed);
  if (!difference.empty()) return difference;
  // The final logs agree, so run_case found a latency problem (its wording names which kind).
  if (result.diff.find("still pending") != std::string::npos) return "latency: reported late";
  if (result.diff.find("reported before") != std::string::npos) return "latency: reported early";
  return "latency: out of order";
}

std::string scenario_log_difference(const scenario_log& expected, const scenario_log& observed) {
  const auto same = [](const log_entry& a, const log_entry& b) {
    return a.kind == b.kind && a.state == b.state && a.type == b.type && a.data == b.data &&
           a.last_event_id == b.last_event_id;
  };
  const auto differ = [](const log_entry& e, const log_entry& o) {
    const std::string kind(to_string(e.kind));
    std::string out;
    for (std::string part :
         {value_difference(kind + ".type", e.type, o.type), value_difference(kind + ".data", e.data, o.data),
          value_difference(kind + ".last_event_id", e.last_event_id, o.last_event_id)})
      if (!part.empty()) out += (out.empty() ? "" : "; ") + part;
    if (e.state != o.state)
      out += (out.empty() ? "" : "; ") + kind + ".ready_state: " + std::to_string(static_cast<int>(o.state)) +
             ", expected " + std::to_string(static_cast<int>(e.state));
    return out;
  };
  return first_difference(expected, observed, same, differ);
}

fuzz_stream shrink_stream(const fuzz_stream& failing, const fuzz_predicate& still_fails, std::size_t max_attempts) {
  return shrinker(failing, still_fails, max_attempts).run();
}

}  // namespace sse::conformance
