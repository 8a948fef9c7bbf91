// TEMPORARY placeholder (replaced by the HTTP client).
#include "transport/http_client.hpp"
namespace orka::core {
std::shared_ptr<Client> make_http_client(RestConfig, DiagnosticSink, HttpClientOptions) {
  return nullptr;
}
}  // namespace orka::core
