// Writing a file orka caches (discovery snapshots, the plugin index) so that a reader never sees
// it half-written and nobody else can read it: a temporary file beside it, mode 0600, renamed
// over it.
#pragma once

#include <filesystem>
#include <string_view>

#include "orka/error.hpp"

namespace orka::core {

// `what` names the file in errors ("the discovery cache"). The folder must exist.
Result<void> write_private_file(const std::filesystem::path& file, std::string_view content,
                                std::string_view what);

}  // namespace orka::core
