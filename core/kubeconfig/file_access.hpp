// Reading the files a kubeconfig refers to, with errors that name the file but never its content.
#pragma once

#include <string>
#include <string_view>

#include "orka/error.hpp"

namespace orka::core {

// `what` names the reference for the error text, e.g. `client-key of user "alice"`.
// A missing file is NotFound; an unreadable one is Config.
Result<std::string> read_referenced_file(const std::string& path, std::string_view what);

// kubeconfig semantics: an absolute path stays, a relative one is joined to `base_dir`.
std::string resolve_against(const std::string& path, const std::string& base_dir);

// The directory a file lives in, made absolute (relative paths in that file resolve here).
std::string absolute_parent_dir(const std::string& file);

bool is_regular_file(const std::string& path);

}  // namespace orka::core
