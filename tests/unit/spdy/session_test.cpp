// The SPDY session against a scripted server on a socketpair.
#include <doctest/doctest.h>

#include <atomic>
#include <future>
#include <thread>

#include "fake_peer.hpp"
#include "transport/spdy_pinger.hpp"
#include "transport/spdy_session.hpp"

using namespace spdy_test;

namespace {

std::unique_ptr<SpdySession> start_session(int fd, const CancelToken& cancel,
                                           const SpdySessionOptions& options = {}) {
  auto session =
      SpdySession::start(make_connection_spdy_pipe(std::make_unique<FdConnection>(fd)), cancel,
                         options);
  REQUIRE_MESSAGE(session.has_value(), session.error().message);
  return std::move(*session);
}

std::string read_all(SpdyStream& stream) {
  std::string out;
  char buffer[7000];
  for (;;) {
    auto got = stream.read(buffer, sizeof buffer);
    REQUIRE_MESSAGE(got.has_value(), got.error().message);
    if (*got == 0) return out;
    out.append(buffer, *got);
  }
}

std::string pattern(std::size_t size) {
  std::string out(size, '\0');
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<char>((i * 131 + 7) & 0xff);
  return out;
}

}  // namespace

TEST_CASE("a stream opens, carries data both ways and half-closes each side") {
  SocketPair pair;
  FakeSpdyServer server(pair.server);
  CancelToken cancel;
  SpdySessionOptions options;
  options.stream_receive_window = 1 << 20;
  std::thread script([&] {
    auto settings = server.next();
    REQUIRE(settings);
    CHECK(settings->type == SpdyFrameType::Settings);
    REQUIRE(settings->settings.size() == 1);
    CHECK(settings->settings[0].id == kSpdySettingInitialWindowSize);
    CHECK(settings->settings[0].value == (1u << 20));
    auto window = server.next();
    REQUIRE(window);
    CHECK(window->type == SpdyFrameType::WindowUpdate);
    CHECK(window->stream_id == 0);
    CHECK(window->delta_window == options.session_receive_window - kSpdyInitialWindow);

    auto syn = server.next();
    REQUIRE(syn);
    CHECK(syn->type == SpdyFrameType::SynStream);
    CHECK(syn->stream_id == 1);
    CHECK_FALSE(syn->fin());
    REQUIRE(spdy_find_header(syn->headers, "streamtype"));
    CHECK(*spdy_find_header(syn->headers, "streamtype") == "stdin");
    server.reply(1, {{"x-answer", "yes"}});

    std::string received;
    for (;;) {
      auto frame = server.next_except(SpdyFrameType::WindowUpdate);
      REQUIRE(frame);
      CHECK(frame->type == SpdyFrameType::Data);
      received += frame->data;
      if (frame->fin()) break;
    }
    CHECK(received == pattern(300000));
    server.data(1, "world, ");
    server.data(1, "and goodbye", true);
  });

  auto session = start_session(pair.client, cancel, options);
  auto stream = session->open_stream({{"streamType", "stdin"}});
  REQUIRE_MESSAGE(stream.has_value(), stream.error().message);
  CHECK((*stream)->id() == 1);
  REQUIRE(spdy_find_header((*stream)->reply_headers(), "x-answer"));
  REQUIRE((*stream)->write(pattern(300000)).has_value());  // several frames of max_send_frame
  REQUIRE((*stream)->close_write().has_value());
  CHECK((*stream)->close_write().has_value());  // idempotent
  CHECK(read_all(**stream) == "world, and goodbye");
  auto after_fin = (*stream)->write("late");
  CHECK_FALSE(after_fin.has_value());
  script.join();
  session->close();
}

