#include "host/plugin_index.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/private_file.hpp"

namespace orka::core {

namespace {

constexpr int kIndexFormat = 1;

}  // namespace

std::optional<PluginFileStamp> plugin_file_stamp(const std::string& file) {
  struct stat status {};
  if (::stat(file.c_str(), &status) != 0) return std::nullopt;
  return PluginFileStamp{static_cast<std::uintmax_t>(status.st_size),
                         static_cast<std::int64_t>(status.st_mtim.tv_sec) * 1'000'000'000 +
                             status.st_mtim.tv_nsec};
}

std::filesystem::path plugin_index_file(const std::filesystem::path& cache_dir) {
  return cache_dir / "plugins" / "index.json";
}

std::optional<PluginIndex> read_plugin_index(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  const auto document = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (!document.is_object() || document.value("format", 0) != kIndexFormat) return std::nullopt;
  const auto host = document.find("host");
  const auto entries = document.find("plugins");
  if (host == document.end() || !host->is_string() || entries == document.end() ||
      !entries->is_array())
    return std::nullopt;
  PluginIndex index;
  index.host_version = host->get<std::string>();
  for (const auto& item : *entries) {
    if (!item.is_object()) return std::nullopt;
    const auto file_name = item.find("file");
    const auto size = item.find("size");
    const auto modified = item.find("modified_ns");
    const auto loaded = item.find("loaded");
    const auto words = item.find("commands");
    if (file_name == item.end() || !file_name->is_string() || size == item.end() ||
        !size->is_number_unsigned() || modified == item.end() || !modified->is_number_integer() ||
        loaded == item.end() || !loaded->is_boolean() || words == item.end() || !words->is_array())
      return std::nullopt;
    PluginIndexEntry entry;
    entry.file = file_name->get<std::string>();
    entry.stamp = PluginFileStamp{size->get<std::uintmax_t>(), modified->get<std::int64_t>()};
    entry.loaded = loaded->get<bool>();
    for (const auto& word : *words) {
      if (!word.is_string()) return std::nullopt;
      entry.words.push_back(word.get<std::string>());
    }
    index.entries.push_back(std::move(entry));
  }
  return index;
}

Result<void> write_plugin_index(const std::filesystem::path& file, const PluginIndex& index) {
  nlohmann::json entries = nlohmann::json::array();
  for (const auto& entry : index.entries)
    entries.push_back({{"file", entry.file},
                       {"size", entry.stamp.size},
                       {"modified_ns", entry.stamp.modified_ns},
                       {"loaded", entry.loaded},
                       {"commands", entry.words}});
  const nlohmann::json document{
      {"format", kIndexFormat}, {"host", index.host_version}, {"plugins", std::move(entries)}};
  // <cache dir>/plugins is orka's own folder; the cache dir may be one a user named.
  if (auto made = make_private_folders(file.parent_path(), 1, "the plugin index"); !made)
    return made;
  return write_private_file(file, document.dump(), "the plugin index");
}

Result<std::string> indexed_plugin_for(const PluginIndex& index,
                                       const std::vector<std::string>& files,
                                       std::string_view host_version, std::string_view command) {
  if (index.host_version != host_version)
    return fail(ErrorKind::Invalid,
                fmt::format("it was written by orka {}", index.host_version));
  if (index.entries.size() != files.size())
    return fail(ErrorKind::Invalid,
                fmt::format("it lists {} plugin files, the plugin path holds {}",
                            index.entries.size(), files.size()));
  std::optional<std::string> provider;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const PluginIndexEntry& entry = index.entries[i];
    if (entry.file != files[i])
      return fail(ErrorKind::Invalid, fmt::format("the plugin path now has {} where it had {}",
                                                  files[i], entry.file));
    if (plugin_file_stamp(files[i]) != entry.stamp)
      return fail(ErrorKind::Invalid, fmt::format("{} changed", files[i]));
    if (!entry.loaded)
      return fail(ErrorKind::Invalid,
                  fmt::format("{} did not load last time (every plugin loads, to say why)",
                              files[i]));
    if (!provider && std::find(entry.words.begin(), entry.words.end(), command) != entry.words.end())
      provider = entry.file;
  }
  if (!provider)
    return fail(ErrorKind::NotFound,
                fmt::format("no plugin in it adds the command \"{}\"", command));
  return *provider;
}

}  // namespace orka::core
