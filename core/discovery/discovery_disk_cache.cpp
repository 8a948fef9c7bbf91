#include "discovery/discovery_disk_cache.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>
#include <fmt/format.h>

#include <fstream>
#include <sstream>
#include <system_error>

#include "util/private_file.hpp"

namespace orka::core {

namespace {

// A cluster with a thousand CRDs stays far below this; anything larger is not ours.
constexpr std::uintmax_t kMaxCacheFileBytes = 32u * 1024u * 1024u;

std::string server_folder_name(std::string_view server) {
  std::string_view rest = server;
  if (auto scheme = rest.find("://"); scheme != std::string_view::npos)
    rest = rest.substr(scheme + 3);
  std::string name;
  for (char c : rest) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '-';
    name += keep ? c : '_';
  }
  if (name.empty() || name == "." || name == "..") name = "_";
  return name.substr(0, 200);
}

std::string digest_hex(std::string_view text) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  engine.update(text.data(), static_cast<unsigned>(text.size()));
  return Poco::DigestEngine::digestToHex(engine.digest());
}

std::string describe_age(std::chrono::seconds age) {
  auto hours = std::chrono::duration_cast<std::chrono::hours>(age);
  auto minutes = std::chrono::duration_cast<std::chrono::minutes>(age - hours);
  return hours.count() > 0 ? fmt::format("{}h{:02}m old", hours.count(), minutes.count())
                           : fmt::format("{}m{:02}s old", minutes.count(), (age - minutes).count());
}

}  // namespace

std::filesystem::path discovery_cache_file(const std::filesystem::path& dir,
                                           std::string_view server, std::string_view identity) {
  std::string key = fmt::format("{}\n{}", server, identity);
  return dir / "discovery" / server_folder_name(server) / (digest_hex(key).substr(0, 32) + ".json");
}

DiscoveryCacheRead read_discovery_cache(const DiscoveryDiskCache& cache) {
  DiscoveryCacheRead read;
  std::error_code ec;
  auto status = std::filesystem::status(cache.file, ec);
  if (ec || !std::filesystem::exists(status)) {
    read.why_not = "absent";
    return read;
  }
  if (!std::filesystem::is_regular_file(status)) {
    read.why_not = "not a regular file";
    return read;
  }
  auto size = std::filesystem::file_size(cache.file, ec);
  if (ec || size > kMaxCacheFileBytes) {
    read.why_not = ec ? "unreadable: " + ec.message()
                      : fmt::format("{} bytes, above the {} byte bound", size, kMaxCacheFileBytes);
    return read;
  }
  auto written = std::filesystem::last_write_time(cache.file, ec);
  if (ec) {
    read.why_not = "unreadable: " + ec.message();
    return read;
  }
  auto age = std::chrono::duration_cast<std::chrono::seconds>(
      std::filesystem::file_time_type::clock::now() - written);
  read.age = age;
  // A file from the future (clock changed) is as unknown as an old one.
  if (age > cache.ttl || age < -std::chrono::seconds(60)) {
    read.why_not = age < std::chrono::seconds(0) ? "written in the future" : describe_age(age);
    return read;
  }
  std::ifstream in(cache.file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  auto document = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  auto snapshot = snapshot_from_json(document);
  if (!snapshot) {
    read.why_not = "damaged: " + snapshot.error().message;
    return read;
  }
  read.snapshot = std::move(*snapshot);
  return read;
}

Result<void> write_discovery_cache(const DiscoveryDiskCache& cache,
                                   const DiscoverySnapshot& snapshot) {
  // Only the folders orka owns are made private: <dir>/discovery and the server's folder in it.
  if (auto made = make_private_folders(cache.file.parent_path(), 2, "the discovery cache"); !made)
    return made;
  return write_private_file(cache.file, snapshot_to_json(snapshot).dump(), "the discovery cache");
}

}  // namespace orka::core
