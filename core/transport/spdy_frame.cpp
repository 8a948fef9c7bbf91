// SPDY/3.1 frame encoding and incremental decoding.
#include "transport/spdy_frame.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "util/ascii.hpp"

namespace orka::core {
namespace {

void put32(std::string& out, std::uint32_t value) {
  const char bytes[4] = {static_cast<char>(value >> 24), static_cast<char>(value >> 16),
                         static_cast<char>(value >> 8), static_cast<char>(value)};
  out.append(bytes, 4);
}

std::uint32_t get32(const char* data) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(data);
  return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
         (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
}

void control_header(std::string& out, SpdyFrameType type, std::uint8_t flags,
                    std::uint32_t length) {
  put32(out, 0x80000000u | (std::uint32_t{kSpdyVersion} << 16) | static_cast<std::uint16_t>(type));
  put32(out, (std::uint32_t{flags} << 24) | length);
}

Error protocol_error(std::string message) {
  return make_error(ErrorKind::Transport, "SPDY protocol error: " + std::move(message));
}

// Fixed payload sizes of the control frames that have one.
std::optional<std::uint32_t> fixed_length(SpdyFrameType type) {
  switch (type) {
    case SpdyFrameType::RstStream:
    case SpdyFrameType::GoAway:
    case SpdyFrameType::WindowUpdate:
      return 8;
    case SpdyFrameType::Ping:
      return 4;
    default:
      return std::nullopt;
  }
}

bool known_control_type(std::uint16_t type) {
  return type == 1 || type == 2 || type == 3 || type == 4 || type == 6 || type == 7 || type == 8 ||
         type == 9;
}

}  // namespace

const std::string* spdy_find_header(const SpdyHeaders& headers, std::string_view name) {
  for (const auto& [key, value] : headers)
    if (equals_ignore_case(key, name)) return &value;
  return nullptr;
}

std::string_view to_string(SpdyFrameType type) {
  switch (type) {
    case SpdyFrameType::Data: return "DATA";
    case SpdyFrameType::SynStream: return "SYN_STREAM";
    case SpdyFrameType::SynReply: return "SYN_REPLY";
    case SpdyFrameType::RstStream: return "RST_STREAM";
    case SpdyFrameType::Settings: return "SETTINGS";
    case SpdyFrameType::Ping: return "PING";
    case SpdyFrameType::GoAway: return "GOAWAY";
    case SpdyFrameType::Headers: return "HEADERS";
    case SpdyFrameType::WindowUpdate: return "WINDOW_UPDATE";
  }
  return "UNKNOWN";
}

std::string_view to_string(SpdyRstStatus status) {
  switch (status) {
    case SpdyRstStatus::ProtocolError: return "PROTOCOL_ERROR";
    case SpdyRstStatus::InvalidStream: return "INVALID_STREAM";
    case SpdyRstStatus::RefusedStream: return "REFUSED_STREAM";
    case SpdyRstStatus::UnsupportedVersion: return "UNSUPPORTED_VERSION";
    case SpdyRstStatus::Cancel: return "CANCEL";
    case SpdyRstStatus::InternalError: return "INTERNAL_ERROR";
    case SpdyRstStatus::FlowControlError: return "FLOW_CONTROL_ERROR";
    case SpdyRstStatus::StreamInUse: return "STREAM_IN_USE";
    case SpdyRstStatus::StreamAlreadyClosed: return "STREAM_ALREADY_CLOSED";
    case SpdyRstStatus::InvalidCredentials: return "INVALID_CREDENTIALS";
    case SpdyRstStatus::FrameTooLarge: return "FRAME_TOO_LARGE";
  }
  return "UNKNOWN_STATUS";
}

std::string spdy_encode_header_block(const SpdyHeaders& headers) {
  std::string block;
  put32(block, static_cast<std::uint32_t>(headers.size()));
  for (const auto& [name, value] : headers) {
    put32(block, static_cast<std::uint32_t>(name.size()));
    block += to_lower_ascii(name);
    put32(block, static_cast<std::uint32_t>(value.size()));
    block += value;
  }
  return block;
}

Result<SpdyHeaders> spdy_parse_header_block(std::string_view block) {
  auto take32 = [&](std::string_view what) -> Result<std::uint32_t> {
    if (block.size() < 4)
      return fail(protocol_error(fmt::format("the header block ends inside {}", what)));
    const std::uint32_t value = get32(block.data());
    block.remove_prefix(4);
    return value;
  };
  auto take_bytes = [&](std::uint32_t length, std::string_view what) -> Result<std::string> {
    if (block.size() < length)
      return fail(protocol_error(fmt::format(
          "a header {} claims {} bytes but only {} remain in the block", what, length,
          block.size())));
    std::string bytes(block.substr(0, length));
    block.remove_prefix(length);
    return bytes;
  };

  auto count = take32("the pair count");
  if (!count) return fail(count.error());
  // Each pair needs at least 8 bytes: a count beyond that is garbage, not a reason to allocate.
  if (*count > block.size() / 8)
    return fail(protocol_error(
        fmt::format("the header block claims {} pairs in {} bytes", *count, block.size())));
  SpdyHeaders headers;
  headers.reserve(*count);
  for (std::uint32_t i = 0; i < *count; ++i) {
    auto name_length = take32("a name length");
    if (!name_length) return fail(name_length.error());
    if (*name_length == 0) return fail(protocol_error("a header name is empty"));
    auto name = take_bytes(*name_length, "name");
    if (!name) return fail(name.error());
    auto value_length = take32("a value length");
    if (!value_length) return fail(value_length.error());
    auto value = take_bytes(*value_length, "value");
    if (!value) return fail(value.error());
    std::string lowered = to_lower_ascii(*name);
    if (spdy_find_header(headers, lowered))
      return fail(protocol_error(fmt::format("the header \"{:.100}\" appears twice", lowered)));
    headers.emplace_back(std::move(lowered), std::move(*value));
  }
  if (!block.empty())
    return fail(protocol_error(
        fmt::format("{} bytes follow the last header of the block", block.size())));
  return headers;
}

// ---- encoder ----

Result<void> SpdyFrameEncoder::header_frame(std::string& out, SpdyFrameType type,
                                            std::uint8_t flags, std::string_view fixed_fields,
                                            const SpdyHeaders& headers) {
  auto compressed = compressor_.compress(spdy_encode_header_block(headers));
  if (!compressed) return fail(compressed.error());
  const std::size_t length = fixed_fields.size() + compressed->size();
  if (length > kSpdyMaxFrameLength)
    return fail(ErrorKind::Invalid,
                fmt::format("the SPDY {} headers compress to {} bytes, more than a frame holds",
                            to_string(type), length));
  control_header(out, type, flags, static_cast<std::uint32_t>(length));
  out += fixed_fields;
  out += *compressed;
  return {};
}

Result<void> SpdyFrameEncoder::syn_stream(std::string& out, std::uint32_t stream_id,
                                          std::uint8_t flags, const SpdyHeaders& headers,
                                          std::uint8_t priority,
                                          std::uint32_t associated_stream_id) {
  std::string fixed;
  put32(fixed, stream_id & kSpdyMaxStreamId);
  put32(fixed, associated_stream_id & kSpdyMaxStreamId);
  fixed += static_cast<char>((priority & 0x7) << 5);
  fixed += '\0';  // credential slot
  return header_frame(out, SpdyFrameType::SynStream, flags, fixed, headers);
}

Result<void> SpdyFrameEncoder::syn_reply(std::string& out, std::uint32_t stream_id,
                                         std::uint8_t flags, const SpdyHeaders& headers) {
  std::string fixed;
  put32(fixed, stream_id & kSpdyMaxStreamId);
  return header_frame(out, SpdyFrameType::SynReply, flags, fixed, headers);
}

Result<void> SpdyFrameEncoder::headers(std::string& out, std::uint32_t stream_id,
                                       std::uint8_t flags, const SpdyHeaders& headers) {
  std::string fixed;
  put32(fixed, stream_id & kSpdyMaxStreamId);
  return header_frame(out, SpdyFrameType::Headers, flags, fixed, headers);
}

void SpdyFrameEncoder::rst_stream(std::string& out, std::uint32_t stream_id,
                                  SpdyRstStatus status) {
  control_header(out, SpdyFrameType::RstStream, 0, 8);
  put32(out, stream_id & kSpdyMaxStreamId);
  put32(out, static_cast<std::uint32_t>(status));
}

void SpdyFrameEncoder::settings(std::string& out, const std::vector<SpdySetting>& settings,
                                std::uint8_t flags) {
  control_header(out, SpdyFrameType::Settings, flags,
                 static_cast<std::uint32_t>(4 + 8 * settings.size()));
  put32(out, static_cast<std::uint32_t>(settings.size()));
  for (const auto& setting : settings) {
    put32(out, (std::uint32_t{setting.flags} << 24) | (setting.id & 0xffffff));
    put32(out, setting.value);
  }
}

void SpdyFrameEncoder::ping(std::string& out, std::uint32_t id) {
  control_header(out, SpdyFrameType::Ping, 0, 4);
  put32(out, id);
}

void SpdyFrameEncoder::goaway(std::string& out, std::uint32_t last_good_stream_id,
                              SpdyGoAwayStatus status) {
  control_header(out, SpdyFrameType::GoAway, 0, 8);
  put32(out, last_good_stream_id & kSpdyMaxStreamId);
  put32(out, static_cast<std::uint32_t>(status));
}

void SpdyFrameEncoder::window_update(std::string& out, std::uint32_t stream_id,
                                     std::uint32_t delta) {
  control_header(out, SpdyFrameType::WindowUpdate, 0, 8);
  put32(out, stream_id & kSpdyMaxStreamId);
  put32(out, delta & kSpdyMaxWindow);
}

void SpdyFrameEncoder::data_header(std::string& out, std::uint32_t stream_id, std::uint8_t flags,
                                   std::uint32_t length) {
  put32(out, stream_id & kSpdyMaxStreamId);
  put32(out, (std::uint32_t{flags} << 24) | (length & kSpdyMaxFrameLength));
}

void SpdyFrameEncoder::data(std::string& out, std::uint32_t stream_id, std::uint8_t flags,
                            std::string_view payload) {
  data_header(out, stream_id, flags, static_cast<std::uint32_t>(payload.size()));
  out += payload;
}

// ---- decoder ----

SpdyFrameDecoder::SpdyFrameDecoder(std::uint32_t max_frame_length)
    : max_frame_length_(std::min(max_frame_length, kSpdyMaxFrameLength)) {}

void SpdyFrameDecoder::feed(std::string_view bytes) {
  // Drop what was decoded before growing: the buffer stays about one frame large.
  if (offset_ > 0 && (offset_ == buffer_.size() || offset_ >= 64 * 1024)) {
    buffer_.erase(0, offset_);
    offset_ = 0;
  }
  buffer_.append(bytes);
}

Result<std::optional<SpdyFrame>> SpdyFrameDecoder::next() {
  for (;;) {
    const std::string_view available = std::string_view(buffer_).substr(offset_);
    if (available.size() < kSpdyFrameHeaderSize) return std::nullopt;
    const std::uint32_t first = get32(available.data());
    const std::uint32_t second = get32(available.data() + 4);
    const std::uint8_t flags = static_cast<std::uint8_t>(second >> 24);
    const std::uint32_t length = second & kSpdyMaxFrameLength;
    const bool control = (first & 0x80000000u) != 0;
    if (length > max_frame_length_)
      return fail(protocol_error(fmt::format(
          "a {} frame of {} bytes exceeds the limit of {} bytes",
          control ? "control" : "DATA", length, max_frame_length_)));
    if (available.size() < kSpdyFrameHeaderSize + length) return std::nullopt;
    const std::string_view payload = available.substr(kSpdyFrameHeaderSize, length);
    offset_ += kSpdyFrameHeaderSize + length;

    if (!control) {
      SpdyFrame frame;
      frame.type = SpdyFrameType::Data;
      frame.flags = flags;
      frame.stream_id = first & kSpdyMaxStreamId;
      if (frame.stream_id == 0) return fail(protocol_error("a DATA frame names stream 0"));
      frame.data.assign(payload);
      return frame;
    }
    const auto version = static_cast<std::uint16_t>((first >> 16) & 0x7fff);
    const auto type = static_cast<std::uint16_t>(first & 0xffff);
    if (version != kSpdyVersion)
      return fail(protocol_error(fmt::format(
          "the peer sent a SPDY/{} control frame; only SPDY/3 is spoken", version)));
    if (!known_control_type(type)) continue;  // SPDY/3 §2.2.1: ignore unknown control frames
    auto frame = decode_control(version, type, flags, payload);
    if (!frame) return fail(frame.error());
    return std::move(*frame);
  }
}

Result<SpdyFrame> SpdyFrameDecoder::decode_control(std::uint16_t version, std::uint16_t type,
                                                   std::uint8_t flags, std::string_view payload) {
  (void)version;
  SpdyFrame frame;
  frame.type = static_cast<SpdyFrameType>(type);
  frame.flags = flags;
  const std::string_view name = to_string(frame.type);
  if (auto expected = fixed_length(frame.type); expected && payload.size() != *expected)
    return fail(protocol_error(fmt::format("a {} frame must carry {} bytes, not {}", name,
                                           *expected, payload.size())));
  auto need = [&](std::size_t size) -> Result<void> {
    if (payload.size() < size)
      return fail(protocol_error(fmt::format("a {} frame of {} bytes is shorter than its {} fixed bytes",
                                             name, payload.size(), size)));
    return {};
  };

  switch (frame.type) {
    case SpdyFrameType::SynStream: {
      if (auto ok = need(10); !ok) return fail(ok.error());
      frame.stream_id = get32(payload.data()) & kSpdyMaxStreamId;
      frame.associated_stream_id = get32(payload.data() + 4) & kSpdyMaxStreamId;
      frame.priority = static_cast<std::uint8_t>(static_cast<unsigned char>(payload[8]) >> 5);
      if (frame.stream_id == 0) return fail(protocol_error("a SYN_STREAM frame names stream 0"));
      auto headers = decode_headers(payload.substr(10), frame.stream_id);
      if (!headers) return fail(headers.error());
      frame.headers = std::move(*headers);
      break;
    }
    case SpdyFrameType::SynReply:
    case SpdyFrameType::Headers: {
      if (auto ok = need(4); !ok) return fail(ok.error());
      frame.stream_id = get32(payload.data()) & kSpdyMaxStreamId;
      if (frame.stream_id == 0)
        return fail(protocol_error(fmt::format("a {} frame names stream 0", name)));
      auto headers = decode_headers(payload.substr(4), frame.stream_id);
      if (!headers) return fail(headers.error());
      frame.headers = std::move(*headers);
      break;
    }
    case SpdyFrameType::RstStream:
      frame.stream_id = get32(payload.data()) & kSpdyMaxStreamId;
      frame.status = get32(payload.data() + 4);
      if (frame.stream_id == 0) return fail(protocol_error("a RST_STREAM frame names stream 0"));
      if (frame.status == 0) return fail(protocol_error("a RST_STREAM frame carries status 0"));
      break;
    case SpdyFrameType::Settings: {
      if (auto ok = need(4); !ok) return fail(ok.error());
      const std::uint32_t count = get32(payload.data());
      if (payload.size() != 4 + std::uint64_t{count} * 8)
        return fail(protocol_error(fmt::format(
            "a SETTINGS frame announces {} entries but carries {} bytes", count, payload.size())));
      for (std::uint32_t i = 0; i < count; ++i) {
        const char* entry = payload.data() + 4 + 8 * i;
        const std::uint32_t flags_and_id = get32(entry);
        frame.settings.push_back(SpdySetting{static_cast<std::uint8_t>(flags_and_id >> 24),
                                             flags_and_id & 0xffffff, get32(entry + 4)});
      }
      break;
    }
    case SpdyFrameType::Ping:
      frame.ping_id = get32(payload.data());
      break;
    case SpdyFrameType::GoAway:
      frame.stream_id = get32(payload.data()) & kSpdyMaxStreamId;
      frame.status = get32(payload.data() + 4);
      break;
    case SpdyFrameType::WindowUpdate:
      frame.stream_id = get32(payload.data()) & kSpdyMaxStreamId;
      frame.delta_window = get32(payload.data() + 4) & kSpdyMaxWindow;
      if (frame.delta_window == 0)
        return fail(protocol_error("a WINDOW_UPDATE frame grants 0 bytes"));
      break;
    case SpdyFrameType::Data:
      break;  // not a control type
  }
  return frame;
}

Result<SpdyHeaders> SpdyFrameDecoder::decode_headers(std::string_view compressed,
                                                     std::uint32_t stream_id) {
  // Even an empty block is compressed (a pair count of 0), so an empty payload is malformed.
  if (compressed.empty())
    return fail(protocol_error(fmt::format("stream {} sent a frame without its header block",
                                           stream_id)));
  auto block = decompressor_.decompress(compressed);
  if (!block) return fail(block.error());
  auto headers = spdy_parse_header_block(*block);
  if (!headers) {
    Error error = headers.error();
    error.message += fmt::format(" (stream {})", stream_id);
    return fail(std::move(error));
  }
  return headers;
}

}  // namespace orka::core
