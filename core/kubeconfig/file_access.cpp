#include "kubeconfig/file_access.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace orka::core {

Result<std::string> read_referenced_file(const std::string& path, std::string_view what) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status))
    return fail(ErrorKind::NotFound, fmt::format("{}: file {} does not exist", what, path),
                "fix the path in the kubeconfig (relative paths resolve against the "
                "kubeconfig file's directory)");
  if (std::filesystem::is_directory(status))
    return fail(ErrorKind::Config, fmt::format("{}: {} is a directory, not a file", what, path));
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return fail(ErrorKind::Config,
                fmt::format("{}: cannot read {}: {}", what, path, std::strerror(errno)),
                "check the file's permissions");
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad())
    return fail(ErrorKind::Config, fmt::format("{}: error while reading {}", what, path));
  return content.str();
}

std::string resolve_against(const std::string& path, const std::string& base_dir) {
  if (path.empty() || base_dir.empty()) return path;
  const std::filesystem::path p(path);
  if (p.is_absolute()) return path;
  return (std::filesystem::path(base_dir) / p).lexically_normal().string();
}

std::string absolute_parent_dir(const std::string& file) {
  std::error_code ec;
  auto absolute = std::filesystem::absolute(file, ec);
  if (ec) absolute = std::filesystem::path(file);
  return absolute.parent_path().lexically_normal().string();
}

bool is_regular_file(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec);
}

}  // namespace orka::core