TEST_CASE("a reset stream fails alone while another stream keeps working") {
  SocketPair pair;
  FakeSpdyServer server(pair.server);
  CancelToken cancel;
  std::thread script([&] {
    server.expect_hello();
    auto first = server.next();
    REQUIRE(first);
    server.reply(first->stream_id);
    auto second = server.next();
    REQUIRE(second);
    CHECK(second->stream_id == 3);
    server.reply(second->stream_id);
    std::string rst;
    SpdyFrameEncoder::rst_stream(rst, 1, SpdyRstStatus::InternalError);
    server.send(rst);
    server.data(1, "dropped after the reset");
    server.data(3, "still here", true);
    auto echo = server.next_except(SpdyFrameType::WindowUpdate);
    REQUIRE(echo);
    CHECK(echo->stream_id == 3);
    CHECK(echo->data == "ping from 3");
    // A locally reset stream: the server sees RST_STREAM CANCEL for it.
    auto fifth = server.next_except(SpdyFrameType::WindowUpdate);
    REQUIRE(fifth);
    CHECK(fifth->stream_id == 5);
    server.reply(5);
    auto local_reset = server.next_except(SpdyFrameType::WindowUpdate);
    REQUIRE(local_reset);
    CHECK(local_reset->type == SpdyFrameType::RstStream);
    CHECK(local_reset->stream_id == 5);
    CHECK(local_reset->status == static_cast<std::uint32_t>(SpdyRstStatus::Cancel));
    server.data(3, "x");  // proof the session still reads after all this
  });

  auto session = start_session(pair.client, cancel);
  auto one = session->open_stream({{"streamtype", "error"}});
  REQUIRE(one.has_value());
  auto three = session->open_stream({{"streamtype", "data"}});
  REQUIRE(three.has_value());
  char buffer[64];
  auto failed = (*one)->read(buffer, sizeof buffer);
  REQUIRE_FALSE(failed.has_value());
  CHECK(failed.error().message == "the server reset SPDY stream 1 (INTERNAL_ERROR)");
  CHECK_FALSE((*one)->write("x").has_value());
  CHECK(read_all(**three) == "still here");
  CHECK((*three)->write("ping from 3").has_value());
  auto five = session->open_stream({{"streamtype", "data"}});
  REQUIRE(five.has_value());
  (*five)->reset();
  auto reset_read = (*five)->read(buffer, sizeof buffer);
  REQUIRE_FALSE(reset_read.has_value());
  CHECK(reset_read.error().message == "SPDY stream 5 was reset locally");
  script.join();
  CHECK_FALSE(session->closed());
  session->close();
  CHECK(session->closed());
}

TEST_CASE("data the server sent before resetting a stream is still read, then the reset") {
  SocketPair pair;
  FakeSpdyServer server(pair.server);
  CancelToken cancel;
  std::thread script([&] {
    server.expect_hello();
    auto syn = server.next();
    REQUIRE(syn);
    server.reply(syn->stream_id);
    // The kubelet's end of an exec: the status on the error stream, then RST_STREAM CANCEL.
    server.data(syn->stream_id, R"({"status":"Failure","reason":"NonZeroExitCode"})");
    std::string rst;
    SpdyFrameEncoder::rst_stream(rst, syn->stream_id, SpdyRstStatus::Cancel);
    server.send(rst);
  });
  auto session = start_session(pair.client, cancel);
  auto stream = session->open_stream({{"streamtype", "error"}});
  REQUIRE(stream.has_value());
  script.join();
  // Both frames have arrived before the first read (the reader thread queues them in order).
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  char buffer[128];
  auto got = (*stream)->read(buffer, sizeof buffer);
  REQUIRE_MESSAGE(got.has_value(), got.error().message);
  CHECK(std::string(buffer, *got) == R"({"status":"Failure","reason":"NonZeroExitCode"})");
  auto after = (*stream)->read(buffer, sizeof buffer);
  REQUIRE_FALSE(after.has_value());
  CHECK(after.error().message == "the server reset SPDY stream 1 (CANCEL)");
  session->close();
}

TEST_CASE("send flow control: a window exhausted by SETTINGS waits for WINDOW_UPDATE") {
  SocketPair pair;
  FakeSpdyServer server(pair.server);
  CancelToken cancel;
  std::atomic<bool> write_done{false};
  std::thread script([&] {
    server.expect_hello();
    // A flow-controlled peer: 1000-byte stream windows.
    std::string settings;
    SpdyFrameEncoder::settings(settings, {{0, kSpdySettingInitialWindowSize, 1000}});
    server.send(settings);
    auto syn = server.next();
    REQUIRE(syn);
    server.reply(syn->stream_id);
    std::size_t received = 0;
    while (received < 1000) {
      auto frame = server.next();
      REQUIRE(frame);
      REQUIRE(frame->type == SpdyFrameType::Data);
      received += frame->data.size();
    }
    CHECK(received == 1000);
    // The window is spent: nothing more may come until the server grants more.
    CHECK_FALSE(server.next(std::chrono::milliseconds(300)));
    CHECK_FALSE(write_done.load());
    std::string grant;
    SpdyFrameEncoder::window_update(grant, syn->stream_id, 4000);
    server.send(grant);
    while (received < 5000) {
      auto frame = server.next();
      REQUIRE(frame);
      received += frame->data.size();
    }
    CHECK(received == 5000);
  });

  auto session = start_session(pair.client, cancel);
  auto stream = session->open_stream({{"streamtype", "stdin"}});
  REQUIRE(stream.has_value());
  auto written = (*stream)->write(pattern(5000));
  write_done = true;
  CHECK(written.has_value());
  script.join();
}

