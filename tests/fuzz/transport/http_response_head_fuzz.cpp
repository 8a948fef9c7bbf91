// The response head parser on any bytes a server or proxy sends: never a crash, a head only
// when the bytes hold one, the same head from the head alone, and body framing that is decided
// (or refused) for every parsed head.
#include <cstdint>

#include "fuzz_support.hpp"
#include "transport/http_message.hpp"

using namespace orka::core;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = orka_fuzz::as_text(data, size);
  auto parsed = parse_response_head(bytes);
  if (!parsed) {
    ORKA_FUZZ_CHECK(parsed.error().kind == orka::ErrorKind::Transport);
    ORKA_FUZZ_CHECK(!parsed.error().message.empty());
    return 0;
  }
  if (!parsed->has_value()) {
    ORKA_FUZZ_CHECK(bytes.size() <= max_response_head_size);
    return 0;
  }
  const ParsedHead& head = **parsed;
  ORKA_FUZZ_CHECK(head.consumed > 0 && head.consumed <= bytes.size());
  ORKA_FUZZ_CHECK(head.head.status >= 100 && head.head.status <= 999);

  auto again = parse_response_head(bytes.substr(0, head.consumed));
  ORKA_FUZZ_CHECK(again && again->has_value());
  ORKA_FUZZ_CHECK((*again)->consumed == head.consumed);
  ORKA_FUZZ_CHECK((*again)->head.headers == head.head.headers);
  // One byte short of its blank line the head is not complete yet (or already refused).
  auto shorter = parse_response_head(bytes.substr(0, head.consumed - 1));
  ORKA_FUZZ_CHECK(!shorter || !shorter->has_value());

  for (const char* method : {"GET", "HEAD", "POST"}) {
    auto framing = body_framing(head.head, method);
    if (!framing) continue;
    if (framing->kind == BodyKind::UntilClose) ORKA_FUZZ_CHECK(!keeps_alive(head.head, *framing));
    else (void)keeps_alive(head.head, *framing);
  }
  return 0;
}
