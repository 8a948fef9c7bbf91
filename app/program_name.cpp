#include "program_name.hpp"

#include <array>

namespace orka::cli {

namespace {

// What follows "orka " when it names a command line, not the project.
constexpr std::array<std::string_view, 9> kCommandStarts = {
    "ops", "plugins", "version", "help", "-", "[", "<", "completion", "man"};

bool starts_command(std::string_view rest) {
  for (std::string_view start : kCommandStarts) {
    if (!rest.starts_with(start)) continue;
    // A whole word ("ops", not "opsfoo"), except for the one-character openers.
    if (start.size() == 1 || rest.size() == start.size()) return true;
    const char next = rest[start.size()];
    if (next == ' ' || next == '`' || next == '"' || next == '\n' || next == '\'') return true;
  }
  return false;
}

bool word_boundary_before(std::string_view text, std::size_t at) {
  if (at == 0) return true;
  const char before = text[at - 1];
  return before == ' ' || before == '\n' || before == '`' || before == '"' || before == '\'' ||
         before == '(';
}

std::string_view program_file(std::string_view argv0) {
  const auto slash = argv0.rfind('/');
  return slash == std::string_view::npos ? argv0 : argv0.substr(slash + 1);
}

}  // namespace

std::string_view program_name(std::string_view argv0) {
  return program_file(argv0) == "kubectl-orka" ? kKubectlPluginProgram : kPlainProgram;
}

bool is_kubectl_completion(std::string_view argv0) {
  return program_file(argv0) == "kubectl_complete-orka";
}

std::string as_run_by(std::string_view text, std::string_view program) {
  if (program == kPlainProgram) return std::string(text);
  constexpr std::string_view kWord = "orka ";
  std::string out;
  out.reserve(text.size() + 64);
  std::size_t done = 0;
  for (std::size_t at = text.find(kWord); at != std::string_view::npos;
       at = text.find(kWord, at + kWord.size())) {
    const bool already = at >= 8 && text.substr(at - 8, 8) == "kubectl ";
    if (already || !word_boundary_before(text, at) ||
        !starts_command(text.substr(at + kWord.size())))
      continue;
    out.append(text.substr(done, at - done));
    out.append(program);
    out.push_back(' ');
    done = at + kWord.size();
  }
  out.append(text.substr(done));
  return out;
}

}  // namespace orka::cli
