// A LIST answer and the watch stream after it, as list_and_watch reads them for drain, delete and
// rollout waits: the input's first NUL-separated part is the LIST body, the rest the watch
// stream (newline-delimited events, cut into pieces). Never a crash or an exception; the loop
// ends once the server has nothing more to say; a failure is an Error with a message.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "orka/watch.hpp"

namespace {

class ReplayStream final : public orka::ByteStream {
 public:
  ReplayStream(std::vector<std::string_view> pieces, orka::CancelToken cancel_at_end)
      : pieces_(std::move(pieces)), cancel_at_end_(std::move(cancel_at_end)) {}
  orka::Result<std::size_t> read(char* buffer, std::size_t size) override {
    while (next_ < pieces_.size() && pieces_[next_].empty()) ++next_;
    if (next_ == pieces_.size()) {
      // The server closed the watch; the caller stops here instead of re-watching forever.
      cancel_at_end_.cancel();
      return 0;
    }
    std::string_view& piece = pieces_[next_];
    const std::size_t count = std::min(size, piece.size());
    std::memcpy(buffer, piece.data(), count);
    piece.remove_prefix(count);
    return count;
  }
  void close() noexcept override {}

 private:
  std::vector<std::string_view> pieces_;
  std::size_t next_ = 0;
  orka::CancelToken cancel_at_end_;
};

class ReplayClient final : public orka::Client {
 public:
  ReplayClient(std::string_view list_body, std::vector<std::string_view> pieces,
               orka::CancelToken cancel)
      : list_body_(list_body), pieces_(std::move(pieces)), cancel_(std::move(cancel)) {}

  orka::Result<orka::Response> send(const orka::Request& request, const orka::CancelToken&) override {
    ORKA_FUZZ_CHECK(request.path.starts_with("/api/v1/namespaces/web/pods"));
    if (++lists_ > 3) cancel_.cancel();  // a relist after each 410 Gone, a few times at most
    return orka::Response{200, {}, std::string(list_body_)};
  }
  orka::Result<std::unique_ptr<orka::ByteStream>> open_stream(const orka::Request& request,
                                                              const orka::CancelToken&) override {
    ORKA_FUZZ_CHECK(request.path.find("watch=true") != std::string::npos);
    if (++watches_ > 3) {
      cancel_.cancel();
      return orka::fail(orka::ErrorKind::Cancelled, "cancelled");
    }
    return std::make_unique<ReplayStream>(pieces_, cancel_);
  }
  orka::Result<std::unique_ptr<orka::WebSocket>> open_websocket(const orka::UpgradeRequest&,
                                                                const orka::CancelToken&) override {
    return orka::fail(orka::ErrorKind::Unsupported, "not in this test");
  }
  std::string default_namespace() const override { return "web"; }
  std::string server() const override { return "https://127.0.0.1:6443"; }

 private:
  std::string_view list_body_;
  std::vector<std::string_view> pieces_;
  orka::CancelToken cancel_;
  int lists_ = 0;
  int watches_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = orka_fuzz::as_text(data, size);
  const auto nul = text.find('\0');
  if (nul == std::string_view::npos) return 0;
  const std::string_view stream = text.substr(nul + 1);

  orka::CancelToken cancel;
  ReplayClient client(text.substr(0, nul),
                      orka_fuzz::pieces_of(stream, orka_fuzz::cuts_from(stream)), cancel);
  orka::WatchTarget target;
  target.collection_path = orka::ApiPath::group_version("", "v1").in_namespace("web").segment("pods");
  target.field_selector = "spec.nodeName=node-1";
  target.permission = orka::Permission{"get", "", "pods", "", "web", ""};
  orka::WatchLimits limits;
  limits.retry_delay = std::chrono::milliseconds(0);
  auto handler = [&](const orka::WatchEvent& event) -> orka::Result<orka::WatchAction> {
    if (event.type == orka::WatchEvent::Type::Listed) ORKA_FUZZ_CHECK(event.object.is_array());
    return orka::WatchAction::Continue;
  };
  auto result = orka::list_and_watch(client, target, handler, limits, cancel);
  ORKA_FUZZ_CHECK(!result);  // the replay always ends by cancelling or failing
  ORKA_FUZZ_CHECK(!result.error().message.empty());
  ORKA_FUZZ_CHECK(result.error().kind != orka::ErrorKind::Internal);
  return 0;
}
