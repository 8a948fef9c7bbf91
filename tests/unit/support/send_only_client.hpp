// A Client whose tests implement send() only: the streaming calls answer Unsupported. For tests
// that need real concurrency or logic in send(), which a trompeloeil mock serialises.
#pragma once

#include <memory>
#include <string>

#include "orka/client.hpp"

namespace orka::testing {

class SendOnlyClient : public Client {
 public:
  Result<std::unique_ptr<ByteStream>> open_stream(const Request&, const CancelToken&) override {
    return fail(ErrorKind::Unsupported, "this test client only sends requests");
  }
  Result<std::unique_ptr<WebSocket>> open_websocket(const UpgradeRequest&,
                                                    const CancelToken&) override {
    return fail(ErrorKind::Unsupported, "this test client only sends requests");
  }
  std::string default_namespace() const override { return "default"; }
  std::string server() const override { return "https://127.0.0.1:6443"; }
};

}  // namespace orka::testing
