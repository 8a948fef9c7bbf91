// Concurrency stress for BoundedChannel, Stream and CancelToken. Also built with
// -fsanitize=thread as test_stream_tsan, so every case here must be data-race free.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "orka/stream.hpp"

using namespace orka;
using namespace std::chrono_literals;

namespace {
// Items encode their producer and sequence number so loss and duplication are visible.
constexpr int kProducers = 4;
constexpr int kConsumers = 3;
#if defined(__SANITIZE_THREAD__)
constexpr int kPerProducer = 5000;  // TSan is ~10x slower
constexpr int kRaceRounds = 3000;
#else
constexpr int kPerProducer = 20000;
constexpr int kRaceRounds = 30000;
#endif

std::uint64_t encode(int producer, int sequence) {
  return (static_cast<std::uint64_t>(producer) << 32) | static_cast<std::uint32_t>(sequence);
}
}  // namespace

TEST_CASE("block mode under concurrent producers and consumers loses nothing") {
  BoundedChannel<std::uint64_t> channel(16, Overflow::Block);
  std::vector<std::vector<std::uint64_t>> received(kConsumers);
  std::vector<std::thread> threads;
  for (int c = 0; c < kConsumers; ++c)
    threads.emplace_back([&, c] {
      while (auto got = channel.receive()) received[c].push_back(*got.value);
    });
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p)
    producers.emplace_back([&, p] {
      for (int i = 0; i < kPerProducer; ++i) REQUIRE(channel.push(encode(p, i)));
    });
  for (auto& t : producers) t.join();
  channel.close();
  for (auto& t : threads) t.join();

  std::vector<std::vector<int>> seen(kProducers, std::vector<int>(kPerProducer, 0));
  std::size_t total = 0;
  for (const auto& items : received) {
    // Each consumer sees each producer's items in the order they were pushed.
    std::vector<int> last(kProducers, -1);
    for (auto item : items) {
      int p = static_cast<int>(item >> 32);
      int i = static_cast<int>(item & 0xffffffffu);
      ++seen[p][i];
      CHECK(i > last[p]);
      last[p] = i;
    }
    total += items.size();
  }
  CHECK(total == static_cast<std::size_t>(kProducers * kPerProducer));
  bool each_once = true;
  for (const auto& per : seen)
    for (int count : per) each_once = each_once && count == 1;
  CHECK(each_once);
  CHECK(channel.dropped_total() == 0);
}

TEST_CASE("drop-oldest under concurrency: delivered + dropped == produced, exactly") {
  BoundedChannel<std::uint64_t> channel(8, Overflow::DropOldest);
  std::atomic<std::uint64_t> delivered{0};
  std::atomic<std::uint64_t> reported_drops{0};
  std::vector<std::thread> consumers;
  for (int c = 0; c < kConsumers; ++c)
    consumers.emplace_back([&] {
      for (;;) {
        auto got = channel.receive();
        reported_drops += got.dropped_before;
        if (!got) break;
        ++delivered;
        if (delivered % 64 == 0) std::this_thread::sleep_for(50us);  // lag now and then
      }
    });
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p)
    producers.emplace_back([&, p] {
      for (int i = 0; i < kPerProducer; ++i) REQUIRE(channel.push(encode(p, i)));
    });
  for (auto& t : producers) t.join();
  channel.close();
  for (auto& t : consumers) t.join();

  const std::uint64_t produced = kProducers * kPerProducer;
  CHECK(channel.dropped_total() > 0);  // the consumers did lag
  CHECK(delivered + channel.dropped_total() == produced);
  CHECK(reported_drops == channel.dropped_total());  // every drop was reported once
}

TEST_CASE("timed and cancellable receives racing cancel and close never hang") {
  // Regression: a receive that ends (timeout, close) while cancel() runs its wake-up callback
  // used to unregister that callback with the channel's mutex held, and the callback waits
  // for that mutex: a deadlock roughly once in 20000 rounds. A hang here fails by timeout.
  for (int round = 0; round < kRaceRounds; ++round) {
    BoundedChannel<int> channel(2, Overflow::Block);
    CancelToken cancel;
    std::atomic<bool> go{false};
    std::thread consumer([&] {
      while (!go) std::this_thread::yield();
      for (int i = 0; i < 50 && !cancel.cancelled(); ++i)
        (void)channel.receive_for(std::chrono::milliseconds(0), cancel);
    });
    std::thread canceller([&] {
      go = true;
      for (int spin = 0; spin < round % 200; spin = spin + 1) asm volatile("");
      if (round % 7 == 0) channel.close();
      cancel.cancel();
    });
    consumer.join();
    canceller.join();
  }
}

TEST_CASE("blocked producers racing cancel never hang") {
  for (int round = 0; round < 300; ++round) {
    BoundedChannel<int> channel(1, Overflow::Block);
    channel.push(0);
    CancelToken cancel;
    std::thread producer([&] { (void)channel.push(1, cancel); });
    std::thread consumer([&] { (void)channel.receive_for(std::chrono::milliseconds(round % 2)); });
    cancel.cancel();
    producer.join();
    consumer.join();
  }
}

TEST_CASE("streams started and cancelled from many threads") {
  std::vector<std::thread> threads;
  std::atomic<int> finished{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int round = 0; round < 50; ++round) {
        auto stream = Stream<int, int>::spawn(
            4, (round + t) % 2 ? Overflow::Block : Overflow::DropOldest, CancelToken(),
            [](StreamWriter<int>& out) -> Result<int> {
              int n = 0;
              while (out.push(n)) ++n;
              return n;
            });
        for (int i = 0; i < round % 5; ++i) (void)stream.next();
        stream.cancel();
        if (stream.finish().has_value()) ++finished;
      }
    });
  for (auto& t : threads) t.join();
  CHECK(finished == 200);
}

TEST_CASE("cancel tokens: registrations come and go while cancel runs") {
  for (int round = 0; round < 200; ++round) {
    CancelToken token;
    std::atomic<int> calls{0};
    std::vector<std::thread> registrars;
    for (int r = 0; r < 3; ++r)
      registrars.emplace_back([&] {
        for (int i = 0; i < 20; ++i) {
          auto counter = std::make_shared<std::atomic<int>>(0);
          auto guard = std::make_unique<int>(1);
          int* raw = guard.get();
          auto registration = token.on_cancel([&calls, raw, counter] {
            ++*counter;
            *raw += 1;  // touches memory owned by this iteration: must not outlive it
            ++calls;
          });
          if (i % 2) std::this_thread::yield();
          registration.reset();  // waits for a running callback
          guard.reset();
          CHECK(*counter <= 1);
        }
      });
    std::thread canceller([&] { token.cancel(); });
    for (auto& t : registrars) t.join();
    canceller.join();
    CHECK(calls <= 60);
  }
}

TEST_CASE("child tokens created and cancelled concurrently") {
  for (int round = 0; round < 200; ++round) {
    CancelToken parent;
    std::vector<std::thread> threads;
    std::atomic<int> cancelled_children{0};
    for (int t = 0; t < 3; ++t)
      threads.emplace_back([&] {
        CancelToken child = parent.child();
        if (child.wait_for(std::chrono::seconds(10))) ++cancelled_children;
      });
    parent.cancel();
    for (auto& t : threads) t.join();
    CHECK(cancelled_children == 3);
  }
}
