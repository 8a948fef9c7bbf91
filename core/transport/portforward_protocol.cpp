// The kubelet's WebSocket port-forward protocol: per requested port a data and an error channel,
// each opened by the server with the port number (2 bytes, little-endian).
#include <fmt/format.h>

#include "orka/channels.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

std::vector<std::string> portforward_protocols() { return {std::string(kPortForwardProtocolV4)}; }

std::string encode_portforward_data(std::size_t port_index, std::string_view data) {
  return encode_channel_message(portforward_data_channel(port_index), data);
}

PortForwardDecoder::PortForwardDecoder(std::vector<std::uint16_t> ports)
    : ports_(std::move(ports)),
      prefix_seen_(2 * ports_.size(), 0),
      prefix_partial_(2 * ports_.size(), 0),
      prefix_low_byte_(2 * ports_.size(), 0) {}

Result<std::optional<PortForwardMessage>> PortForwardDecoder::decode(std::string_view message) {
  auto split = decode_channel_message(message);
  if (!split) return fail(split.error());
  const std::size_t channel = split->channel;
  std::string_view data = split->data;
  if (channel >= prefix_seen_.size())
    return fail(ErrorKind::Transport,
                fmt::format("port-forward: the server used channel {} but only {} port(s) were "
                            "requested",
                            channel, ports_.size()));
  const std::size_t port_index = channel / 2;
  if (!prefix_seen_[channel]) {
    // The prefix may in principle be split across messages; keep its first byte until the second.
    if (!prefix_partial_[channel]) {
      if (data.empty()) return std::optional<PortForwardMessage>{};
      prefix_low_byte_[channel] = static_cast<std::uint8_t>(data[0]);
      prefix_partial_[channel] = 1;
      data.remove_prefix(1);
    }
    if (data.empty()) return std::optional<PortForwardMessage>{};
    const auto port = static_cast<std::uint16_t>(
        prefix_low_byte_[channel] | (static_cast<std::uint8_t>(data[0]) << 8));
    data.remove_prefix(1);
    prefix_seen_[channel] = 1;
    if (port != ports_[port_index])
      return fail(ErrorKind::Transport,
                  fmt::format("port-forward: channel {} announced port {} but port {} was "
                              "requested there",
                              channel, port, ports_[port_index]));
    if (data.empty()) return std::optional<PortForwardMessage>{};
  }
  PortForwardMessage decoded;
  decoded.kind = channel % 2 == 0 ? PortForwardMessage::Kind::Data : PortForwardMessage::Kind::Error;
  decoded.port_index = port_index;
  decoded.data = data;
  return decoded;
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
