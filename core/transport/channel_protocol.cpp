// The remote-command channel protocol (v4/v5.channel.k8s.io) used by pods/exec and pods/attach.
#include <charconv>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "orka/channels.hpp"
#include "orka/json_fields.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

std::vector<std::string> exec_protocols() {
  return {std::string(kChannelProtocolV5), std::string(kChannelProtocolV4)};
}

bool protocol_supports_stdin_close(std::string_view protocol) {
  return protocol == kChannelProtocolV5;
}

std::string encode_channel_message(std::uint8_t channel, std::string_view data) {
  std::string message;
  message.reserve(data.size() + 1);
  message.push_back(static_cast<char>(channel));
  message.append(data);
  return message;
}

Result<ChannelMessage> decode_channel_message(std::string_view message) {
  if (message.empty())
    return fail(ErrorKind::Transport,
                "the server sent an empty channel message (no channel byte): protocol error");
  return ChannelMessage{static_cast<std::uint8_t>(message.front()), message.substr(1)};
}

std::string encode_resize_message(TerminalSize size) {
  return encode_channel_message(StreamChannel::Resize,
                                fmt::format(R"({{"Width":{},"Height":{}}})", size.columns,
                                            size.rows));
}

std::string encode_close_message(StreamChannel channel) {
  std::string message(2, '\0');
  message[0] = static_cast<char>(StreamChannel::Close);
  message[1] = static_cast<char>(channel);
  return message;
}

namespace {

// The exit code a NonZeroExitCode Status carries in details.causes[{reason: "ExitCode"}].
std::optional<int> exit_code_cause(const nlohmann::json& status) {
  auto details = status.find("details");
  if (details == status.end() || !details->is_object()) return std::nullopt;
  auto causes = details->find("causes");
  if (causes == details->end() || !causes->is_array()) return std::nullopt;
  for (const auto& cause : *causes) {
    if (!cause.is_object() || json_string(cause, "reason") != "ExitCode") continue;
    std::string text = json_string(cause, "message");
    int code = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), code);
    if (ec == std::errc() && end == text.data() + text.size()) return code;
  }
  return std::nullopt;
}

ErrorKind kind_for_status_reason(const std::string& reason) {
  if (reason == "NotFound") return ErrorKind::NotFound;
  if (reason == "Forbidden") return ErrorKind::Forbidden;
  if (reason == "Unauthorized") return ErrorKind::Unauthorized;
  if (reason == "Timeout") return ErrorKind::Timeout;
  // InternalError and the rest: the command could not be started as asked (no such
  // executable, container not running).
  return ErrorKind::Invalid;
}

}  // namespace

Result<ExecStatus> parse_exec_status(std::string_view payload) {
  nlohmann::json status = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (status.is_discarded() || !status.is_object())
    return fail(ErrorKind::Transport,
                fmt::format("the exec status channel carried something that is not a Status "
                            "object: {:.200}",
                            payload));
  const std::string outcome = json_string(status, "status");
  if (outcome == "Success") return ExecStatus{};
  const std::string message = json_string(status, "message");
  const std::string reason = json_string(status, "reason");
  if (outcome != "Failure")
    return fail(ErrorKind::Transport,
                fmt::format("the exec status channel carried a Status without \"Success\" or "
                            "\"Failure\": {:.200}",
                            payload));
  if (reason == "NonZeroExitCode") {
    if (auto code = exit_code_cause(status)) return ExecStatus{*code, message};
  }
  Error error = make_error(kind_for_status_reason(reason),
                           message.empty() ? "the remote command failed (no message)" : message);
  error.reason = reason;
  return fail(std::move(error));
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