TEST_CASE("send flow control, Auto: a peer that never speaks flow control is not waited for") {
  // moby/spdystream, on the kubelet and the API server, sends neither SETTINGS nor
  // WINDOW_UPDATE: 1 MiB must still go through the 64 KiB initial window.
  SocketPair pair;
  FakeSpdyServer server(pair.server);
  CancelToken cancel;
  std::thread script([&] {
    server.expect_hello();
    auto syn = server.next();
    REQUIRE(syn);
    server.reply(syn->stream_id);
    std::string received;
    for (;;) {
      auto frame = server.next();
      REQUIRE(frame);
      received += frame->data;
      if (frame->fin()) break;
    }
    CHECK(received == pattern(1 << 20));
  });
  auto session = start_session(pair.client, cancel);
  auto stream = session->open_stream({});
  REQUIRE(stream.has_value());
  CHECK((*stream)->write(pattern(1 << 20)).has_value());
  CHECK((*stream)->close_write().has_value());
  script.join();
}

TEST_CASE("receive flow control: consumed data is granted back in large WINDOW_UPDATEs") {
  SocketPair pair;
  FakeSpdyServer server(pair.server);
  CancelToken cancel;
  SpdySessionOptions options;
  options.stream_receive_window = 8192;
  options.session_receive_window = kSpdyInitialWindow;  // no session WINDOW_UPDATE at start
  std::thread script([&] {
    auto settings = server.next();
    REQUIRE(settings);
    CHECK(settings->settings.at(0).value == 8192);
    // A peer that does flow control says so (here: its own initial window).
    std::string own_settings;
    SpdyFrameEncoder::settings(own_settings, {{0, kSpdySettingInitialWindowSize, 1 << 20}});
    server.send(own_settings);
    auto syn = server.next();
    REQUIRE(syn);
    CHECK(syn->type == SpdyFrameType::SynStream);
    server.reply(syn->stream_id);
    // A faithful peer: it never has more than the granted window in flight.
    constexpr std::size_t kTotal = 4 * 8192;
    std::int64_t window = 8192;
    std::size_t sent = 0;
    int updates = 0;
    while (sent < kTotal) {
      if (window > 0) {
        const std::size_t count = std::min<std::size_t>(static_cast<std::size_t>(window), kTotal - sent);
        server.data(syn->stream_id, pattern(count));
        sent += count;
        window -= static_cast<std::int64_t>(count);
        continue;
      }
      auto update = server.next();
      REQUIRE(update);
      REQUIRE(update->type == SpdyFrameType::WindowUpdate);
      if (update->stream_id == 0) continue;
      CHECK(update->delta_window >= 4096);  // half a window at least: few, large updates
      window += update->delta_window;
      ++updates;
    }
    CHECK(updates >= 3);
    server.data(syn->stream_id, {}, true);
  });
  auto session = start_session(pair.client, cancel, options);
  auto stream = session->open_stream({});
  REQUIRE(stream.has_value());
  CHECK(read_all(**stream).size() == 4 * 8192);
  script.join();
}

TEST_CASE("receive flow control: a peer that never showed flow control gets no WINDOW_UPDATE") {
  // spdystream ignores them, and one arriving after it closed its socket draws a TCP RST that
  // destroys the exit status still in flight.
  SocketPair pair;
  FakeSpdyServer server(pair.server);
  CancelToken cancel;
  SpdySessionOptions options;
  options.stream_receive_window = 8192;
  options.session_receive_window = kSpdyInitialWindow;
  int window_updates = 0;
  std::thread script([&] {
    auto settings = server.next();
    REQUIRE(settings);
    auto syn = server.next();
    REQUIRE(syn);
    server.reply(syn->stream_id);
    for (int i = 0; i < 32; ++i) server.data(syn->stream_id, pattern(8192));
    server.data(syn->stream_id, {}, true);
    while (auto frame = server.next(std::chrono::milliseconds(300)))
      if (frame->type == SpdyFrameType::WindowUpdate) ++window_updates;
  });
  auto session = start_session(pair.client, cancel, options);
  auto stream = session->open_stream({});
  REQUIRE(stream.has_value());
  CHECK(read_all(**stream).size() == 32 * 8192);
  script.join();
  CHECK(window_updates == 0);
}

