// Writing a file orka caches (discovery snapshots, the plugin index) so that a reader never sees
// it half-written and nobody else can read it: its folders mode 0700, a temporary file beside
// it, mode 0600, renamed over it.
#pragma once

#include <filesystem>
#include <string_view>

#include "orka/error.hpp"

namespace orka::core {

// Creates `folder` (and what is missing above it) and makes it and the `owned - 1` folders above
// it private (0700): only the folders orka owns, never the cache directory a user named.
// `what` names the file in errors ("the discovery cache").
Result<void> make_private_folders(const std::filesystem::path& folder, int owned,
                                  std::string_view what);

// `what` names the file in errors ("the discovery cache"). The folder must exist.
Result<void> write_private_file(const std::filesystem::path& file, std::string_view content,
                                std::string_view what);

}  // namespace orka::core
