#include "command_description.hpp"

#include <algorithm>
#include <cctype>

namespace orka::cli {

namespace {

// Usage tokens: words, with a bracketed or parenthesised group kept whole ("[-c CONTAINER]",
// "[LOCAL:]REMOTE...", "(TYPE: a, b)").
std::vector<std::string> usage_tokens(std::string_view form) {
  std::vector<std::string> tokens;
  std::string current;
  int depth = 0;
  for (char c : form) {
    if (c == '[' || c == '(') ++depth;
    if (c == ']' || c == ')') depth = std::max(0, depth - 1);
    if (c == ' ' && depth == 0) {
      if (!current.empty()) tokens.push_back(std::move(current));
      current.clear();
      continue;
    }
    current += c;
  }
  if (!current.empty()) tokens.push_back(std::move(current));
  return tokens;
}

std::vector<std::string> split(std::string_view text, std::string_view separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto end = text.find(separator, start);
    parts.emplace_back(text.substr(start, end - start));
    if (end == std::string_view::npos) return parts;
    start = end + separator.size();
  }
}

bool is_choice_list(std::string_view text) {
  if (text.find('|') == std::string_view::npos) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
           c == '|' || c == '-';
  });
}

void add_kind(ValueSpec& spec, ValueKind kind) {
  if (std::find(spec.kinds.begin(), spec.kinds.end(), kind) == spec.kinds.end())
    spec.kinds.push_back(kind);
}

void merge(ValueSpec& into, const ValueSpec& from) {
  for (auto kind : from.kinds) add_kind(into, kind);
  for (const auto& choice : from.choices)
    if (std::find(into.choices.begin(), into.choices.end(), choice) == into.choices.end())
      into.choices.push_back(choice);
}

// "a|b|c: rest" leading a description (exec's --transport).
std::vector<std::string> leading_choices(std::string_view description) {
  const auto colon = description.find(':');
  if (colon == std::string_view::npos) return {};
  const auto head = description.substr(0, colon);
  return is_choice_list(head) ? split(head, "|") : std::vector<std::string>{};
}

struct UsageForm {
  std::vector<PositionalSlot> positionals;
  std::vector<std::pair<std::string, std::string>> flag_placeholders;  // "-c" → "CONTAINER"
  bool has_dashes = false;
};

UsageForm read_form(const std::vector<std::string>& tokens, std::size_t first) {
  UsageForm form;
  for (std::size_t i = first; i < tokens.size(); ++i) {
    const std::string& token = tokens[i];
    if (token == "--") {
      form.has_dashes = true;
      break;
    }
    if (token.starts_with("(")) continue;  // an aside: "(TYPE: deployment, …)"
    const bool bracketed = token.starts_with("[") && token.ends_with("]");
    if (bracketed && token.size() > 2 && token[1] == '-') {
      // "[-c CONTAINER]", "[--transport auto|websocket|spdy]", "[--a | --b]"
      // Alternatives are spaced ("[--a | --b]"); an unspaced '|' is a value's choices.
      for (const auto& alternative : split(token.substr(1, token.size() - 2), " | ")) {
        auto words = usage_tokens(alternative);
        if (words.empty() || !words[0].starts_with("-")) continue;
        const bool valued = words.size() >= 2 && !words[1].starts_with("-");
        form.flag_placeholders.emplace_back(words[0], valued ? words[1] : std::string());
      }
      continue;
    }
    if (bracketed && (token.ends_with("flags]") || token == "[args]")) continue;
    if (token.starts_with("-")) {  // "--replicas N"
      if (i + 1 < tokens.size() && !tokens[i + 1].starts_with("-") && !tokens[i + 1].starts_with("["))
        form.flag_placeholders.emplace_back(token, tokens[++i]);
      continue;
    }
    PositionalSlot slot;
    std::string_view word = token;
    if (word.ends_with("...")) {
      slot.repeated = true;
      word.remove_suffix(3);
    }
    if (is_choice_list(word)) {  // "bash|zsh|fish"
      slot.value.choices = split(word, "|");
      form.positionals.push_back(std::move(slot));
      continue;
    }
    auto alternatives = split(word, "|");
    for (std::size_t k = 0; k < alternatives.size(); ++k) {
      const auto& alternative = alternatives[k];
      if (alternative.starts_with("-")) {  // "POD|-l SELECTOR": the flag's value follows
        if (k + 1 == alternatives.size() && i + 1 < tokens.size())
          form.flag_placeholders.emplace_back(alternative, tokens[++i]);
        continue;
      }
      merge(slot.value, value_spec_for(alternative));
    }
    form.positionals.push_back(std::move(slot));
  }
  return form;
}

}  // namespace

