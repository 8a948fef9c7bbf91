// tokenFile: read at load, re-read when the file changes, refresh after a 401.
#include <doctest/doctest.h>

#include <chrono>

#include "kubeconfig_fixture.hpp"

using namespace orka::core;
using namespace kubeconfig_test;

namespace {

void bump_mtime(const std::string& file, int seconds) {
  const auto when = std::filesystem::last_write_time(file) + std::chrono::seconds(seconds);
  std::filesystem::last_write_time(file, when);
}

}  // namespace

TEST_CASE("tokenFile is read at load and re-read when it changes") {
  TempDir dir;
  const auto token_file = dir.write("token", "first-token\n");
  FakeEnv env;
  auto options = options_with(env, dir);
  options.explicit_path =
      dir.write("config", single_context(kServerOnly, "    tokenFile: token\n"));
  auto config = load_rest_config(options);
  REQUIRE_MESSAGE(config.has_value(), config.error().message);
  CHECK(credentials_of(*config).bearer_token == "first-token");  // trailing newline trimmed
  CHECK(config->auth->describe() == "tokenFile of user \"main\" " + token_file);

  SUBCASE("new content of a new size") {
    dir.write("token", "second-token-longer");
    CHECK(credentials_of(*config).bearer_token == "second-token-longer");
  }
  SUBCASE("same size, only the mtime tells") {
    dir.write("token", "FIRST-TOKEN\n");
    bump_mtime(token_file, 5);
    CHECK(credentials_of(*config).bearer_token == "FIRST-TOKEN");
  }
  SUBCASE("replaced by rename (a new inode), as kubelet rotates projected tokens") {
    dir.write("token.new", "rotated-token");
    std::filesystem::rename(dir.path() / "token.new", token_file);
    CHECK(credentials_of(*config).bearer_token == "rotated-token");
  }
  SUBCASE("while the file is missing the last token is kept") {
    std::filesystem::remove(token_file);
    CHECK(credentials_of(*config).bearer_token == "first-token");
  }
  SUBCASE("unchanged file: no re-read needed, same token") {
    CHECK(credentials_of(*config).bearer_token == "first-token");
  }
}

TEST_CASE("tokenFile refresh after a 401: new token, or Unauthorized when it did not change") {
  TempDir dir;
  dir.write("token", "rejected-token");
  FakeEnv env;
  auto options = options_with(env, dir);
  options.explicit_path =
      dir.write("config", single_context(kServerOnly, "    tokenFile: token\n"));
  auto config = load_rest_config(options);
  REQUIRE_MESSAGE(config.has_value(), config.error().message);
  CHECK(credentials_of(*config).bearer_token == "rejected-token");

  auto same = config->auth->refresh(orka::CancelToken());
  REQUIRE_FALSE(same.has_value());
  CHECK(same.error().kind == orka::ErrorKind::Unauthorized);
  CHECK(same.error().message.find(dir.str("token")) != std::string::npos);
  CHECK(same.error().message.find("rejected-token") == std::string::npos);

  dir.write("token", "fresh-token");
  auto fresh = config->auth->refresh(orka::CancelToken());
  REQUIRE_MESSAGE(fresh.has_value(), fresh.error().message);
  CHECK(fresh->bearer_token == "fresh-token");
}

TEST_CASE("tokenFile wins over a literal token, as client-go re-reads the file") {
  TempDir dir;
  dir.write("token", "from-file");
  FakeEnv env;
  auto options = options_with(env, dir);
  options.explicit_path = dir.write(
      "config", single_context(kServerOnly, "    token: literal\n    tokenFile: token\n"));
  auto config = load_rest_config(options);
  REQUIRE_MESSAGE(config.has_value(), config.error().message);
  CHECK(credentials_of(*config).bearer_token == "from-file");
}

TEST_CASE("tokenFile problems at load time") {
  TempDir dir;
  FakeEnv env;
  auto options = options_with(env, dir);
  SUBCASE("missing") {
    options.explicit_path =
        dir.write("config", single_context(kServerOnly, "    tokenFile: nope\n"));
    auto config = load_rest_config(options);
    REQUIRE_FALSE(config.has_value());
    CHECK(config.error().kind == orka::ErrorKind::NotFound);
    CHECK(config.error().message.find(dir.str("nope")) != std::string::npos);
    CHECK(config.error().message.find("tokenFile") != std::string::npos);
  }
  SUBCASE("empty") {
    dir.write("empty", "\n");
    options.explicit_path =
        dir.write("config", single_context(kServerOnly, "    tokenFile: empty\n"));
    auto config = load_rest_config(options);
    REQUIRE_FALSE(config.has_value());
    CHECK(config.error().kind == orka::ErrorKind::Config);
    CHECK(config.error().message.find("is empty") != std::string::npos);
  }
}
