#include "structured_flags.hpp"

#include <fmt/format.h>

#include "orka/command_args.hpp"

namespace orka::streaming {
namespace {

constexpr std::string_view kTemplatePrefix = "template=";
constexpr std::string_view kOutputExample = "e.g. -o 'template={{.level}} {{.msg}}'";

}  // namespace

void add_structured_flags(cxxopts::OptionAdder add) {
  // clang-format off
  add("json-field", "only JSON lines whose field matches: KEY=VALUE or KEY~REGEX (repeatable; all must match)", cxxopts::value<std::string>())
     ("o,output", "raw (default), json (as --json), or template=TEXT with {{.field}} references", cxxopts::value<std::string>());
  // clang-format on
}

std::string_view structured_flag_for(std::string_view field) {
  if (field == "json_fields") return "--json-field";
  if (field == "output_template") return "-o/--output template";
  return {};
}

Result<void> read_structured_flags(const cxxopts::ParseResult& flags,
                                   StructuredLogOptions& structured, bool& json) {
  structured.json_fields = all_flag_values(flags, "json-field");
  if (!flags.count("output")) return {};
  const std::string output = flags["output"].as<std::string>();
  if (output == "raw") return {};
  if (output == "json") {
    json = true;
    return {};
  }
  if (output.starts_with(kTemplatePrefix)) {
    structured.output_template = output.substr(kTemplatePrefix.size());
    if (structured.output_template.empty())
      return fail(ErrorKind::Usage, "-o/--output template= is empty", std::string(kOutputExample));
    return {};
  }
  if (output == "template")
    return fail(ErrorKind::Usage, "-o/--output template needs the template after =",
                std::string(kOutputExample));
  return fail(ErrorKind::Usage,
              fmt::format("-o/--output \"{}\" is not an output format: use raw, json or template=TEXT", output),
              std::string(kOutputExample));
}

}  // namespace orka::streaming
