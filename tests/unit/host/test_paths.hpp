// Paths the build passes in (see meson.build): the fixture plugins, the orka binary and the
// build tree's op plugins. Missing ones fail the test that needs them.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

#include <doctest/doctest.h>

namespace orka::testing {

inline std::string required_env(const char* name) {
  const char* value = std::getenv(name);
  REQUIRE_MESSAGE(value != nullptr, name << " is not set; run this test through `meson test`");
  return value;
}

inline std::string fixture_dir() { return required_env("ORKA_FIXTURE_PLUGIN_DIR"); }
inline std::string fixture(const std::string& name) {
  return fixture_dir() + "/orka-" + name + ".so";
}
inline std::string orka_binary() { return required_env("ORKA_BINARY"); }
inline std::string build_plugin_dir() { return required_env("ORKA_BUILD_PLUGIN_DIR"); }

// A fresh directory under the system temp dir, removed when the object goes away.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "orka-host-test-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace orka::testing
