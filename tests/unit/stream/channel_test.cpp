// BoundedChannel: order, drop-oldest accounting, backpressure, close, cancel and timeouts.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "orka/stream.hpp"

using namespace orka;
using namespace std::chrono_literals;

TEST_CASE("items come out in order") {
  BoundedChannel<int> channel(4);
  for (int i = 0; i < 4; ++i) CHECK(channel.push(i));
  CHECK(channel.size() == 4);
  for (int i = 0; i < 4; ++i) {
    auto got = channel.receive_for(0ms);
    REQUIRE(got);
    CHECK(*got.value == i);
    CHECK(got.dropped_before == 0);
  }
  CHECK(channel.receive_for(0ms).status == ReceiveStatus::TimedOut);
}

TEST_CASE("drop-oldest: the gap is reported on the first item after it, exactly") {
  BoundedChannel<int> channel(3, Overflow::DropOldest);
  for (int i = 1; i <= 3; ++i) channel.push(i);
  // Full: 4 drops 1, 5 drops 2.
  channel.push(4);
  channel.push(5);
  CHECK(channel.dropped_total() == 2);
  CHECK(channel.size() == 3);

  auto a = channel.receive_for(0ms);
  REQUIRE(a);
  CHECK(*a.value == 3);
  CHECK(a.dropped_before == 2);  // 1 and 2 were lost before 3
  auto b = channel.receive_for(0ms);
  CHECK(*b.value == 4);
  CHECK(b.dropped_before == 0);

  // Drops of a dropped item are carried forward, never lost: 6,7,8,9 into [5].
  for (int i = 6; i <= 9; ++i) channel.push(i);  // [5,6,7] then 8 drops 5, 9 drops 6
  auto c = channel.receive_for(0ms);
  CHECK(*c.value == 7);
  CHECK(c.dropped_before == 2);  // 5 and 6
  CHECK(*channel.receive_for(0ms).value == 8);
  CHECK(*channel.receive_for(0ms).value == 9);
  CHECK(channel.dropped_total() == 4);
}

TEST_CASE("drop-oldest with capacity 1: the survivor carries the whole gap") {
  BoundedChannel<int> channel(1, Overflow::DropOldest);
  for (int i = 0; i < 10; ++i) channel.push(i);
  auto got = channel.receive_for(0ms);
  REQUIRE(got);
  CHECK(*got.value == 9);
  CHECK(got.dropped_before == 9);
  CHECK(channel.dropped_total() == 9);
  // Capacity 0 is treated as 1.
  CHECK(BoundedChannel<int>(0).capacity() == 1);
}

TEST_CASE("block: a full channel makes the producer wait for room, nothing is lost") {
  BoundedChannel<int> channel(2, Overflow::Block);
  channel.push(1);
  channel.push(2);
  std::atomic<bool> pushed{false};
  std::thread producer([&] {
    channel.push(3);
    pushed = true;
  });
  std::this_thread::sleep_for(50ms);
  CHECK_FALSE(pushed);  // still waiting
  CHECK(*channel.receive().value == 1);
  producer.join();
  CHECK(pushed);
  CHECK(*channel.receive().value == 2);
  CHECK(*channel.receive().value == 3);
  CHECK(channel.dropped_total() == 0);
}

TEST_CASE("block: cancelling a waiting producer fails its push") {
  BoundedChannel<int> channel(1, Overflow::Block);
  channel.push(1);
  CancelToken cancel;
  std::atomic<int> result{-1};
  std::thread producer([&] { result = channel.push(2, cancel) ? 1 : 0; });
  std::this_thread::sleep_for(30ms);
  CHECK(result == -1);
  cancel.cancel();
  producer.join();
  CHECK(result == 0);
  CHECK(channel.size() == 1);
}

TEST_CASE("close: pushes fail, queued items drain, then Closed") {
  BoundedChannel<std::string> channel(4);
  channel.push("a");
  channel.push("b");
  channel.close();
  CHECK(channel.closed());
  CHECK_FALSE(channel.push("c"));
  CHECK(*channel.receive().value == "a");
  CHECK(*channel.receive().value == "b");
  auto end = channel.receive();
  CHECK(end.status == ReceiveStatus::Closed);
  CHECK_FALSE(end);
  CHECK(channel.receive_for(1s).status == ReceiveStatus::Closed);  // immediately
}

TEST_CASE("close wakes a blocked consumer and a blocked producer") {
  BoundedChannel<int> empty(1, Overflow::Block);
  std::thread consumer([&] { CHECK(empty.receive().status == ReceiveStatus::Closed); });
  BoundedChannel<int> full(1, Overflow::Block);
  full.push(0);
  std::thread producer([&] { CHECK_FALSE(full.push(1)); });
  std::this_thread::sleep_for(30ms);
  empty.close();
  full.close();
  consumer.join();
  producer.join();
}

