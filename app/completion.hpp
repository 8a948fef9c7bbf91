// `orka __complete WORD... CURRENT`: what may be typed at the cursor. The shell scripts of
// `orka completion SHELL` call it with the words before the cursor and the word under it, and
// read back one candidate a line and a last line ":N", N the directive bits (the protocol of
// cobra's hidden __complete command that kubectl uses: 1 error, 2 no space after, 4 no file
// names, 16 directory names only; with 0 and no candidates the shell completes file names).
//
// Commands and flags come from the help pages (command_catalog.hpp); live names come from a
// NameSource, which the CLI backs with one list request per kind (live_names.hpp) and unit tests
// with a mock.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "command_catalog.hpp"
#include "command_description.hpp"
#include "global_flags.hpp"

namespace orka::cli {

struct NameQuery {
  ValueKind kind = ValueKind::Pods;
  std::string type;                       // Workloads/Services: the type as typed ("deploy")
  std::optional<std::string> namespace_;  // -n on the line; nullopt: the context's
  std::string target;                     // Containers/Ports: the first argument ("web-0")

  bool operator==(const NameQuery&) const = default;
};

class NameSource {
 public:
  virtual ~NameSource() = default;
  // The names, or none when the cluster is slow, unreachable or refuses. Never throws.
  virtual std::vector<std::string> names(const NameQuery& query) = 0;
};

enum CompletionDirective : unsigned {
  kCompleteError = 1,
  kCompleteNoSpace = 2,
  kCompleteNoFiles = 4,
  kCompleteDirectories = 16,
};

struct Completion {
  std::vector<std::string> candidates;
  unsigned directive = kCompleteNoFiles;
};

// `words` are the words after `orka` before the cursor; `current` the (partial) word under it.
Completion complete_words(const std::vector<std::string>& words, std::string_view current,
                          const CommandCatalog& catalog, NameSource& names);

// The global flags given on a partial line, read leniently (a flag missing its value is left
// out, never an error): which kubeconfig, context and plugins the live names come from.
GlobalFlags scan_global_flags(const std::vector<std::string>& words);

// The __complete answer as printed: candidates, then ":N".
std::string format_completion(const Completion& completion);

}  // namespace orka::cli
