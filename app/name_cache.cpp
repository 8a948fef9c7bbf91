#include "name_cache.hpp"

#include "orka/cache_dir.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>

namespace orka::cli {

namespace {

// A list of a few thousand names is far below this; a larger file is not one orka wrote.
constexpr std::uintmax_t kMaxCacheFileBytes = 4u * 1024u * 1024u;

bool write_all(int fd, const std::string& text) {
  std::size_t written = 0;
  while (written < text.size()) {
    const auto n = ::write(fd, text.data() + written, text.size() - written);
    if (n <= 0) return false;
    written += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

std::optional<NameCache> name_cache_for(const std::optional<std::string>& cache_dir_flag) {
  auto dir = cache_directory(cache_dir_flag);
  if (!dir) return std::nullopt;
  return NameCache{*dir / "completion"};
}

std::filesystem::path cached_names_file(const NameCache& cache, std::string_view key) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  engine.update(key.data(), static_cast<unsigned>(key.size()));
  return cache.dir / (Poco::DigestEngine::digestToHex(engine.digest()).substr(0, 32) + ".json");
}

std::optional<std::vector<std::string>> read_cached_names(const NameCache& cache,
                                                          std::string_view key) {
  const auto file = cached_names_file(cache, key);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return std::nullopt;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec || size > kMaxCacheFileBytes) return std::nullopt;
  const auto written = std::filesystem::last_write_time(file, ec);
  if (ec) return std::nullopt;
  const auto age = std::filesystem::file_time_type::clock::now() - written;
  if (age > cache.ttl || age < -std::chrono::seconds(1)) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  const auto document = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (!document.is_object() || !document.contains("names") || !document["names"].is_array())
    return std::nullopt;
  std::vector<std::string> names;
  for (const auto& name : document["names"])
    if (name.is_string()) names.push_back(name.get<std::string>());
  return names;
}

void write_cached_names(const NameCache& cache, std::string_view key,
                        const std::vector<std::string>& names) {
  std::error_code ec;
  std::filesystem::create_directories(cache.dir, ec);
  if (ec) return;
  ::chmod(cache.dir.c_str(), 0700);
  const auto file = cached_names_file(cache, key);
  auto temporary = file;
  temporary += ".tmp." + std::to_string(::getpid());
  // Created 0600 from the start: the names are never readable by others, not even briefly.
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return;
  const bool written = write_all(
      fd, nlohmann::json{{"names", names}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  ::close(fd);
  if (!written) {
    std::filesystem::remove(temporary, ec);
    return;
  }
  std::filesystem::rename(temporary, file, ec);
  if (ec) std::filesystem::remove(temporary, ec);
}

}  // namespace orka::cli
