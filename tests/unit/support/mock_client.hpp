// trompeloeil mock of orka::Client, the seam every op and core room is tested through.
#pragma once

#include <doctest/doctest.h>
#include <doctest/trompeloeil.hpp>

#include <cstddef>
#include <memory>
#include <string>

#include "orka/client.hpp"

// trompeloeil traces a mocked call's return value and first asks whether it equals nullptr.
// std::expected's unconstrained operator== (g++ 12) claims it can compare with anything, then
// fails to compile `Response == nullptr`. These exact-match overloads answer "not null" first.
namespace orka {
inline namespace ORKA_ABI_NAMESPACE {
inline bool operator==(const Result<Response>&, std::nullptr_t) { return false; }
inline bool operator==(const Result<std::unique_ptr<ByteStream>>&, std::nullptr_t) { return false; }
inline bool operator==(const Result<std::unique_ptr<WebSocket>>&, std::nullptr_t) { return false; }
inline bool operator==(const Result<std::unique_ptr<MuxConnection>>&, std::nullptr_t) { return false; }
}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka

namespace trompeloeil {
inline bool operator==(const orka::Result<orka::Response>&, const indirect_null&) { return false; }
inline bool operator==(const orka::Result<std::unique_ptr<orka::ByteStream>>&, const indirect_null&) {
  return false;
}
inline bool operator==(const orka::Result<std::unique_ptr<orka::WebSocket>>&, const indirect_null&) {
  return false;
}
inline bool operator==(const orka::Result<std::unique_ptr<orka::MuxConnection>>&, const indirect_null&) {
  return false;
}
}  // namespace trompeloeil

namespace orka::testing {

class MockClient : public orka::Client {
 public:
  MAKE_MOCK2(send, orka::Result<orka::Response>(const orka::Request&, const orka::CancelToken&),
             override);
  MAKE_MOCK2(open_stream,
             orka::Result<std::unique_ptr<orka::ByteStream>>(const orka::Request&,
                                                             const orka::CancelToken&),
             override);
  MAKE_MOCK2(open_websocket,
             orka::Result<std::unique_ptr<orka::WebSocket>>(const orka::UpgradeRequest&,
                                                            const orka::CancelToken&),
             override);
  MAKE_MOCK3(open_multiplexed,
             orka::Result<std::unique_ptr<orka::MuxConnection>>(const orka::UpgradeRequest&,
                                                                orka::MuxFraming,
                                                                const orka::CancelToken&),
             override);
  MAKE_CONST_MOCK0(default_namespace, std::string(), override);
  MAKE_CONST_MOCK0(server, std::string(), override);
};

inline orka::Response json_response(int status, const std::string& body) {
  orka::Response r;
  r.status = status;
  r.headers = {{"Content-Type", "application/json"}};
  r.body = body;
  return r;
}

}  // namespace orka::testing
