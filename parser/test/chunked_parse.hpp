// chunked_parse.hpp: the parser tests' way of parsing a stream cut into chunks.
#pragma once

#include <sse/parser.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sse::testing {

/// Parses `bytes` fed as chunks that start at each offset of `splits` (non-decreasing), with
/// comments reported and `initial_id` as the initial last event ID string; returns the whole log.
inline observation_log parse_chunks(std::string_view bytes, const std::vector<std::size_t>& splits,
                                    const std::string& initial_id = "") {
  observation_recorder r;
  parser_options o;
  o.report_comments = true;
  o.initial_last_event_id = initial_id;
  parser p(r, o);
  std::size_t from = 0;
  for (const auto at : splits) {
    (void)p.feed(bytes.substr(from, at - from));
    from = at;
  }
  (void)p.feed(bytes.substr(from));
  p.finish();
  return r.log;
}

}  // namespace sse::testing
