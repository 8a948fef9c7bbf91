// What arrives on an exec or port-forward WebSocket once it is open: channel messages (the input
// as a run of length-prefixed messages), the exec status channel's Status JSON, and the kubelet's
// port-forward framing with its port prefixes. Never a crash; port-forward data only for the
// ports asked for, with each prefix checked and stripped.
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "orka/channels.hpp"

namespace {

// [1-byte length][message] repeated; a length past the end takes the rest.
std::vector<std::string_view> messages_of(std::string_view bytes) {
  std::vector<std::string_view> messages;
  while (!bytes.empty()) {
    const std::size_t length = static_cast<unsigned char>(bytes.front());
    bytes.remove_prefix(1);
    messages.push_back(bytes.substr(0, length));
    bytes.remove_prefix(std::min(length, bytes.size()));
  }
  return messages;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = orka_fuzz::as_text(data, size);

  // The whole input as the status channel's payload.
  if (auto status = orka::parse_exec_status(bytes)) (void)status->exit_code;
  else ORKA_FUZZ_CHECK(!status.error().message.empty());

  const std::vector<std::uint16_t> ports = {8080, 443};
  orka::PortForwardDecoder decoder(ports);
  for (std::string_view message : messages_of(bytes)) {
    auto channel = orka::decode_channel_message(message);
    if (!channel) {
      ORKA_FUZZ_CHECK(message.empty());
      continue;
    }
    ORKA_FUZZ_CHECK(channel->data.size() + 1 == message.size());
    if (channel->channel == static_cast<std::uint8_t>(orka::StreamChannel::Status)) {
      (void)orka::parse_exec_status(channel->data);
    }
    auto decoded = decoder.decode(message);
    if (!decoded) break;  // the forward ends on a protocol error
    if (!decoded->has_value()) continue;
    const orka::PortForwardMessage& forwarded = **decoded;
    ORKA_FUZZ_CHECK(forwarded.port_index < ports.size());
    ORKA_FUZZ_CHECK(forwarded.data.size() + 1 <= message.size());
    ORKA_FUZZ_CHECK(message.ends_with(forwarded.data));
  }
  return 0;
}