TEST_CASE("PING: the server's is echoed, ours is answered") {
  SocketPair pair;
  FakeSpdyServer server(pair.server);
  CancelToken cancel;
  std::thread script([&] {
    server.expect_hello();
    std::string ping;
    SpdyFrameEncoder::ping(ping, 2);
    server.send(ping);
    auto echo = server.next();
    REQUIRE(echo);
    CHECK(echo->type == SpdyFrameType::Ping);
    CHECK(echo->ping_id == 2);
    auto ours = server.next();
    REQUIRE(ours);
    CHECK(ours->type == SpdyFrameType::Ping);
    CHECK(ours->ping_id % 2 == 1);
    std::string answer;
    SpdyFrameEncoder::ping(answer, ours->ping_id);
    server.send(answer);
    // The second PING is left unanswered.
    auto unanswered = server.next();
    REQUIRE(unanswered);
    CHECK(unanswered->ping_id == ours->ping_id + 2);
  });
  auto session = start_session(pair.client, cancel);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the echo goes out first
  auto rtt = session->ping(std::chrono::seconds(5));
  CHECK_MESSAGE(rtt.has_value(), (rtt ? "" : rtt.error().message));
  auto timeout = session->ping(std::chrono::milliseconds(100));
  REQUIRE_FALSE(timeout.has_value());
  CHECK(timeout.error().kind == ErrorKind::Timeout);
  script.join();
}

TEST_CASE("PING: answers nobody asked for are dropped, never taken for ours") {
  SocketPair pair;
  FakeSpdyServer server(pair.server);
  CancelToken cancel;
  std::atomic<bool> flooded{false};
  std::thread script([&] {
    server.expect_hello();
    // Odd ids are the client's: these "answer" PINGs it has not sent (yet), 1 included.
    std::string flood;
    for (std::uint32_t id = 1; id < 20000; id += 2) SpdyFrameEncoder::ping(flood, id);
    server.send(flood);
    flooded = true;
    auto ours = server.next();  // left unanswered
    REQUIRE(ours);
    CHECK(ours->type == SpdyFrameType::Ping);
  });
  auto session = start_session(pair.client, cancel);
  while (!flooded) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the reader takes them in
  auto answered = session->ping(std::chrono::milliseconds(300));
  REQUIRE_FALSE(answered.has_value());
  CHECK(answered.error().kind == ErrorKind::Timeout);
  script.join();
}

TEST_CASE("GOAWAY: streams the server did not take fail, new streams are refused") {
  SocketPair pair;
  FakeSpdyServer server(pair.server);
  CancelToken cancel;
  std::thread script([&] {
    server.expect_hello();
    auto first = server.next();
    REQUIRE(first);
    server.reply(1);
    auto second = server.next();
    REQUIRE(second);
    CHECK(second->stream_id == 3);
    std::string goaway;
    SpdyFrameEncoder::goaway(goaway, 1, SpdyGoAwayStatus::Ok);
    server.send(goaway);
    server.data(1, "stream 1 finishes", true);
  });
  auto session = start_session(pair.client, cancel);
  auto one = session->open_stream({});
  REQUIRE(one.has_value());
  auto three = session->open_stream({});
  REQUIRE_FALSE(three.has_value());
  CHECK(three.error().kind == ErrorKind::Unavailable);
  CHECK(three.error().message.find("GOAWAY before processing SPDY stream 3") != std::string::npos);
  CHECK(read_all(**one) == "stream 1 finishes");
  CHECK(session->closed());
  auto five = session->open_stream({});
  REQUIRE_FALSE(five.has_value());
  CHECK(five.error().kind == ErrorKind::Unavailable);
  script.join();
}

