// SpdyPinger with a scripted ping (the session's round trip): PINGs at the interval, each
// allowed keepalive_dead_after(interval) for its answer; an unanswered one ends the session as
// dead; a session that ended otherwise is left alone; the interval changes and stops. Then the
// same through the public surface: the MuxConnection open_multiplexed returns is a
// KeepaliveControl whose PINGs reach the server, and a session ended by the pinger fails its
// streams with the pinger's error.
#include <doctest/doctest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "fake_peer.hpp"
#include "orka/keepalive.hpp"
#include "one_connection_client.hpp"
#include "transport/spdy_pinger.hpp"

using namespace std::chrono_literals;
using namespace spdy_test;
using orka::core::SpdyPinger;
using Clock = std::chrono::steady_clock;

namespace {

// Records every ping and answers it as told.
class ScriptedPings {
 public:
  SpdyPinger::Ping function() {
    return [this](std::chrono::milliseconds timeout) -> Result<Clock::duration> {
      std::lock_guard lock(mutex_);
      times_.push_back(Clock::now());
      timeouts_.push_back(timeout);
      changed_.notify_all();
      if (unanswered_) return fail(ErrorKind::Timeout, "no PING answer");
      if (session_over_) return fail(ErrorKind::Transport, "the SPDY session was closed");
      return Clock::duration(1ms);
    };
  }
  SpdyPinger::Dead on_dead() {
    return [this](Error why) {
      std::lock_guard lock(mutex_);
      dead_.push_back(std::move(why));
      changed_.notify_all();
    };
  }
  void leave_unanswered() {
    std::lock_guard lock(mutex_);
    unanswered_ = true;
  }
  void end_session() {
    std::lock_guard lock(mutex_);
    session_over_ = true;
  }
  // Waits (at most 5 s) until `count` pings were made; returns how many there are.
  std::size_t wait_for_pings(std::size_t count) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, 5s, [&] { return times_.size() >= count; });
    return times_.size();
  }
  std::size_t wait_for_dead() {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, 5s, [&] { return !dead_.empty(); });
    return dead_.size();
  }
  std::vector<Clock::time_point> times() {
    std::lock_guard lock(mutex_);
    return times_;
  }
  std::vector<std::chrono::milliseconds> timeouts() {
    std::lock_guard lock(mutex_);
    return timeouts_;
  }
  std::vector<Error> dead() {
    std::lock_guard lock(mutex_);
    return dead_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Clock::time_point> times_;
  std::vector<std::chrono::milliseconds> timeouts_;
  std::vector<Error> dead_;
  bool unanswered_ = false;
  bool session_over_ = false;
};

}  // namespace

TEST_CASE("the pinger PINGs once per interval, each allowed keepalive_dead_after for its answer") {
  ScriptedPings script;
  const auto started = Clock::now();
  SpdyPinger pinger(script.function(), script.on_dead(), 30ms);
  REQUIRE(script.wait_for_pings(4) >= 4);
  pinger.stop();
  const auto times = script.times();
  // On time: none before its interval was up (the first one interval after the start).
  CHECK(times[0] - started >= 30ms);
  for (std::size_t i = 1; i < times.size(); ++i) CHECK(times[i] - times[i - 1] >= 30ms);
  for (auto timeout : script.timeouts()) CHECK(timeout == orka::keepalive_dead_after(30ms));
  CHECK(orka::keepalive_dead_after(30ms) == 10s);   // the floor
  CHECK(orka::keepalive_dead_after(20s) == 40s);    // two intervals
  CHECK(script.dead().empty());
}

TEST_CASE("an unanswered PING ends the session as dead, once, and the pinger stops") {
  ScriptedPings script;
  script.leave_unanswered();
  SpdyPinger pinger(script.function(), script.on_dead(), 10ms);
  REQUIRE(script.wait_for_dead() == 1);
  const Error why = script.dead().front();
  CHECK(why.kind == ErrorKind::Transport);
  CHECK(why.message.find("the connection is dead") != std::string::npos);
  CHECK(why.message.find("unanswered for 10000 ms") != std::string::npos);
  pinger.stop();  // returns: the thread ended after reporting
  CHECK(script.times().size() == 1);
  CHECK(script.dead().size() == 1);
}

TEST_CASE("a session that ended otherwise is not reported dead by the pinger") {
  ScriptedPings script;
  script.end_session();
  SpdyPinger pinger(script.function(), script.on_dead(), 10ms);
  REQUIRE(script.wait_for_pings(1) == 1);
  pinger.stop();
  CHECK(script.dead().empty());
  CHECK(script.times().size() == 1);  // nothing more to keep alive
}

TEST_CASE("set_interval: zero stops the PINGs, a new interval starts them again") {
  ScriptedPings script;
  SpdyPinger pinger(script.function(), script.on_dead(), 0ms);
  CHECK(pinger.interval() == 0ms);
  pinger.set_interval(15ms);
  CHECK(pinger.interval() == 15ms);
  REQUIRE(script.wait_for_pings(2) >= 2);
  pinger.set_interval(0ms);
  const std::size_t before = script.times().size();
  // Off: within 20 of the old intervals at most one PING already under way may still come.
  std::this_thread::sleep_for(300ms);
  CHECK(script.times().size() <= before + 1);
  pinger.set_interval(15ms);
  const std::size_t resumed = script.times().size();
  CHECK(script.wait_for_pings(resumed + 2) >= resumed + 2);
  pinger.stop();
}

TEST_CASE("open_multiplexed's connection is a KeepaliveControl: its PINGs reach the server") {
  SocketPair pair;
  auto client = client_on(pair.client);
  std::atomic<int> pings{0};
  std::thread server_thread([&] {
    serve_once(pair.server,
               "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
               "Upgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\n\r\n");
    FakeSpdyServer server(pair.server);
    server.expect_hello();
    // Answers every PING until the client ends the session.
    while (auto frame = server.next(std::chrono::seconds(5))) {
      if (frame->type != SpdyFrameType::Ping) continue;
      CHECK(frame->ping_id % 2 == 1);  // the client's own ids are odd
      std::string answer;
      SpdyFrameEncoder::ping(answer, frame->ping_id);
      server.send(answer);
      ++pings;
    }
  });
  UpgradeRequest request;
  request.path = "/api/v1/namespaces/web/pods/p/portforward";
  request.protocols = {"portforward.k8s.io"};
  CancelToken cancel;
  auto connection = client->open_multiplexed(request, MuxFraming::HttpUpgrade, cancel);
  REQUIRE_MESSAGE(connection.has_value(), connection.error().message);
  auto* keepalive = dynamic_cast<orka::KeepaliveControl*>(connection->get());
  REQUIRE(keepalive != nullptr);
  CHECK(keepalive->keepalive() == orka::kDefaultKeepalive);
  CHECK(orka::apply_keepalive(**connection, 20ms));
  CHECK(keepalive->keepalive() == 20ms);
  const auto deadline = Clock::now() + 5s;
  while (pings < 3 && Clock::now() < deadline) std::this_thread::sleep_for(5ms);
  CHECK(pings >= 3);
  CHECK_FALSE((*connection)->closed());  // answered PINGs: alive
  (*connection)->close();
  server_thread.join();
}
