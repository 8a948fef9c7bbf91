// The Kubernetes channel protocols carried in WebSocket binary messages: the remote-command
// protocol of pods/exec and pods/attach (v4/v5.channel.k8s.io) and the kubelet's port-forward
// protocol of pods/portforward. Pure functions: no I/O, no threads.
//
// Every WebSocket message is `[channel byte][data]`. Decoding returns views into the message,
// so a caller keeps the message alive while it uses the view.
//
// Sending without a copy: read the payload into a buffer at offset 1, set buffer[0] to the
// channel and pass the whole buffer to WebSocket::send(WsOpcode::Binary, ...).
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orka/error.hpp"
#include "orka/export.hpp"
#include "orka/ops.hpp"  // TerminalSize, ExecStatus

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

// ---- remote command (exec, attach) ------------------------------------------------------

inline constexpr std::string_view kChannelProtocolV5 = "v5.channel.k8s.io";
inline constexpr std::string_view kChannelProtocolV4 = "v4.channel.k8s.io";

// The subprotocols exec offers in ONE handshake, preferred first: {v5, v4}. A 1.20-era server
// answers v4; a server that knows v5 answers v5.
ORKA_API std::vector<std::string> exec_protocols();

// True when the negotiated protocol can close the remote stdin (v5's close channel). On v4
// there is no way to signal EOF: the remote command keeps reading until the session ends.
ORKA_API bool protocol_supports_stdin_close(std::string_view protocol);

enum class StreamChannel : std::uint8_t {
  Stdin = 0,
  Stdout = 1,
  Stderr = 2,
  Status = 3,  // server → client, once, at the end: a metav1.Status JSON (parse_exec_status)
  Resize = 4,  // client → server: {"Width":W,"Height":H}
  Close = 255,  // v5 only, client → server: `[255][channel]` closes that channel (stdin EOF)
};

struct ChannelMessage {
  std::uint8_t channel = 0;
  std::string_view data;  // a view into the decoded WebSocket message
};

// `[channel][data]` as one WebSocket binary message payload.
ORKA_API std::string encode_channel_message(std::uint8_t channel, std::string_view data);
inline std::string encode_channel_message(StreamChannel channel, std::string_view data) {
  return encode_channel_message(static_cast<std::uint8_t>(channel), data);
}

// Splits a received binary message. An empty message is a protocol error (Transport).
ORKA_API Result<ChannelMessage> decode_channel_message(std::string_view message);
// A temporary string would leave the returned view dangling: keep the message in a variable.
template <class T>
  requires std::same_as<T, std::string>
Result<ChannelMessage> decode_channel_message(T&& temporary) = delete;

// The resize message: `[4]{"Width":W,"Height":H}`.
ORKA_API std::string encode_resize_message(TerminalSize size);

// The v5 close message for `channel` (normally Stdin): `[255][channel]`.
ORKA_API std::string encode_close_message(StreamChannel channel = StreamChannel::Stdin);

// Parses the Status channel payload (a metav1.Status JSON):
//   status "Success"                                   → ExecStatus{0, ""}
//   "Failure", reason "NonZeroExitCode", a cause with
//   reason "ExitCode" and message "42"                 → ExecStatus{42, status message}
//   any other "Failure" (command not found, container
//   not running, ...)                                  → Error (its message is the Status message)
//   not JSON / not a Status                            → Error (Transport)
ORKA_API Result<ExecStatus> parse_exec_status(std::string_view payload);

// ---- port-forward (kubelet WebSocket protocol) ------------------------------------------

// The subprotocol pods/portforward is opened with over WebSocket.
inline constexpr std::string_view kPortForwardProtocolV4 = "v4.channel.k8s.io";
ORKA_API std::vector<std::string> portforward_protocols();  // {kPortForwardProtocolV4}

// Port i (0-based, in the order of the `ports` query values of pods/portforward) uses data
// channel 2i and error channel 2i+1.

inline std::uint8_t portforward_data_channel(std::size_t port_index) {
  return static_cast<std::uint8_t>(2 * port_index);
}
inline std::uint8_t portforward_error_channel(std::size_t port_index) {
  return static_cast<std::uint8_t>(2 * port_index + 1);
}

// Client → pod bytes for port i: `[2i][data]` (no port prefix on the client's side).
ORKA_API std::string encode_portforward_data(std::size_t port_index, std::string_view data);

struct PortForwardMessage {
  enum class Kind { Data, Error };
  Kind kind = Kind::Data;
  std::size_t port_index = 0;
  std::string_view data;  // a view into the decoded message; may be empty
};

// Decodes server → client messages. The first message on each channel starts with the port as
// 2 bytes little-endian; the decoder checks it against the requested port and strips it (bytes
// after the prefix in that same message are returned as data). One decoder per WebSocket.
class PortForwardDecoder {
 public:
  ORKA_API explicit PortForwardDecoder(std::vector<std::uint16_t> ports);

  // std::nullopt when the message carried only the port prefix. Errors (Transport): an unknown
  // channel, an empty message, a port prefix that is short or names another port.
  ORKA_API Result<std::optional<PortForwardMessage>> decode(std::string_view message);
  template <class T>
    requires std::same_as<T, std::string>
  Result<std::optional<PortForwardMessage>> decode(T&& temporary) = delete;  // view would dangle

  const std::vector<std::uint16_t>& ports() const { return ports_; }

 private:
  std::vector<std::uint16_t> ports_;
  std::vector<std::uint8_t> prefix_seen_;  // per channel (2 per port)
  std::vector<std::uint8_t> prefix_partial_;  // per channel: 1 when one prefix byte is pending
  std::vector<std::uint8_t> prefix_low_byte_;
};

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