TEST_CASE("cancellable receive") {
  BoundedChannel<int> channel(2);
  CancelToken cancel;
  SUBCASE("cancelled while waiting") {
    std::thread canceller([&] {
      std::this_thread::sleep_for(20ms);
      cancel.cancel();
    });
    auto got = channel.receive(cancel);
    CHECK(got.status == ReceiveStatus::Cancelled);
    canceller.join();
  }
  SUBCASE("already cancelled, nothing queued") {
    cancel.cancel();
    CHECK(channel.receive(cancel).status == ReceiveStatus::Cancelled);
    CHECK(channel.receive_for(1s, cancel).status == ReceiveStatus::Cancelled);
  }
  SUBCASE("queued items are still delivered after cancel") {
    channel.push(7);
    cancel.cancel();
    auto got = channel.receive(cancel);
    REQUIRE(got);
    CHECK(*got.value == 7);
  }
}

TEST_CASE("timed receive") {
  BoundedChannel<int> channel(2);
  auto start = std::chrono::steady_clock::now();
  auto got = channel.receive_for(30ms);
  CHECK(got.status == ReceiveStatus::TimedOut);
  CHECK(std::chrono::steady_clock::now() - start >= 30ms);
  std::thread producer([&] {
    std::this_thread::sleep_for(10ms);
    channel.push(5);
  });
  auto late = channel.receive_for(5s);
  REQUIRE(late);
  CHECK(*late.value == 5);
  producer.join();
}

TEST_CASE("move-only items") {
  BoundedChannel<std::unique_ptr<int>> channel(2);
  channel.push(std::make_unique<int>(3));
  auto got = channel.receive();
  REQUIRE(got);
  CHECK(**got.value == 3);
}

TEST_CASE("block: a waiting producer resumes once half the channel is free, not per slot") {
  BoundedChannel<int> channel(4, Overflow::Block);
  for (int i = 0; i < 4; ++i) channel.push(i);
  std::atomic<bool> pushed{false};
  std::thread producer([&] {
    channel.push(4);
    pushed = true;
  });
  std::this_thread::sleep_for(50ms);  // the producer is waiting on the full channel
  CHECK_FALSE(pushed);
  CHECK(*channel.receive().value == 0);  // 3 left: above the low watermark (2)
  std::this_thread::sleep_for(50ms);
  CHECK_FALSE(pushed);
  CHECK(*channel.receive().value == 1);  // 2 left: the producer may go on
  producer.join();
  CHECK(pushed);
  for (int want = 2; want <= 4; ++want) CHECK(*channel.receive().value == want);
  CHECK(channel.dropped_total() == 0);
}

TEST_CASE("push_all: items in order, one call") {
  BoundedChannel<int> channel(8);
  std::vector<int> run{1, 2, 3};
  CHECK(channel.push_all(run));
  std::vector<int> empty;
  CHECK(channel.push_all(empty));
  for (int want = 1; want <= 3; ++want) CHECK(*channel.receive_for(0ms).value == want);
  CHECK(channel.receive_for(0ms).status == ReceiveStatus::TimedOut);
}

TEST_CASE("push_all, block: a run longer than the channel reaches a consumer that was asleep") {
  // The consumer waits on the empty channel before the run is pushed: the producer must wake
  // it before waiting for room itself, or both would wait forever.
  BoundedChannel<int> channel(4, Overflow::Block);
  std::vector<int> got;
  std::thread consumer([&] {
    for (;;) {
      auto item = channel.receive();
      if (!item) return;
      got.push_back(*item.value);
    }
  });
  std::this_thread::sleep_for(30ms);
  std::vector<int> run(100);
  for (int i = 0; i < 100; ++i) run[i] = i;
  CHECK(channel.push_all(run));
  channel.close();
  consumer.join();
  REQUIRE(got.size() == 100);
  for (int i = 0; i < 100; ++i) CHECK(got[i] == i);
  CHECK(channel.dropped_total() == 0);
}

TEST_CASE("push_all, drop-oldest: a run longer than the channel keeps its newest, gap counted") {
  BoundedChannel<int> channel(3, Overflow::DropOldest);
  std::vector<int> run{1, 2, 3, 4, 5};
  CHECK(channel.push_all(run));
  auto first = channel.receive_for(0ms);
  REQUIRE(first);
  CHECK(*first.value == 3);
  CHECK(first.dropped_before == 2);
  CHECK(*channel.receive_for(0ms).value == 4);
  CHECK(*channel.receive_for(0ms).value == 5);
}

TEST_CASE("push_all fails on a closed channel and when cancelled while waiting for room") {
  BoundedChannel<int> closed(4);
  closed.close();
  std::vector<int> run{1};
  CHECK_FALSE(closed.push_all(run));

  BoundedChannel<int> channel(2, Overflow::Block);
  CancelToken cancel;
  std::atomic<int> result{-1};
  std::thread producer([&] {
    std::vector<int> many{1, 2, 3, 4};
    result = channel.push_all(many, cancel) ? 1 : 0;
  });
  std::this_thread::sleep_for(30ms);
  CHECK(result == -1);  // two queued, waiting for room for the third
  cancel.cancel();
  producer.join();
  CHECK(result == 0);
  CHECK(channel.size() == 2);
}
