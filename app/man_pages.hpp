// `orka man DIR`: a roff man page for orka and for each command, made from the pages --help
// prints (command_catalog.hpp), so a flag a plugin adds is in its man page the moment the
// plugin is loaded — third-party ops included.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "command_catalog.hpp"
#include "orka/error.hpp"

namespace orka::cli {

struct ManPage {
  std::string file_name;  // "orka-ops-logs.1"
  std::string text;       // roff (man macros)
};

std::vector<ManPage> man_pages(const CommandCatalog& catalog);

// Text made safe for roff: backslashes, a leading '.' or '\'', and '-' as a real minus.
std::string roff_text(std::string_view text);

// Writes every page into `dir` (created if missing); fails naming the file it could not write.
Result<std::vector<std::string>> write_man_pages(const CommandCatalog& catalog,
                                                 const std::filesystem::path& dir);

}  // namespace orka::cli
