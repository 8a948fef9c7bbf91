#include <doctest/doctest.h>

#include <deque>

#include <nlohmann/json.hpp>

#include "orka/channels.hpp"

using namespace orka;

TEST_CASE("exec offers v5 then v4; only v5 can close stdin") {
  const auto protocols = exec_protocols();
  REQUIRE(protocols.size() == 2);
  CHECK(protocols[0] == "v5.channel.k8s.io");
  CHECK(protocols[1] == "v4.channel.k8s.io");
  CHECK(protocol_supports_stdin_close("v5.channel.k8s.io"));
  CHECK_FALSE(protocol_supports_stdin_close("v4.channel.k8s.io"));
  CHECK_FALSE(protocol_supports_stdin_close(""));
}

TEST_CASE("channel messages encode and decode") {
  const std::string stdin_message = encode_channel_message(StreamChannel::Stdin, "ls\n");
  CHECK(stdin_message == std::string("\0ls\n", 4));
  const std::string binary("\0\xff\x01", 3);
  const std::string encoded = encode_channel_message(std::uint8_t{2}, binary);
  auto decoded = decode_channel_message(encoded);
  REQUIRE(decoded.has_value());
  CHECK(decoded->channel == 2);
  CHECK(decoded->data == binary);

  const std::string channel_only(1, '\x01');
  auto only_channel = decode_channel_message(channel_only);
  REQUIRE(only_channel.has_value());
  CHECK(only_channel->channel == 1);
  CHECK(only_channel->data.empty());

  auto empty = decode_channel_message("");
  REQUIRE_FALSE(empty.has_value());
  CHECK(empty.error().kind == ErrorKind::Transport);
}

TEST_CASE("resize and v5 close messages") {
  const std::string resize = encode_resize_message(TerminalSize{132, 43});
  REQUIRE(resize.size() > 1);
  CHECK(resize[0] == '\x04');
  const auto json = nlohmann::json::parse(resize.substr(1));
  CHECK(json == nlohmann::json{{"Width", 132}, {"Height", 43}});

  CHECK(encode_close_message() == std::string("\xff\x00", 2));
  CHECK(encode_close_message(StreamChannel::Stdout) == std::string("\xff\x01", 2));
}

TEST_CASE("status channel: success, exit codes and failures") {
  auto success = parse_exec_status(R"({"metadata":{},"status":"Success"})");
  REQUIRE(success.has_value());
  CHECK(success->exit_code == 0);

  auto exit42 = parse_exec_status(R"({
    "metadata":{},"status":"Failure",
    "message":"command terminated with non-zero exit code: error executing command [sh -c exit 42], exit code 42",
    "reason":"NonZeroExitCode",
    "details":{"causes":[{"reason":"ExitCode","message":"42"}]}})");
  REQUIRE(exit42.has_value());
  CHECK(exit42->exit_code == 42);
  CHECK(exit42->message.find("exit code 42") != std::string::npos);

  auto not_found = parse_exec_status(R"({
    "metadata":{},"status":"Failure",
    "message":"Internal error occurred: error executing command in container: failed to exec in container: starting container process caused: exec: \"nope\": executable file not found in $PATH",
    "reason":"InternalError",
    "details":{"causes":[{"message":"exec: \"nope\": executable file not found in $PATH"}]},
    "code":500})");
  REQUIRE_FALSE(not_found.has_value());
  CHECK(not_found.error().message.find("executable file not found") != std::string::npos);
  CHECK(not_found.error().reason == "InternalError");

  auto container = parse_exec_status(
      R"j({"status":"Failure","message":"container not found (\"web\")","reason":"NotFound"})j");
  REQUIRE_FALSE(container.has_value());
  CHECK(container.error().kind == ErrorKind::NotFound);
  CHECK(container.error().message == "container not found (\"web\")");

  // NonZeroExitCode without a usable ExitCode cause is a failure, not exit 0.
  auto no_cause = parse_exec_status(
      R"({"status":"Failure","message":"odd","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"x"}]}})");
  CHECK_FALSE(no_cause.has_value());

  auto garbage = parse_exec_status("not json");
  REQUIRE_FALSE(garbage.has_value());
  CHECK(garbage.error().kind == ErrorKind::Transport);
  CHECK_FALSE(parse_exec_status(R"({"kind":"Status"})").has_value());
}

