#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "transport/http_response_reader.hpp"

using namespace orka::core;

namespace {

// Delivers scripted bytes at most `piece` at a time, then EOF.
class ScriptedConnection : public Connection {
 public:
  ScriptedConnection(std::string bytes, std::size_t piece) : bytes_(std::move(bytes)), piece_(piece) {}
  orka::Result<std::size_t> read_some(char* buffer, std::size_t size) override {
    std::size_t n = std::min({size, piece_, bytes_.size() - pos_});
    std::memcpy(buffer, bytes_.data() + pos_, n);
    pos_ += n;
    ++reads;
    return n;
  }
  orka::Result<void> write_all(std::string_view) override { return {}; }
  void shutdown() noexcept override {}
  int reads = 0;

 private:
  std::string bytes_;
  std::size_t piece_;
  std::size_t pos_ = 0;
};

std::string read_everything(ResponseReader& reader, std::size_t buffer) {
  std::string body;
  std::string chunk(buffer, '\0');
  for (;;) {
    auto n = reader.read_body(chunk.data(), chunk.size());
    REQUIRE(n);
    if (*n == 0) return body;
    body.append(chunk.data(), *n);
  }
}

}  // namespace

TEST_CASE("ResponseReader reads chunked, Content-Length and until-close bodies in any pieces") {
  struct Case {
    const char* name;
    std::string wire;
    const char* method;
    bool reusable;
  };
  const std::string payload = "line one\nline two\n";
  const Case cases[] = {
      {"chunked", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "9\r\nline one\n\r\n9\r\nline two\n\r\n0\r\n\r\n",
       "GET", true},
      {"length", "HTTP/1.1 200 OK\r\nContent-Length: 18\r\n\r\n" + payload, "GET", true},
      {"close", "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + payload, "GET", false},
      {"http/1.0", "HTTP/1.0 200 OK\r\n\r\n" + payload, "GET", false},
  };
  for (const auto& c : cases) {
    for (std::size_t piece : {1, 2, 7, 64, 100000}) {
      for (std::size_t buffer : {1, 5, 65536}) {
        ScriptedConnection connection(c.wire, piece);
        ResponseReader reader(connection);
        auto head = reader.read_head(c.method);
        REQUIRE_MESSAGE(head, c.name);
        CHECK(head->status == 200);
        CHECK_MESSAGE(read_everything(reader, buffer) == payload, c.name << " piece " << piece);
        CHECK(reader.body_done());
        CHECK_MESSAGE(reader.reusable() == c.reusable, c.name);
      }
    }
  }
}

TEST_CASE("ResponseReader reads a big chunk straight into the caller's buffer") {
  std::string data(200000, 'x');
  char size_line[32];
  std::snprintf(size_line, sizeof size_line, "%zx\r\n", data.size());
  std::string wire = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + std::string(size_line) +
                     data + "\r\n0\r\n\r\n";
  ScriptedConnection connection(wire, 1 << 20);
  ResponseReader reader(connection);
  REQUIRE(reader.read_head("GET"));
  CHECK(read_everything(reader, 65536) == data);
  CHECK(connection.reads <= 8);  // 64 KiB reads, not byte-sized ones
}

TEST_CASE("ResponseReader reports a body cut short and an empty answer") {
  {
    ScriptedConnection connection("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 100);
    ResponseReader reader(connection);
    REQUIRE(reader.read_head("GET"));
    char out[16];
    auto first = reader.read_body(out, sizeof out);
    REQUIRE(first);
    CHECK(*first == 3);
    auto second = reader.read_body(out, sizeof out);
    REQUIRE_FALSE(second);
    CHECK(second.error().message.find("7 bytes missing") != std::string::npos);
    CHECK_FALSE(reader.reusable());
  }
  {
    ScriptedConnection connection("", 100);
    ResponseReader reader(connection);
    auto head = reader.read_head("GET");
    REQUIRE_FALSE(head);
    CHECK(head.error().kind == orka::ErrorKind::Transport);
    CHECK_FALSE(reader.received_any());
  }
  {
    ScriptedConnection connection("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", 100);
    ResponseReader reader(connection);
    REQUIRE(reader.read_head("GET"));
    char out[16];
    REQUIRE(reader.read_body(out, sizeof out));
    CHECK_FALSE(reader.read_body(out, sizeof out));
    CHECK(reader.received_any());
  }
}

TEST_CASE("ResponseReader keeps bytes after a body for nothing: a pipelined extra is not reusable") {
  ScriptedConnection connection("HTTP/1.1 204 No Content\r\n\r\nJUNK", 100);
  ResponseReader reader(connection);
  REQUIRE(reader.read_head("GET"));
  CHECK(reader.body_done());
  CHECK_FALSE(reader.reusable());
}
