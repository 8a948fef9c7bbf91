#include "help_page.hpp"

#include <algorithm>

namespace orka::cli {

namespace {

std::size_t indent_of(std::string_view line) {
  const auto first = line.find_first_not_of(' ');
  return first == std::string_view::npos ? line.size() : first;
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

void append_words(std::string& to, std::string_view words) {
  if (words.empty()) return;
  if (!to.empty()) to += ' ';
  to += words;
}

// Entries are indented by 2 (cxxopts' "  -c, --container", orka's "  ops <op>") or by 6 when
// a flag has no short name ("      --json"); descriptions continue further right.
bool is_entry_line(std::string_view line) {
  const auto indent = indent_of(line);
  if (indent == 2) return true;
  return indent == 6 && line.substr(6).starts_with("--");
}

// The program word a usage form starts with ("orka", or "kubectl" under kubectl).
std::string_view first_word(std::string_view text) {
  return text.substr(0, text.find(' '));
}

}  // namespace

bool FlagSpec::named(std::string_view name) const {
  return std::find(names.begin(), names.end(), name) != names.end();
}

HelpPage parse_help_page(std::string_view text) {
  HelpPage page;
  enum class In { Nothing, Usage, Paragraph, Entry } in = In::Nothing;
  HelpSection* section = nullptr;
  std::string program;

  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view raw = text.substr(start, end - start);
    start = end + 1;
    const std::string_view line = trim(raw);

    if (line.empty()) {
      if (in == In::Entry || in == In::Nothing) section = nullptr;
      in = In::Nothing;
      continue;
    }
    if (line.starts_with("usage: ") && indent_of(raw) == 0) {
      page.usage.emplace_back(trim(line.substr(7)));
      program = std::string(first_word(page.usage.back()));
      in = In::Usage;
      continue;
    }
    if (in == In::Usage) {
      if (first_word(line) == program)
        page.usage.emplace_back(line);
      else
        append_words(page.usage.back(), line);
      continue;
    }
    if (is_entry_line(raw)) {
      if (section == nullptr) section = &page.sections.emplace_back();
      const std::string_view body = raw.substr(indent_of(raw));
      const auto gap = body.find("  ");
      HelpEntry entry;
      entry.head = std::string(trim(body.substr(0, gap)));
      if (gap != std::string_view::npos) entry.description = std::string(trim(body.substr(gap)));
      section->entries.push_back(std::move(entry));
      in = In::Entry;
      continue;
    }
    if (in == In::Entry && indent_of(raw) > 2) {
      append_words(section->entries.back().description, line);
      continue;
    }
    if (indent_of(raw) == 0 && line.back() == ':' && !line.starts_with("-")) {
      section = &page.sections.emplace_back();
      section->title = std::string(line.substr(0, line.size() - 1));
      in = In::Nothing;
      continue;
    }
    if (in == In::Paragraph)
      append_words(page.paragraphs.back(), line);
    else
      page.paragraphs.emplace_back(line);
    in = In::Paragraph;
  }
  return page;
}

std::optional<FlagSpec> flag_from_entry(const HelpEntry& entry) {
  if (!entry.head.starts_with("-")) return std::nullopt;
  FlagSpec flag;
  flag.description = entry.description;
  std::string_view head = entry.head;
  while (!head.empty()) {
    const auto space = head.find(' ');
    std::string_view token = head.substr(0, space);
    head = space == std::string_view::npos ? std::string_view() : trim(head.substr(space));
    if (token.ends_with(',')) token.remove_suffix(1);
    if (token.empty()) continue;
    if (token.starts_with("-")) {
      // "--v=N" is only ever written joined: a name, not a flag taking the next word.
      flag.names.emplace_back(token.substr(0, token.find('=')));
    } else if (token.starts_with("[=")) {  // cxxopts: "[=arg(=true)]"
      flag.value_name = std::string(token.substr(2, token.find('(') - 2));
      flag.value_optional = true;
    } else if (flag.value_name.empty()) {
      flag.value_name = std::string(token);
    }
  }
  if (flag.names.empty()) return std::nullopt;
  return flag;
}

std::vector<FlagSpec> page_flags(const HelpPage& page) {
  std::vector<FlagSpec> flags;
  for (const auto& section : page.sections)
    for (const auto& entry : section.entries)
      if (auto flag = flag_from_entry(entry)) flags.push_back(std::move(*flag));
  return flags;
}

}  // namespace orka::cli
