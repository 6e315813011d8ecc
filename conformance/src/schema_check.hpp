// schema_check.hpp (internal): JSON Schema (draft-07) validation with valijson, the one statement of
// a file format's structure. A reader validates a document against its schema first and then reads
// values it knows are well-typed; it checks by hand only what a schema cannot say.
#pragma once

#include "json_model.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace sse::conformance::detail {

class schema_check {
public:
  /// Compiles the schema `text`. Throws std::runtime_error naming `name` when it cannot.
  schema_check(std::string_view text, const std::string& name);
  ~schema_check();
  schema_check(const schema_check&) = delete;
  schema_check& operator=(const schema_check&) = delete;

  /// Appends one problem per violation, with the key path of the offending value (`cases[3].class`)
  /// and the schema's words for what was expected. Returns true when the document is valid.
  bool validate(const json& document, problem_list& problems) const;

private:
  struct compiled;
  std::unique_ptr<compiled> compiled_;
};

}  // namespace sse::conformance::detail