ValueSpec value_spec_for(std::string_view placeholder, const FlagSpec* flag) {
  ValueSpec spec;
  if (placeholder == "POD") add_kind(spec, ValueKind::Pods);
  else if (placeholder == "TYPE/NAME") add_kind(spec, ValueKind::Workloads);
  else if (placeholder == "svc/NAME") add_kind(spec, ValueKind::Services);
  else if (placeholder == "NODE") add_kind(spec, ValueKind::Nodes);
  else if (placeholder == "NS" || placeholder == "NAMESPACE") add_kind(spec, ValueKind::Namespaces);
  else if (placeholder == "CONTEXT") add_kind(spec, ValueKind::Contexts);
  else if (placeholder == "CONTAINER") add_kind(spec, ValueKind::Containers);
  else if (placeholder == "[LOCAL:]REMOTE" || placeholder == "PORT") add_kind(spec, ValueKind::Ports);
  else if (placeholder == "FILE") add_kind(spec, ValueKind::Files);
  else if (placeholder == "DIR") add_kind(spec, ValueKind::Directories);
  else if (is_choice_list(placeholder)) spec.choices = split(placeholder, "|");
  if (spec.empty() && flag != nullptr) {
    if (flag->named("--namespace")) add_kind(spec, ValueKind::Namespaces);
    else if (flag->named("--context")) add_kind(spec, ValueKind::Contexts);
    else if (flag->named("--container")) add_kind(spec, ValueKind::Containers);
    else if (flag->named("--kubeconfig")) add_kind(spec, ValueKind::Files);
  }
  return spec;
}

const DescribedFlag* CommandDescription::find_flag(std::string_view typed) const {
  for (const auto& described : flags)
    if (described.flag.named(typed)) return &described;
  return nullptr;
}

CommandDescription describe_command(std::string name, std::string summary, std::string_view help,
                                    std::string_view invoked_as) {
  CommandDescription description;
  description.name = std::move(name);
  description.summary = std::move(summary);
  description.page = parse_help_page(help);

  UsageForm form;
  bool chosen = false;
  for (const auto& usage : description.page.usage) {
    const auto tokens = usage_tokens(usage);
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      if (tokens[i] != invoked_as && tokens[i] != description.name) continue;
      if (!chosen || tokens[i] == invoked_as) {
        form = read_form(tokens, i + 1);
        chosen = tokens[i] == invoked_as;
      }
      break;
    }
    if (chosen) break;
  }
  description.positionals = std::move(form.positionals);
  description.has_dashes = form.has_dashes;

  for (auto& flag : page_flags(description.page)) {
    DescribedFlag described{std::move(flag), {}};
    for (const auto& [name_given, placeholder] : form.flag_placeholders)
      if (described.flag.named(name_given))
        merge(described.value, value_spec_for(placeholder, &described.flag));
    merge(described.value, value_spec_for(described.flag.value_name, &described.flag));
    described.value.choices = described.value.choices.empty()
                                  ? leading_choices(described.flag.description)
                                  : described.value.choices;
    description.flags.push_back(std::move(described));
  }
  // Flags a hand-written help shows only in its usage line ("[--sleep | --stubborn]").
  for (const auto& [name_given, placeholder] : form.flag_placeholders)
    if (description.find_flag(name_given) == nullptr) {
      DescribedFlag described;
      described.flag.names = {name_given};
      described.flag.value_name = placeholder;
      described.value = value_spec_for(placeholder, &described.flag);
      description.flags.push_back(std::move(described));
    }
  return description;
}

}  // namespace orka::cli
