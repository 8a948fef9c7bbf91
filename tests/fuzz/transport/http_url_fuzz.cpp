// Server and proxy URLs from a kubeconfig or the environment: never a crash, a host without a
// space or control character (it goes into the request line and Host header), and a display form
// that carries no credentials and parses back to the same place.
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "transport/http_url.hpp"

using namespace orka::core;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto url = parse_http_url(orka_fuzz::as_text(data, size));
  if (!url) {
    ORKA_FUZZ_CHECK(url.error().kind == orka::ErrorKind::Config);
    return 0;
  }
  ORKA_FUZZ_CHECK(url->scheme == "https" || url->scheme == "http");
  ORKA_FUZZ_CHECK(!url->host.empty() && url->port != 0);
  for (unsigned char c : url->host) ORKA_FUZZ_CHECK(c > 0x20 && c != 0x7f);
  (void)url->host_is_ip_literal();
  (void)url->authority();
  if (url->host.find_first_of("[]") != std::string::npos) return 0;
  auto again = parse_http_url(url->display());
  ORKA_FUZZ_CHECK(again);
  ORKA_FUZZ_CHECK(again->userinfo.empty());
  ORKA_FUZZ_CHECK(again->scheme == url->scheme && again->host == url->host &&
                  again->port == url->port && again->path_prefix == url->path_prefix);
  return 0;
}
