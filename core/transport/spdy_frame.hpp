// SPDY/3.1 framing as pure functions over bytes: frame encoding, an incremental decoder (input
// may be split anywhere) and the zlib header-block compression with the SPDY/3 dictionary.
// The Kubernetes exec/port-forward SPDY transport runs on it. Internal to liborka.
//
// Reference: the SPDY Protocol Draft 3.1 (chromium.org/spdy/spdy-protocol/spdy-protocol-draft3-1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "orka/error.hpp"

namespace orka::core {

inline constexpr std::uint16_t kSpdyVersion = 3;
// Every frame starts with 8 bytes: control bit + version + type (or the stream id of a DATA
// frame), then 8 bits of flags and a 24-bit payload length.
inline constexpr std::size_t kSpdyFrameHeaderSize = 8;
inline constexpr std::uint32_t kSpdyMaxFrameLength = (1u << 24) - 1;
inline constexpr std::uint32_t kSpdyMaxStreamId = 0x7fffffff;
// SPDY/3.1 §2.6.8: windows start at 64 KiB, for every stream and for the session.
inline constexpr std::uint32_t kSpdyInitialWindow = 64 * 1024;
inline constexpr std::uint32_t kSpdyMaxWindow = 0x7fffffff;

enum class SpdyFrameType : std::uint16_t {
  Data = 0,  // not a control type: DATA frames carry a stream id instead
  SynStream = 1,
  SynReply = 2,
  RstStream = 3,
  Settings = 4,
  Ping = 6,
  GoAway = 7,
  Headers = 8,
  WindowUpdate = 9,
};

inline constexpr std::uint8_t kSpdyFlagFin = 0x01;             // DATA, SYN_STREAM, SYN_REPLY, HEADERS
inline constexpr std::uint8_t kSpdyFlagUnidirectional = 0x02;  // SYN_STREAM
inline constexpr std::uint8_t kSpdyFlagClearSettings = 0x01;   // SETTINGS

enum class SpdyRstStatus : std::uint32_t {
  ProtocolError = 1,
  InvalidStream = 2,
  RefusedStream = 3,
  UnsupportedVersion = 4,
  Cancel = 5,
  InternalError = 6,
  FlowControlError = 7,
  StreamInUse = 8,
  StreamAlreadyClosed = 9,
  InvalidCredentials = 10,
  FrameTooLarge = 11,
};

enum class SpdyGoAwayStatus : std::uint32_t { Ok = 0, ProtocolError = 1, InternalError = 2 };

inline constexpr std::uint32_t kSpdySettingMaxConcurrentStreams = 4;
inline constexpr std::uint32_t kSpdySettingInitialWindowSize = 7;

struct SpdySetting {
  std::uint8_t flags = 0;  // FLAG_SETTINGS_PERSIST_VALUE / PERSISTED; orka sends 0
  std::uint32_t id = 0;    // 24 bits
  std::uint32_t value = 0;
};

// Header names are lower case on the wire (SPDY/3 §3.2.1); several values of one name travel as
// one value joined by NUL bytes, and are kept that way here.
using SpdyHeaders = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive lookup; nullptr when absent.
const std::string* spdy_find_header(const SpdyHeaders& headers, std::string_view name);

std::string_view to_string(SpdyFrameType type);
std::string_view to_string(SpdyRstStatus status);  // "CANCEL", "PROTOCOL_ERROR", ...

// One decoded frame. Only the fields of its type are meaningful.
struct SpdyFrame {
  SpdyFrameType type = SpdyFrameType::Data;
  std::uint8_t flags = 0;
  // DATA, SYN_STREAM, SYN_REPLY, RST_STREAM, HEADERS, WINDOW_UPDATE (0: the session window);
  // GOAWAY: the last good stream id.
  std::uint32_t stream_id = 0;
  std::uint32_t associated_stream_id = 0;  // SYN_STREAM
  std::uint8_t priority = 0;               // SYN_STREAM, 0 (highest) to 7
  std::uint32_t status = 0;                // RST_STREAM, GOAWAY
  std::uint32_t ping_id = 0;               // PING
  std::uint32_t delta_window = 0;          // WINDOW_UPDATE
  std::vector<SpdySetting> settings;       // SETTINGS
  SpdyHeaders headers;                     // SYN_STREAM, SYN_REPLY, HEADERS
  std::string data;                        // DATA payload

