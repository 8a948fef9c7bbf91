// A non-2xx answer's body, as error_from_http reads it for every failed request (a Kubernetes
// Status, or whatever a proxy or a broken server sent): the first two bytes pick the HTTP
// status, the rest is the body. Never a crash or an exception; always a message to show.
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "orka/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const int status = 100 + (data[0] << 8 | data[1]) % 500;
  const std::string_view body = orka_fuzz::as_text(data + 2, size - 2);
  const orka::Permission needed{"get", "apps", "deployments", "scale", "web", "frontend"};
  for (const auto& permission : {std::optional<orka::Permission>{}, std::optional{needed}}) {
    const orka::Error error = orka::error_from_http(status, body, permission);
    ORKA_FUZZ_CHECK(!error.message.empty());
    ORKA_FUZZ_CHECK(error.kind != orka::ErrorKind::Internal);
    ORKA_FUZZ_CHECK(error.http_status >= 100);
    if (error.permission) ORKA_FUZZ_CHECK(error.kind == orka::ErrorKind::Forbidden);
    ORKA_FUZZ_CHECK(orka::describe(error).starts_with("error: "));
    (void)orka::exit_code_for(error);
  }
  return 0;
}
