// schema_check.cpp: valijson (Debian's libvalijson-dev) over nlohmann/json documents.
#include "schema_check.hpp"

// valijson matches `pattern` with std::regex, whose automaton GCC 12 reports as "may be used
// uninitialized" at -O2 with sanitizers (a false positive inside libstdc++'s <regex>, GCC bug
// 105562); -Werror would otherwise stop the ASan build.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace sse::conformance::detail {

struct schema_check::compiled {
  valijson::Schema schema;
};

schema_check::schema_check(std::string_view text, const std::string& name) : compiled_(std::make_unique<compiled>()) {
  const json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) throw std::runtime_error(name + ": the JSON Schema is not valid JSON");
  try {
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    const valijson::adapters::NlohmannJsonAdapter adapter(document);
    parser.populateSchema(adapter, compiled_->schema);
  } catch (const std::exception& e) {
    throw std::runtime_error(name + ": not a usable draft-07 JSON Schema: " + e.what());
  }
}

schema_check::~schema_check() = default;

namespace {

/// valijson's context ["<root>", "[cases]", "[3]", "[class]"] as the key path "cases[3].class".
std::string key_path(const std::vector<std::string>& context) {
  std::string path;
  for (const auto& part : context) {
    if (part.size() < 2 || part.front() != '[' || part.back() != ']') continue;  // "<root>"
    const std::string inner = part.substr(1, part.size() - 2);
    const bool index = !inner.empty() && inner.find_first_not_of("0123456789") == std::string::npos;
    path = index ? index_path(path, std::stoul(inner)) : member_path(path, inner);
  }
  return path;
}

}  // namespace

bool schema_check::validate(const json& document, problem_list& problems) const {
  valijson::Validator validator(valijson::Validator::kStrongTypes);
  valijson::ValidationResults results;
  const valijson::adapters::NlohmannJsonAdapter adapter(document);
  if (validator.validate(compiled_->schema, adapter, &results)) return true;
  // valijson reports the failing constraint at every level (an object, then its property, ...):
  // keep the deepest report of each path, which names the real problem.
  valijson::ValidationResults::Error error;
  problem_list found;
  while (results.popError(error)) found.push_back({key_path(error.context), error.description});
  for (std::size_t i = 0; i < found.size(); ++i) {
    bool has_deeper = false;
    for (std::size_t j = 0; j < found.size() && !has_deeper; ++j)
      has_deeper = j != i && found[j].key.size() > found[i].key.size() &&
                   found[j].key.compare(0, found[i].key.size(), found[i].key) == 0;
    if (!has_deeper) problems.push_back(found[i]);
  }
  return false;
}

}  // namespace sse::conformance::detail
