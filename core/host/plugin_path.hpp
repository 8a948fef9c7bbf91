// Where plugins are looked for: --plugin-path dirs, ORKA_PLUGIN_PATH, then the directory that
// sits next to the executable (installed tree or build tree), so neither needs configuration.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "orka/host.hpp"
#include "util/environment.hpp"

namespace orka::core {

// The directory holding the running executable (/proc/self/exe), or nullopt if unknown.
std::optional<std::string> executable_dir();

// Plugin directories next to `exe_dir` that exist: the installed one
// (<exe_dir>/../<libdir>/orka/plugins, then <exe_dir>/../lib/orka/plugins) and the build tree's
// (<exe_dir>/../plugins, where each op sits in its own subdirectory).
std::vector<std::string> default_plugin_dirs(const std::string& exe_dir);

// The search path in order, without duplicates. Flag and environment dirs are kept even when
// they do not exist (so `orka plugins` can show them); default dirs only when they exist.
std::vector<std::string> plugin_search_path(const HostOptions& options, const EnvLookup& getenv,
                                            const std::optional<std::string>& exe_dir);

// The `*.so` files of one search directory: those directly in it, then those one level down
// (the build tree's plugins/<op>/orka-<op>.so), each level sorted by name. A missing or
// unreadable directory yields nothing.
std::vector<std::string> plugin_files_in(const std::string& dir);

}  // namespace orka::core
