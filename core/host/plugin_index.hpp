// The plugin index (orka/plugin_index.hpp says when it is used): for every plugin file on the
// search path, its size and modification time, whether it loaded, and the command words
// (names and aliases) it added. Internal to liborka.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orka/error.hpp"

namespace orka::core {

struct PluginFileStamp {
  std::uintmax_t size = 0;
  std::int64_t modified_ns = 0;
  bool operator==(const PluginFileStamp&) const = default;
};

struct PluginIndexEntry {
  std::string file;  // as the host keys it (canonical path)
  PluginFileStamp stamp;
  bool loaded = false;
  std::vector<std::string> words;
};

struct PluginIndex {
  std::string host_version;  // the orka that wrote it: another one may judge plugins otherwise
  std::vector<PluginIndexEntry> entries;  // in search-path order
};

std::optional<PluginFileStamp> plugin_file_stamp(const std::string& file);
std::filesystem::path plugin_index_file(const std::filesystem::path& cache_dir);

// nullopt when there is none or it cannot be read as an index.
std::optional<PluginIndex> read_plugin_index(const std::filesystem::path& file);
Result<void> write_plugin_index(const std::filesystem::path& file, const PluginIndex& index);

// The file whose plugin added `command` when `index` describes exactly `files` (host keys in
// search order) as they are now, was written by `host_version`, and every file in it loaded.
// Otherwise an error whose message says why the index cannot be used.
Result<std::string> indexed_plugin_for(const PluginIndex& index,
                                       const std::vector<std::string>& files,
                                       std::string_view host_version, std::string_view command);

}  // namespace orka::core
