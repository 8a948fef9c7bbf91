// A whole HTTP response off the connection, as every request reads it: head (interim answers
// skipped), then the body by its framing, arriving in any pieces. The same answer however the
// bytes are cut; a Content-Length body is exactly that long; the caller's limit holds.
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "replay_connection.hpp"
#include "transport/http_response_reader.hpp"

using namespace orka::core;

namespace {

constexpr std::size_t kLimit = 16 * 1024;

struct Answer {
  bool head_ok = false;
  int status = 0;
  bool body_ok = false;
  std::string body;
  bool reusable = false;
};

Answer read(const std::vector<std::string_view>& pieces, std::string_view method,
            bool whole_body) {
  orka_fuzz::ReplayConnection connection(pieces);
  ResponseReader reader(connection);
  Answer answer;
  auto head = reader.read_head(method);
  if (!head) return answer;
  answer.head_ok = true;
  answer.status = head->status;
  ORKA_FUZZ_CHECK(head->status >= 200 || head->status == 101);
  auto framing = body_framing(*head, method);
  ORKA_FUZZ_CHECK(framing.has_value());
  if (whole_body) {
    auto body = reader.read_body_into(answer.body, kLimit);
    answer.body_ok = body.has_value();
    if (answer.body_ok) ORKA_FUZZ_CHECK(answer.body.size() <= kLimit);
  } else {
    // Small reads, as a streaming caller makes them.
    char buffer[7];
    for (;;) {
      auto n = reader.read_body(buffer, sizeof buffer);
      if (!n) break;
      ORKA_FUZZ_CHECK(*n <= sizeof buffer);
      if (*n == 0) {
        answer.body_ok = true;
        break;
      }
      answer.body.append(buffer, *n);
      if (answer.body.size() > kLimit) break;
    }
    if (answer.body.size() > kLimit) answer.body_ok = false;
  }
  if (answer.body_ok) {
    ORKA_FUZZ_CHECK(reader.body_done());
    if (framing->kind == BodyKind::ContentLength)
      ORKA_FUZZ_CHECK(answer.body.size() == framing->length);
    if (framing->kind == BodyKind::None) ORKA_FUZZ_CHECK(answer.body.empty());
  }
  answer.reusable = reader.reusable();
  return answer;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view wire = orka_fuzz::as_text(data, size);
  const auto cuts = orka_fuzz::cuts_from(wire);
  const std::string_view method = !wire.empty() && (wire.back() & 1) ? "HEAD" : "GET";

  const Answer whole = read({wire}, method, true);
  const Answer split = read(orka_fuzz::pieces_of(wire, cuts), method, false);
  ORKA_FUZZ_CHECK(whole.head_ok == split.head_ok);
  ORKA_FUZZ_CHECK(whole.status == split.status);
  ORKA_FUZZ_CHECK(whole.body_ok == split.body_ok);
  if (whole.body_ok) ORKA_FUZZ_CHECK(whole.body == split.body);
  // Reusable depends on whether stray bytes after the body were read yet, so it may differ;
  // it is never claimed for an answer that was not read to its end.
  if (whole.reusable) ORKA_FUZZ_CHECK(whole.body_ok);
  if (split.reusable) ORKA_FUZZ_CHECK(split.body_ok);
  return 0;
}
