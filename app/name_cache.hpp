// Names for completion kept on disk for a few seconds, so that pressing TAB again (or the
// shell asking twice for one line) costs no request. One small file per list, named by a digest
// of the key — server, user, context, namespace and kind, never a credential — readable by its
// owner only (0600 in a 0700 folder), written whole or not at all.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace orka::cli {

inline constexpr std::chrono::seconds kNameCacheTtl{5};

struct NameCache {
  std::filesystem::path dir;  // <cache dir>/completion
  std::chrono::seconds ttl = kNameCacheTtl;
};

// --cache-dir, else $XDG_CACHE_HOME/orka, else ~/.cache/orka (where discovery is kept too);
// nullopt when --cache-dir is empty (nothing kept) or no home is known.
std::optional<NameCache> name_cache_for(const std::optional<std::string>& cache_dir_flag);

std::filesystem::path cached_names_file(const NameCache& cache, std::string_view key);
// The names stored under `key` while they are younger than the cache's ttl.
std::optional<std::vector<std::string>> read_cached_names(const NameCache& cache,
                                                          std::string_view key);
// Best effort: a cache that cannot be written only costs the next TAB a request.
void write_cached_names(const NameCache& cache, std::string_view key,
                        const std::vector<std::string>& names);

}  // namespace orka::cli
