#include "man_pages.hpp"

#include <cctype>
#include <fmt/format.h>
#include <fstream>

namespace orka::cli {

namespace {

std::string upper(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string page_name(std::string_view words) {  // "orka ops logs" → "orka-ops-logs"
  std::string name(words);
  for (auto& c : name)
    if (c == ' ') c = '-';
  return name;
}

// A section title as --help writes it ("global flags (accepted anywhere before `--`)") as a
// man page heading and the aside that followed it.
std::pair<std::string, std::string> heading(std::string_view title) {
  if (title.empty()) return {"OPTIONS", ""};
  const auto paren = title.find(" (");
  if (paren == std::string_view::npos) return {upper(title), ""};
  return {upper(title.substr(0, paren)), std::string(title.substr(paren + 2, title.size() - paren - 3))};
}

struct PageSource {
  std::string words;    // "orka ops logs"
  std::string summary;  // one line for NAME
  HelpPage page;
};

// A heading and its lines, `between` (a request) separating them; nothing for no lines.
void section(std::string& out, std::string_view title, const std::vector<std::string>& lines,
             std::string_view between) {
  if (lines.empty()) return;
  out += fmt::format(".SH {}\n", title);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += fmt::format("{}\n", between);
    out += roff_text(lines[i]) + "\n";
  }
}

std::string render(const PageSource& source, const std::vector<std::string>& see_also) {
  const std::string name = page_name(source.words);
  std::string out;
  out += fmt::format(".TH {} 1 \"\" \"orka {}\" \"orka manual\"\n", roff_text(upper(name)),
                     version_string());
  out += ".SH NAME\n";
  out += fmt::format("{} \\- {}\n", roff_text(name), roff_text(source.summary));
  section(out, "SYNOPSIS", source.page.usage, ".br");       // each form on a line of its own
  section(out, "DESCRIPTION", source.page.paragraphs, ".PP");
  for (const auto& section : source.page.sections) {
    if (section.entries.empty()) continue;
    const auto [title, aside] = heading(section.title);
    out += fmt::format(".SH \"{}\"\n", roff_text(title));
    if (!aside.empty()) out += roff_text(aside) + "\n";
    for (const auto& entry : section.entries) {
      out += ".TP\n";
      out += "\\fB" + roff_text(entry.head) + "\\fR\n";
      out += (entry.description.empty() ? std::string("\\&") : roff_text(entry.description)) + "\n";
    }
  }
  if (!see_also.empty()) {
    out += ".SH \"SEE ALSO\"\n";
    for (std::size_t i = 0; i < see_also.size(); ++i)
      out += fmt::format(".BR {} (1){}\n", roff_text(see_also[i]), i + 1 < see_also.size() ? "," : "");
  }
  return out;
}

}  // namespace

std::string roff_text(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') out += "\\e";
    else if (c == '-') out += "\\-";
    else out += c;
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out.insert(0, "\\&");
  return out;
}

std::vector<ManPage> man_pages(const CommandCatalog& catalog) {
  std::vector<PageSource> sources;
  const auto main = catalog.main();
  sources.push_back({"orka", main.summary, main.page});
  for (const auto& name : catalog.app_command_names())
    if (auto described = catalog.app_command(name))
      sources.push_back({"orka " + name, described->summary, described->page});
  for (const auto* spec : catalog.ops())
    if (auto described = catalog.op(spec->name))
      sources.push_back({"orka ops " + spec->name, spec->summary, described->page});

  std::vector<ManPage> pages;
  for (const auto& source : sources) {
    std::vector<std::string> see_also;
    if (source.words != "orka") see_also.push_back("orka");
    if (source.words.starts_with("orka ops ")) see_also.push_back("orka-ops");
    if (source.words == "orka" || source.words == "orka ops")
      for (const auto& other : sources)
        if (other.words != source.words && other.words != "orka") see_also.push_back(page_name(other.words));
    pages.push_back({page_name(source.words) + ".1", render(source, see_also)});
  }
  return pages;
}

Result<std::vector<std::string>> write_man_pages(const CommandCatalog& catalog,
                                                 const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return fail(ErrorKind::Usage,
                fmt::format("cannot create the directory {}: {}", dir.string(), ec.message()),
                "give `orka man` a directory you can write to");
  std::vector<std::string> written;
  for (const auto& page : man_pages(catalog)) {
    const auto file = dir / page.file_name;
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << page.text;
    out.flush();
    if (!out)
      return fail(ErrorKind::Internal, fmt::format("cannot write the man page {}", file.string()),
                  "check the directory's permissions and free space");
    written.push_back(file.string());
  }
  return written;
}

}  // namespace orka::cli