TEST_CASE("port-forward channels") {
  CHECK(portforward_data_channel(0) == 0);
  CHECK(portforward_error_channel(0) == 1);
  CHECK(portforward_data_channel(1) == 2);
  CHECK(portforward_error_channel(1) == 3);
  CHECK(encode_portforward_data(1, "GET /") == std::string("\x02GET /", 6));
  CHECK(portforward_protocols() == std::vector<std::string>{"v4.channel.k8s.io"});
}

namespace {
// Port 8080 = 0x1F90: little-endian bytes 0x90 0x1F.
// Decoded views point into the message, so the test keeps every message alive.
const std::string& message(std::uint8_t channel, std::string_view data) {
  static std::deque<std::string> kept;
  return kept.emplace_back(std::string(1, static_cast<char>(channel)) + std::string(data));
}
const std::string kPort8080("\x90\x1F", 2);
const std::string kPort443("\xBB\x01", 2);
}  // namespace

TEST_CASE("port-forward decoder strips and checks the port prefix") {
  PortForwardDecoder decoder({8080, 443});

  auto prefix_only = decoder.decode(message(0, kPort8080));
  REQUIRE(prefix_only.has_value());
  CHECK_FALSE(prefix_only->has_value());

  auto data = decoder.decode(message(0, "HTTP/1.1 200 OK"));
  REQUIRE(data.has_value());
  REQUIRE(data->has_value());
  CHECK((*data)->kind == PortForwardMessage::Kind::Data);
  CHECK((*data)->port_index == 0);
  CHECK((*data)->data == "HTTP/1.1 200 OK");

  // Data that starts with the port's own bytes after the prefix is not stripped again.
  auto again = decoder.decode(message(0, kPort8080));
  REQUIRE(again.has_value());
  REQUIRE(again->has_value());
  CHECK((*again)->data == kPort8080);

  // Prefix and data in one message, second port.
  auto second = decoder.decode(message(2, kPort443 + "hello"));
  REQUIRE(second.has_value());
  REQUIRE(second->has_value());
  CHECK((*second)->port_index == 1);
  CHECK((*second)->data == "hello");

  // The error channel: prefix, then the error text.
  auto error_prefix = decoder.decode(message(1, kPort8080));
  REQUIRE(error_prefix.has_value());
  CHECK_FALSE(error_prefix->has_value());
  auto error = decoder.decode(message(1, "an error occurred forwarding 8080 -> 8080: refused"));
  REQUIRE(error.has_value());
  REQUIRE(error->has_value());
  CHECK((*error)->kind == PortForwardMessage::Kind::Error);
  CHECK((*error)->port_index == 0);
  CHECK((*error)->data.find("refused") != std::string_view::npos);
}

TEST_CASE("port-forward decoder: split prefix, wrong port, unknown channel") {
  {
    PortForwardDecoder decoder({8080});
    auto low = decoder.decode(message(0, kPort8080.substr(0, 1)));
    REQUIRE(low.has_value());
    CHECK_FALSE(low->has_value());
    auto rest = decoder.decode(message(0, kPort8080.substr(1) + "x"));
    REQUIRE(rest.has_value());
    REQUIRE(rest->has_value());
    CHECK((*rest)->data == "x");
  }
  {
    PortForwardDecoder decoder({8080});
    auto wrong = decoder.decode(message(0, kPort443));
    REQUIRE_FALSE(wrong.has_value());
    CHECK(wrong.error().message.find("443") != std::string::npos);
  }
  {
    PortForwardDecoder decoder({8080});
    auto unknown = decoder.decode(message(2, kPort8080));
    REQUIRE_FALSE(unknown.has_value());
    CHECK(unknown.error().kind == ErrorKind::Transport);
    CHECK_FALSE(decoder.decode("").has_value());
  }
}
