#include "host/plugin_path.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

#ifndef ORKA_PLUGIN_INSTALL_SUBDIR
#error "core/host/meson.build defines ORKA_PLUGIN_INSTALL_SUBDIR (<libdir>/orka/plugins)"
#endif

namespace fs = std::filesystem;

namespace orka::core {

namespace {

bool directory_exists(const fs::path& path) {
  std::error_code ec;
  return fs::is_directory(path, ec);
}

// Lexically normal and, when it exists, canonical: two spellings of one dir compare equal.
std::string normalized(const fs::path& path) {
  std::error_code ec;
  auto canonical = fs::canonical(path, ec);
  if (!ec) return canonical.string();
  return path.lexically_normal().string();
}

void add_unique(std::vector<std::string>& dirs, const std::string& dir) {
  if (dir.empty()) return;
  auto key = normalized(dir);
  if (std::find(dirs.begin(), dirs.end(), key) == dirs.end()) dirs.push_back(key);
}

std::vector<std::string> split_colon_list(const std::string& list) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= list.size()) {
    auto end = list.find(':', start);
    if (end == std::string::npos) end = list.size();
    if (end > start) parts.push_back(list.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

bool is_shared_object_file(const fs::directory_entry& entry) {
  std::error_code ec;
  return entry.path().extension() == ".so" && entry.is_regular_file(ec);
}

}  // namespace

std::optional<std::string> executable_dir() {
  std::error_code ec;
  auto exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec || exe.empty()) return std::nullopt;
  return exe.parent_path().string();
}

std::vector<std::string> default_plugin_dirs(const std::string& exe_dir) {
  const fs::path prefix = fs::path(exe_dir) / "..";
  const fs::path install_subdir = ORKA_PLUGIN_INSTALL_SUBDIR;
  const fs::path candidates[] = {
      install_subdir.is_absolute() ? install_subdir : prefix / install_subdir,
      prefix / "lib" / "orka" / "plugins",
      prefix / "plugins",  // build tree: build/app/orka next to build/plugins/<op>/
  };
  std::vector<std::string> dirs;
  for (const auto& candidate : candidates)
    if (directory_exists(candidate)) add_unique(dirs, candidate.string());
  return dirs;
}

std::vector<std::string> plugin_search_path(const HostOptions& options, const EnvLookup& getenv,
                                            const std::optional<std::string>& exe_dir) {
  std::vector<std::string> dirs;
  for (const auto& dir : options.plugin_paths) add_unique(dirs, dir);
  if (options.use_env_plugin_path && getenv) {
    if (auto list = getenv("ORKA_PLUGIN_PATH"))
      for (const auto& dir : split_colon_list(*list)) add_unique(dirs, dir);
  }
  if (options.use_default_plugin_dir && exe_dir) {
    for (const auto& dir : default_plugin_dirs(*exe_dir)) add_unique(dirs, dir);
  }
  return dirs;
}

std::vector<std::string> plugin_files_in(const std::string& dir) {
  std::vector<std::string> files;
  std::vector<fs::path> subdirs;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) return files;
  for (const auto& entry : it) {
    std::error_code entry_ec;
    if (entry.is_directory(entry_ec))
      subdirs.push_back(entry.path());
    else if (is_shared_object_file(entry))
      files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  std::sort(subdirs.begin(), subdirs.end());
  for (const auto& subdir : subdirs) {
    std::vector<std::string> nested;
    std::error_code sub_ec;
    fs::directory_iterator sub_it(subdir, sub_ec);
    if (sub_ec) continue;
    for (const auto& entry : sub_it)
      if (is_shared_object_file(entry)) nested.push_back(entry.path().string());
    std::sort(nested.begin(), nested.end());
    files.insert(files.end(), nested.begin(), nested.end());
  }
  return files;
}

}  // namespace orka::core
