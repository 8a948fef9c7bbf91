// The answer to a WebSocket or SPDY upgrade, and above all a refusal's error body, which the
// server writes before any protocol runs: read within its bound, turned into a clear Error,
// never a crash; a 101 hands over exactly the bytes that followed its head.
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "replay_connection.hpp"
#include "transport/http_upgrade.hpp"

using namespace orka::core;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view wire = orka_fuzz::as_text(data, size);
  orka_fuzz::ReplayConnection connection(orka_fuzz::pieces_of(wire, orka_fuzz::cuts_from(wire)));

  orka::UpgradeRequest request;
  request.path = "/api/v1/namespaces/default/pods/web/exec?command=sh&stdout=true";
  request.protocols = {"v5.channel.k8s.io", "v4.channel.k8s.io"};
  request.permission = orka::Permission{"create", "", "pods", "exec", "default", "web"};
  Credentials credentials;
  credentials.bearer_token = "fuzz-token";
  UpgradeSpec spec;
  spec.method = size % 2 ? "GET" : "POST";
  spec.protocol_name = size % 2 ? "WebSocket" : "SPDY";
  spec.upgrade_headers = {{"Connection", "Upgrade"}, {"Upgrade", "websocket"}};

  orka::CancelToken cancel;
  auto answer = http_upgrade(connection, "127.0.0.1:6443", "", request, credentials, cancel, spec);
  ORKA_FUZZ_CHECK(connection.written().starts_with(std::string(spec.method) + " /api/v1/"));
  if (answer) {
    ORKA_FUZZ_CHECK(answer->head.status == 101);
    // The early bytes and what is still unread are exactly what followed the head.
    std::string after_head = answer->early_bytes;
    char buffer[256];
    while (auto n = connection.read_some(buffer, sizeof buffer)) {
      if (*n == 0) break;
      after_head.append(buffer, *n);
    }
    ORKA_FUZZ_CHECK(wire.ends_with(after_head));
    return 0;
  }
  const orka::Error& error = answer.error();
  ORKA_FUZZ_CHECK(!error.message.empty());
  ORKA_FUZZ_CHECK(error.kind != orka::ErrorKind::Internal);
  // The refusal's text is bounded by what orka reads of it, not by what the server sends.
  ORKA_FUZZ_CHECK(error.message.size() <= kMaxUpgradeErrorBody + 1024);
  (void)orka::describe(error);
  return 0;
}
