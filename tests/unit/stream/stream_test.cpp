// Stream: the producer thread, its outcome, cancellation and joining.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "orka/stream.hpp"

using namespace orka;
using namespace std::chrono_literals;

TEST_CASE("spawn: items flow, then Closed, then the outcome") {
  auto stream = Stream<int, int>::spawn(4, Overflow::Block, CancelToken(),
                                        [](StreamWriter<int>& out) -> Result<int> {
                                          for (int i = 0; i < 100; ++i)
                                            if (!out.push(i)) return fail(ErrorKind::Cancelled, "stop");
                                          return 100;
                                        });
  REQUIRE(stream.valid());
  int expected = 0;
  while (auto got = stream.next()) CHECK(*got.value == expected++);
  CHECK(expected == 100);
  auto outcome = stream.finish();
  REQUIRE(outcome.has_value());
  CHECK(*outcome == 100);
}

TEST_CASE("cancel stops an endless producer; finish returns its outcome") {
  std::atomic<bool> saw_cancel{false};
  auto stream = Stream<int>::spawn(8, Overflow::DropOldest, CancelToken(),
                                   [&](StreamWriter<int>& out) -> Result<void> {
                                     for (int i = 0;; ++i) {
                                       if (!out.push(i)) break;
                                       std::this_thread::sleep_for(1ms);
                                     }
                                     saw_cancel = out.cancel().cancelled();
                                     return fail(ErrorKind::Cancelled, "cancelled");
                                   });
  CHECK(stream.next());
  stream.cancel();
  auto outcome = stream.finish();
  REQUIRE_FALSE(outcome.has_value());
  CHECK(outcome.error().kind == ErrorKind::Cancelled);
  CHECK(saw_cancel);
}

TEST_CASE("finish without reading: a producer blocked on a full channel still completes") {
  auto stream = Stream<int, int>::spawn(2, Overflow::Block, CancelToken(),
                                        [](StreamWriter<int>& out) -> Result<int> {
                                          int pushed = 0;
                                          for (int i = 0; i < 50; ++i) pushed += out.push(i);
                                          return pushed;
                                        });
  std::this_thread::sleep_for(20ms);  // let it fill the channel and block
  auto outcome = stream.finish();
  REQUIRE(outcome.has_value());
  CHECK(*outcome == 50);  // it ran to its real end: nothing was cut short
}

TEST_CASE("destroying a Stream cancels and joins its producer") {
  std::atomic<bool> ended{false};
  {
    auto stream = Stream<int>::spawn(1, Overflow::Block, CancelToken(),
                                     [&](StreamWriter<int>& out) -> Result<void> {
                                       while (out.push(1)) {
                                       }
                                       ended = true;
                                       return {};
                                     });
    CHECK(stream.next());
  }
  CHECK(ended);  // joined: the body finished before the destructor returned
}

TEST_CASE("the op's own token cancels the stream too") {
  CancelToken op;
  auto stream = Stream<int>::spawn(4, Overflow::DropOldest, op,
                                   [](StreamWriter<int>& out) -> Result<void> {
                                     out.cancel().wait_for(10s);
                                     return fail(ErrorKind::Cancelled, "cancelled");
                                   });
  op.cancel();
  CHECK(stream.next().status == ReceiveStatus::Closed);
  CHECK(stream.finish().error().kind == ErrorKind::Cancelled);
  CHECK(stream.cancel_token().cancelled());
}

TEST_CASE("exceptions in the body become Internal errors, never escape") {
  auto throws = Stream<int>::spawn(2, Overflow::Block, CancelToken(),
                                   [](StreamWriter<int>& out) -> Result<void> {
                                     out.push(1);
                                     throw std::runtime_error("parser exploded");
                                   });
  CHECK(throws.next());
  CHECK(throws.next().status == ReceiveStatus::Closed);
  auto outcome = throws.finish();
  REQUIRE_FALSE(outcome.has_value());
  CHECK(outcome.error().kind == ErrorKind::Internal);
  CHECK(outcome.error().message == "parser exploded");

  auto throws_int = Stream<int>::spawn(2, Overflow::Block, CancelToken(),
                                       [](StreamWriter<int>&) -> Result<void> { throw 42; });
  auto odd = throws_int.finish();
  REQUIRE_FALSE(odd.has_value());
  CHECK(odd.error().kind == ErrorKind::Internal);
}

TEST_CASE("failed streams end at once with their error") {
  auto stream = Stream<int>::failed(make_error(ErrorKind::NotFound, "pod gone"));
  CHECK(stream.next().status == ReceiveStatus::Closed);
  auto outcome = stream.finish();
  REQUIRE_FALSE(outcome.has_value());
  CHECK(outcome.error().kind == ErrorKind::NotFound);
  CHECK_FALSE(Stream<int>().valid());
}

TEST_CASE("move assignment joins the old producer first") {
  std::atomic<bool> first_ended{false};
  auto stream = Stream<int>::spawn(1, Overflow::Block, CancelToken(),
                                   [&](StreamWriter<int>& out) -> Result<void> {
                                     while (out.push(0)) {
                                     }
                                     first_ended = true;
                                     return {};
                                   });
  stream = Stream<int>::failed(make_error(ErrorKind::Invalid, "replaced"));
  CHECK(first_ended);
  CHECK(stream.finish().error().kind == ErrorKind::Invalid);
}

TEST_CASE("DuplexStream without an input side refuses writes") {
  auto duplex = DuplexStream<int>::failed(make_error(ErrorKind::NotFound, "x"));
  auto written = duplex.write("ls\n");
  REQUIRE_FALSE(written.has_value());
  CHECK(written.error().kind == ErrorKind::Invalid);
  CHECK(duplex.finish().error().kind == ErrorKind::NotFound);
}

TEST_CASE("dropped_total and dropped_before report what a lagging consumer missed") {
  std::atomic<bool> done{false};
  auto stream = Stream<int>::spawn(4, Overflow::DropOldest, CancelToken(),
                                   [&](StreamWriter<int>& out) -> Result<void> {
                                     for (int i = 0; i < 100; ++i) out.push(i);
                                     done = true;
                                     return {};
                                   });
  while (!done) std::this_thread::yield();  // the consumer lags behind all 100 pushes
  CHECK(stream.dropped_total() == 96);
  auto first = stream.next();
  REQUIRE(first);
  CHECK(*first.value == 96);
  CHECK(first.dropped_before == 96);
  for (int i = 97; i < 100; ++i) CHECK(*stream.next().value == i);
  CHECK(stream.next().status == ReceiveStatus::Closed);
  CHECK(stream.finish().has_value());
}
