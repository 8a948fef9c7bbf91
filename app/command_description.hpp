// What a command takes, read from its --help page (help_page.hpp): its flags, which of them
// take a value and what kind of value, and what each positional argument is. The kinds come
// from the placeholders of the usage line — POD, TYPE/NAME, svc/NAME, NODE, CONTAINER, NS,
// CONTEXT, [LOCAL:]REMOTE, FILE, DIR, a|b|c — and from the well-known flag names (--namespace,
// --context, --container), never from the name of the command: a third-party op whose usage
// says `orka ops mine POD [-c CONTAINER]` completes pods and containers like logs does.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "help_page.hpp"

namespace orka::cli {

enum class ValueKind {
  Pods,        // POD
  Workloads,   // TYPE/NAME: deploy/…, sts/…, ds/…, rs/…, job/…
  Services,    // svc/NAME
  Nodes,       // NODE
  Namespaces,  // NS, NAMESPACE, --namespace
  Contexts,    // CONTEXT, --context
  Containers,  // CONTAINER, --container: of the pod (or workload) given first
  Ports,       // [LOCAL:]REMOTE, PORT: the named and numbered ports of that target
  Files,       // FILE
  Directories, // DIR
};

struct ValueSpec {
  std::vector<ValueKind> kinds;
  std::vector<std::string> choices;  // a|b|c in the usage line or leading the description

  bool empty() const { return kinds.empty() && choices.empty(); }
};

struct PositionalSlot {
  ValueSpec value;
  bool repeated = false;  // NODE...
};

struct DescribedFlag {
  FlagSpec flag;
  ValueSpec value;  // what its value is, when it takes one
};

struct CommandDescription {
  std::string name;
  std::string summary;
  HelpPage page;
  std::vector<DescribedFlag> flags;
  std::vector<PositionalSlot> positionals;
  bool has_dashes = false;  // the usage has "-- COMMAND": nothing after "--" is ours

  const DescribedFlag* find_flag(std::string_view typed) const;
};

// `invoked_as` picks the usage form that starts with it (`cordon` or `uncordon`).
CommandDescription describe_command(std::string name, std::string summary, std::string_view help,
                                    std::string_view invoked_as);

// The kind a placeholder or a flag name stands for; empty when it is not one orka knows.
ValueSpec value_spec_for(std::string_view placeholder, const FlagSpec* flag = nullptr);

}  // namespace orka::cli
