// CancelToken: callbacks run once, registrations unregister (waiting for a running callback),
// child tokens, wait_for.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "orka/cancel.hpp"

using namespace orka;
using namespace std::chrono_literals;

TEST_CASE("cancel runs every registered callback exactly once") {
  CancelToken token;
  std::atomic<int> a{0}, b{0};
  auto ra = token.on_cancel([&] { ++a; });
  auto rb = token.on_cancel([&] { ++b; });
  CHECK_FALSE(token.cancelled());
  token.cancel();
  token.cancel();
  CancelToken copy = token;
  copy.cancel();
  CHECK(token.cancelled());
  CHECK(copy.cancelled());
  CHECK(a == 1);
  CHECK(b == 1);
}

TEST_CASE("copies share one state") {
  CancelToken token;
  CancelToken copy = token;
  copy.cancel();
  CHECK(token.cancelled());
}

TEST_CASE("registering on a cancelled token runs the callback at once, on this thread") {
  CancelToken token;
  token.cancel();
  std::thread::id ran_on;
  auto registration = token.on_cancel([&] { ran_on = std::this_thread::get_id(); });
  CHECK(ran_on == std::this_thread::get_id());
}

TEST_CASE("a destroyed or reset registration is not called") {
  CancelToken token;
  int called = 0;
  { auto registration = token.on_cancel([&] { ++called; }); }
  auto reset_one = token.on_cancel([&] { ++called; });
  reset_one.reset();
  auto kept = token.on_cancel([&] { called += 10; });
  token.cancel();
  CHECK(called == 10);
}

TEST_CASE("moving a registration keeps exactly one owner") {
  CancelToken token;
  int called = 0;
  CancelToken::Registration outer;
  {
    auto inner = token.on_cancel([&] { ++called; });
    outer = std::move(inner);
  }  // inner was moved from: destroying it must not unregister
  token.cancel();
  CHECK(called == 1);
}

TEST_CASE("unregistering waits for the callback running on another thread") {
  CancelToken token;
  std::atomic<bool> entered{false};
  std::atomic<bool> finished{false};
  auto guarded = std::make_unique<int>(0);
  auto registration = token.on_cancel([&] {
    entered = true;
    std::this_thread::sleep_for(100ms);
    *guarded = 42;  // would be a use-after-free if reset() did not wait
    finished = true;
  });
  std::thread canceller([&] { token.cancel(); });
  while (!entered) std::this_thread::yield();
  registration.reset();
  CHECK(finished);  // reset returned only after the callback did
  guarded.reset();
  canceller.join();
}

TEST_CASE("a callback may reset its own registration without deadlock") {
  CancelToken token;
  CancelToken::Registration self;
  int called = 0;
  self = token.on_cancel([&] {
    ++called;
    self.reset();
  });
  token.cancel();
  CHECK(called == 1);
}

TEST_CASE("child tokens follow their parent but cancel alone") {
  CancelToken parent;
  CancelToken child = parent.child();
  CancelToken sibling = parent.child();
  child.cancel();
  CHECK(child.cancelled());
  CHECK_FALSE(parent.cancelled());
  CHECK_FALSE(sibling.cancelled());

  int grandchild_callbacks = 0;
  CancelToken grandchild = sibling.child();
  auto r = grandchild.on_cancel([&] { ++grandchild_callbacks; });
  parent.cancel();
  CHECK(sibling.cancelled());
  CHECK(grandchild.cancelled());
  CHECK(grandchild_callbacks == 1);
}

TEST_CASE("a dropped child leaves the parent usable") {
  CancelToken parent;
  for (int i = 0; i < 100; ++i) {
    CancelToken child = parent.child();
    (void)child;
  }
  int called = 0;
  auto r = parent.on_cancel([&] { ++called; });
  parent.cancel();
  CHECK(called == 1);
}

TEST_CASE("wait_for returns early on cancel and times out otherwise") {
  CancelToken token;
  auto start = std::chrono::steady_clock::now();
  CHECK_FALSE(token.wait_for(30ms));
  CHECK(std::chrono::steady_clock::now() - start >= 30ms);

  std::thread canceller([&] {
    std::this_thread::sleep_for(20ms);
    token.cancel();
  });
  start = std::chrono::steady_clock::now();
  CHECK(token.wait_for(10s));
  CHECK(std::chrono::steady_clock::now() - start < 5s);
  canceller.join();
  CHECK(token.wait_for(0ms));  // already cancelled
}
