// The HTTPS implementation of orka::Client. Internal to liborka.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string_view>

#include "kubeconfig/rest_config.hpp"
#include "orka/client.hpp"
#include "transport/connection.hpp"

namespace orka::core {

// level 1: one line per request/response; level 2: headers and bodies. Authorization and
// other secrets are masked before a line reaches the sink.
using DiagnosticSink = std::function<void(int level, std::string_view line)>;

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{10000};
  int max_retries = 3;  // GET on 429/5xx; any method on 429/5xx with Retry-After
  std::chrono::milliseconds max_retry_delay{10000};
};

// Thread-safe: any number of threads may send at once (keep-alive connections are pooled).
// A bad server URL yields a client whose every call fails with that Config error.
std::shared_ptr<Client> make_http_client(RestConfig config, DiagnosticSink diagnostics,
                                         HttpClientOptions options = {});

// The same over another ConnectionFactory (tests; null: the TLS factory for config).
std::shared_ptr<Client> make_http_client(RestConfig config, DiagnosticSink diagnostics,
                                         HttpClientOptions options,
                                         std::shared_ptr<ConnectionFactory> factory);

}  // namespace orka::core