TEST_CASE("cancellation unblocks a reader; a vanished server fails the streams") {
  SUBCASE("cancel") {
    SocketPair pair;
    FakeSpdyServer server(pair.server);
    CancelToken cancel;
    std::thread script([&] {
      server.expect_hello();
      auto syn = server.next();
      REQUIRE(syn);
      server.reply(syn->stream_id);
    });
    auto session = start_session(pair.client, cancel);
    auto stream = session->open_stream({});
    REQUIRE(stream.has_value());
    script.join();
    auto pending = std::async(std::launch::async, [&] {
      char buffer[16];
      return (*stream)->read(buffer, sizeof buffer);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    cancel.cancel();
    auto result = pending.get();
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().kind == ErrorKind::Cancelled);
  }
  SUBCASE("the server closes the connection") {
    SocketPair pair;
    FakeSpdyServer server(pair.server);
    CancelToken cancel;
    std::thread script([&] {
      server.expect_hello();
      auto syn = server.next();
      REQUIRE(syn);
      server.reply(syn->stream_id);
      server.data(syn->stream_id, "partial");
      server.close_socket();
    });
    auto session = start_session(pair.client, cancel);
    auto stream = session->open_stream({});
    REQUIRE(stream.has_value());
    script.join();
    char buffer[16];
    auto first = (*stream)->read(buffer, sizeof buffer);
    REQUIRE(first.has_value());
    CHECK(std::string(buffer, *first) == "partial");
    auto second = (*stream)->read(buffer, sizeof buffer);
    REQUIRE_FALSE(second.has_value());
    CHECK(second.error().kind == ErrorKind::Transport);
    CHECK(second.error().message.find("closed the SPDY connection") != std::string::npos);
  }
}

TEST_CASE("open_stream times out when the server never answers, and resets the stream") {
  SocketPair pair;
  FakeSpdyServer server(pair.server);
  CancelToken cancel;
  SpdySessionOptions options;
  options.reply_timeout = std::chrono::milliseconds(100);
  std::thread script([&] {
    server.expect_hello();
    auto syn = server.next();
    REQUIRE(syn);
    auto reset = server.next();
    REQUIRE(reset);
    CHECK(reset->type == SpdyFrameType::RstStream);
    CHECK(reset->stream_id == syn->stream_id);
  });
  auto session = start_session(pair.client, cancel, options);
  auto stream = session->open_stream({});
  REQUIRE_FALSE(stream.has_value());
  CHECK(stream.error().kind == ErrorKind::Timeout);
  script.join();
}

TEST_CASE("concurrent openers reach the wire in increasing stream-id order") {
  SocketPair pair;
  FakeSpdyServer server(pair.server);
  CancelToken cancel;
  constexpr int kStreams = 40;
  std::thread script([&] {
    server.expect_hello();
    std::uint32_t last = 0;
    for (int i = 0; i < kStreams; ++i) {
      auto syn = server.next_except(SpdyFrameType::WindowUpdate);
      REQUIRE(syn);
      CHECK(syn->stream_id > last);
      last = syn->stream_id;
      server.reply(syn->stream_id);
      server.data(syn->stream_id, std::to_string(syn->stream_id), true);
    }
  });
  auto session = start_session(pair.client, cancel);
  std::vector<std::thread> openers;
  std::atomic<int> good{0};
  for (int i = 0; i < kStreams; ++i)
    openers.emplace_back([&] {
      auto stream = session->open_stream({});
      if (!stream) return;
      std::string body;
      char buffer[32];
      for (;;) {
        auto got = (*stream)->read(buffer, sizeof buffer);
        if (!got || *got == 0) break;
        body.append(buffer, *got);
      }
      if (body == std::to_string((*stream)->id())) ++good;
    });
  for (auto& opener : openers) opener.join();
  CHECK(good.load() == kStreams);
  script.join();
}

TEST_CASE("abort: open streams and later calls fail with the reason given (a dead keepalive)") {
  SocketPair pair;
  FakeSpdyServer server(pair.server);
  CancelToken cancel;
  std::thread script([&] {
    server.expect_hello();
    auto syn = server.next_except(SpdyFrameType::WindowUpdate);
    REQUIRE(syn);
    REQUIRE(syn->type == SpdyFrameType::SynStream);
    server.reply(syn->stream_id);
    // Then silence: the stream stays open with nothing to read.
    while (server.next(std::chrono::seconds(5))) {
    }
  });
  auto session = start_session(pair.client, cancel);
  auto stream = session->open_stream({{"streamtype", "data"}});
  REQUIRE_MESSAGE(stream.has_value(), stream.error().message);
  std::promise<Result<std::size_t>> read_result;
  std::thread reader([&] {
    char buffer[16];
    read_result.set_value((*stream)->read(buffer, sizeof buffer));
  });
  session->abort(spdy_keepalive_dead(std::chrono::milliseconds(10000)));
  reader.join();
  auto read = read_result.get_future().get();
  REQUIRE_FALSE(read.has_value());
  CHECK(read.error().message.find("the connection is dead") != std::string::npos);
  CHECK(session->closed());
  auto later = session->open_stream({{"streamtype", "data"}});
  REQUIRE_FALSE(later.has_value());
  CHECK(later.error().message.find("the connection is dead") != std::string::npos);
  script.join();
}