  bool fin() const { return (flags & kSpdyFlagFin) != 0; }
};

// The 1423-byte zlib dictionary of SPDY/3 §2.6.10.1 that primes every header-block stream.
std::string_view spdy_header_dictionary();

// The uncompressed name/value block of SPDY/3 §2.6.10: a 32-bit pair count, then for each pair
// a 32-bit name length, the name, a 32-bit value length, the value. Names are lowered.
std::string spdy_encode_header_block(const SpdyHeaders& headers);
// Parses an uncompressed block; errors name what is malformed (lengths past the end, an empty
// name, a repeated name, bytes after the last pair).
Result<SpdyHeaders> spdy_parse_header_block(std::string_view block);

// One deflate stream per direction and session: each block is compressed with Z_SYNC_FLUSH so
// the peer can inflate it at once, and later blocks refer back to earlier ones.
class SpdyHeaderCompressor {
 public:
  SpdyHeaderCompressor();
  ~SpdyHeaderCompressor();
  SpdyHeaderCompressor(const SpdyHeaderCompressor&) = delete;
  SpdyHeaderCompressor& operator=(const SpdyHeaderCompressor&) = delete;

  Result<std::string> compress(std::string_view block);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The matching inflate stream for the other direction.
class SpdyHeaderDecompressor {
 public:
  // A decompressed block larger than this is refused (a zlib bomb, or a broken peer).
  static constexpr std::size_t kMaxBlockSize = 1024 * 1024;

  SpdyHeaderDecompressor();
  ~SpdyHeaderDecompressor();
  SpdyHeaderDecompressor(const SpdyHeaderDecompressor&) = delete;
  SpdyHeaderDecompressor& operator=(const SpdyHeaderDecompressor&) = delete;

  Result<std::string> decompress(std::string_view compressed);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Appends encoded frames to `out`. The header-carrying frames compress with the session's
// compressor, so they must be written to the wire in the order they were encoded.
class SpdyFrameEncoder {
 public:
  Result<void> syn_stream(std::string& out, std::uint32_t stream_id, std::uint8_t flags,
                          const SpdyHeaders& headers, std::uint8_t priority = 0,
                          std::uint32_t associated_stream_id = 0);
  Result<void> syn_reply(std::string& out, std::uint32_t stream_id, std::uint8_t flags,
                         const SpdyHeaders& headers);
  Result<void> headers(std::string& out, std::uint32_t stream_id, std::uint8_t flags,
                       const SpdyHeaders& headers);

  static void rst_stream(std::string& out, std::uint32_t stream_id, SpdyRstStatus status);
  static void settings(std::string& out, const std::vector<SpdySetting>& settings,
                       std::uint8_t flags = 0);
  static void ping(std::string& out, std::uint32_t id);
  static void goaway(std::string& out, std::uint32_t last_good_stream_id,
                     SpdyGoAwayStatus status);
  static void window_update(std::string& out, std::uint32_t stream_id, std::uint32_t delta);
  // The 8-byte header of a DATA frame carrying `length` bytes (at most kSpdyMaxFrameLength).
  static void data_header(std::string& out, std::uint32_t stream_id, std::uint8_t flags,
                          std::uint32_t length);
  static void data(std::string& out, std::uint32_t stream_id, std::uint8_t flags,
                   std::string_view payload);

 private:
  Result<void> header_frame(std::string& out, SpdyFrameType type, std::uint8_t flags,
                            std::string_view fixed_fields, const SpdyHeaders& headers);
  SpdyHeaderCompressor compressor_;
};

// Incremental decoder: feed() bytes as they arrive, then call next() until it yields nothing.
// Unknown control frame types are skipped, as SPDY/3 §2.2.1 requires. Any error is fatal for
// the session (the header decompressor's state is lost).
class SpdyFrameDecoder {
 public:
  // DATA payloads and control frames longer than this are refused (memory stays bounded).
  explicit SpdyFrameDecoder(std::uint32_t max_frame_length = kSpdyMaxFrameLength);

  void feed(std::string_view bytes);
  // The next complete frame; nullopt when more bytes are needed.
  Result<std::optional<SpdyFrame>> next();
  // Bytes received but not yet decoded.
  std::size_t buffered() const { return buffer_.size() - offset_; }

 private:
  Result<SpdyFrame> decode_control(std::uint16_t version, std::uint16_t type, std::uint8_t flags,
                                   std::string_view payload);
  Result<SpdyHeaders> decode_headers(std::string_view compressed, std::uint32_t stream_id);

  std::uint32_t max_frame_length_;
  std::string buffer_;
  std::size_t offset_ = 0;
  SpdyHeaderDecompressor decompressor_;
};

}  // namespace orka::core
