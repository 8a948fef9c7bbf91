#include "completion.hpp"

#include <algorithm>

#include "orka/pod_targets.hpp"

namespace orka::cli {

namespace {

// The types a TYPE/NAME may start with, in the short forms kubectl users type.
const std::vector<std::string> kWorkloadPrefixes = {"deploy/", "sts/", "ds/", "rs/", "job/"};
const std::string kServicePrefix = "svc/";

bool has_kind(const ValueSpec& spec, ValueKind kind) {
  return std::find(spec.kinds.begin(), spec.kinds.end(), kind) != spec.kinds.end();
}

// Where the walk over the words before the cursor ended up.
struct LineState {
  std::vector<std::string> path;          // "ops", "logs"; "version"
  std::optional<CommandDescription> command;
  std::vector<std::string> positionals;   // the command's arguments so far
  std::optional<std::string> namespace_;  // -n / --namespace given on the line
  const DescribedFlag* pending = nullptr; // the flag whose value is under the cursor
  bool after_dashes = false;
};

const DescribedFlag* find_flag(const LineState& state, const CommandDescription& main,
                               std::string_view typed) {
  if (state.command)
    if (const auto* flag = state.command->find_flag(typed)) return flag;
  return main.find_flag(typed);
}

bool is_namespace_flag(const DescribedFlag& flag) {
  return has_kind(flag.value, ValueKind::Namespaces);
}

LineState walk(const std::vector<std::string>& words, const CommandDescription& main,
               const CommandCatalog& catalog) {
  LineState state;
  for (const auto& word : words) {
    if (state.after_dashes) continue;
    if (state.pending != nullptr) {
      if (is_namespace_flag(*state.pending)) state.namespace_ = word;
      state.pending = nullptr;
      continue;
    }
    if (word == "--") {
      state.after_dashes = true;
      continue;
    }
    if (word.size() > 1 && word[0] == '-') {
      const auto equals = word.find('=');
      const auto* flag = find_flag(state, main, std::string_view(word).substr(0, equals));
      if (flag == nullptr) continue;
      if (equals != std::string::npos) {
        if (is_namespace_flag(*flag)) state.namespace_ = word.substr(equals + 1);
      } else if (flag->flag.takes_value()) {
        state.pending = flag;
      }
      continue;
    }
    if (state.path.empty()) {
      state.path.push_back(word);
      if (word != "ops") state.command = catalog.app_command(word);
      continue;
    }
    if (state.path.size() == 1 && state.path[0] == "ops") {
      state.path.push_back(word);
      state.command = catalog.op(word);
      continue;
    }
    if (state.path[0] == "help") {
      state.path.push_back(word);
      continue;
    }
    state.positionals.push_back(word);
  }
  return state;
}

void keep_matching(std::vector<std::string>& candidates, std::string_view current) {
  std::erase_if(candidates, [&](const std::string& c) { return !c.starts_with(current); });
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
}

// "deploy/we": the objects of that type; "we": the pods (if wanted) and the type prefixes.
void add_targets(std::vector<std::string>& out, const ValueSpec& spec, std::string_view current,
                 const LineState& state, NameSource& names) {
  const bool workloads = has_kind(spec, ValueKind::Workloads);
  const bool services = has_kind(spec, ValueKind::Services);
  const auto slash = current.find('/');
  if (slash == std::string_view::npos) {
    if (workloads) out.insert(out.end(), kWorkloadPrefixes.begin(), kWorkloadPrefixes.end());
    if (services) out.push_back(kServicePrefix);
    return;
  }
  const std::string type(current.substr(0, slash));
  auto target = parse_pod_target(type + "/x", /*allow_service=*/services);
  if (!target || target->kind == PodTargetKind::Pod) return;
  if (target->kind == PodTargetKind::Service ? !services : !workloads) return;
  NameQuery query{target->kind == PodTargetKind::Service ? ValueKind::Services : ValueKind::Workloads,
                  type, state.namespace_, {}};
  for (const auto& name : names.names(query)) out.push_back(type + "/" + name);
}

Completion complete_value(const ValueSpec& spec, std::string_view current, std::string_view prefix,
                          const LineState& state, NameSource& names) {
  Completion completion;
  auto& out = completion.candidates;
  out = spec.choices;
  for (auto kind : spec.kinds) {
    NameQuery query{kind, {}, state.namespace_, {}};
    switch (kind) {
      case ValueKind::Files:
        completion.directive = 0;
        break;
      case ValueKind::Directories:
        completion.directive = kCompleteDirectories;
        break;
      case ValueKind::Workloads:
      case ValueKind::Services:
        break;  // below, once
      case ValueKind::Containers:
      case ValueKind::Ports:
        if (state.positionals.empty()) break;
        query.target = state.positionals.front();
        {
          // pf's [LOCAL:]REMOTE: what is before the colon stays as typed.
          const auto colon = kind == ValueKind::Ports ? current.rfind(':') : std::string_view::npos;
          const std::string local(colon == std::string_view::npos ? std::string_view()
                                                                  : current.substr(0, colon + 1));
          for (auto& name : names.names(query)) out.push_back(local + name);
        }
        break;
      case ValueKind::Pods:
        if (current.find('/') != std::string_view::npos) break;  // TYPE/NAME: never a pod
        [[fallthrough]];
      default:
        for (auto& name : names.names(query)) out.push_back(std::move(name));
    }
  }
  if (has_kind(spec, ValueKind::Workloads) || has_kind(spec, ValueKind::Services))
    add_targets(out, spec, current, state, names);
  keep_matching(out, current);
  if (!out.empty() && std::all_of(out.begin(), out.end(), [](const std::string& c) {
        return c.ends_with("/");
      }))
    completion.directive |= kCompleteNoSpace;
  if (!prefix.empty())
    for (auto& candidate : out) candidate.insert(0, prefix);
  return completion;
}

Completion complete_flag_names(const LineState& state, const CommandDescription& main,
                               std::string_view current) {
  Completion completion;
  auto add = [&](const CommandDescription& description) {
    for (const auto& described : description.flags)
      for (const auto& name : described.flag.names) completion.candidates.push_back(name);
  };
  if (state.command) add(*state.command);
  add(main);
  keep_matching(completion.candidates, current);
  return completion;
}

}  // namespace

Completion complete_words(const std::vector<std::string>& words, std::string_view current,
                          const CommandCatalog& catalog, NameSource& names) {
  const CommandDescription main = catalog.main();
  const LineState state = walk(words, main, catalog);
  if (state.after_dashes) return {{}, 0};
  if (state.pending != nullptr) return complete_value(state.pending->value, current, "", state, names);

  if (current.size() > 1 && current[0] == '-') {
    if (const auto equals = current.find('='); equals != std::string_view::npos) {
      const auto* flag = find_flag(state, main, current.substr(0, equals));
      if (flag == nullptr) return {};
      return complete_value(flag->value, current.substr(equals + 1), current.substr(0, equals + 1),
                            state, names);
    }
  }
  if (current.starts_with("-")) return complete_flag_names(state, main, current);

  Completion completion;
  if (state.path.empty()) {
    completion.candidates = catalog.app_command_names();
  } else if (state.path[0] == "help") {
    if (state.path.size() == 1) completion.candidates = catalog.app_command_names();
    if (state.path.size() == 2 && state.path[1] == "ops")
      for (const auto* spec : catalog.ops()) completion.candidates.push_back(spec->name);
  } else if (state.path.size() == 1 && state.path[0] == "ops") {
    for (const auto* spec : catalog.ops()) {
      completion.candidates.push_back(spec->name);
      completion.candidates.insert(completion.candidates.end(), spec->aliases.begin(),
                                   spec->aliases.end());
    }
  } else if (state.command) {
    const auto& slots = state.command->positionals;
    const auto index = state.positionals.size();
    if (index < slots.size())
      return complete_value(slots[index].value, current, "", state, names);
    if (!slots.empty() && slots.back().repeated)
      return complete_value(slots.back().value, current, "", state, names);
  }
  keep_matching(completion.candidates, current);
  return completion;
}

GlobalFlags scan_global_flags(const std::vector<std::string>& words) {
  // Every word before the cursor is whole, except that the last may be a flag waiting for the
  // value under the cursor ("--context <TAB>"): read the line without it then.
  if (auto line = parse_command_line(words)) return line->flags;
  if (!words.empty()) {
    const std::vector<std::string> shorter(words.begin(), words.end() - 1);
    if (auto line = parse_command_line(shorter)) return line->flags;
  }
  return {};
}

std::string format_completion(const Completion& completion) {
  std::string text;
  for (const auto& candidate : completion.candidates) {
    // A candidate is one line: a name with a line break in it (none a server may send) is
    // dropped rather than split into two.
    if (candidate.find_first_of("\r\n") != std::string::npos) continue;
    text += candidate;
    text += '\n';
  }
  text += ':' + std::to_string(completion.directive) + '\n';
  return text;
}

}  // namespace orka::cli
