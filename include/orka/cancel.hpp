// Cooperative cancellation shared by an operation and everything it started.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include "orka/export.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

// A copyable handle to one cancellation state. Copies observe and trigger the same state.
// Cancelling runs every registered callback exactly once (sockets close, channels wake up).
class ORKA_API CancelToken {
  struct State;

 public:
  CancelToken();

  void cancel() const;
  bool cancelled() const;

  // Sleeps up to `duration`; returns true as soon as the token is cancelled.
  bool wait_for(std::chrono::milliseconds duration) const;

  // Unregisters its callback on destruction; if the callback is running on another thread
  // at that moment, the destructor waits for it, so the callback never outlives its captures.
  class ORKA_API Registration {
   public:
    Registration() = default;
    Registration(Registration&& other) noexcept;
    Registration& operator=(Registration&& other) noexcept;
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;
    ~Registration();
    void reset();
    // True while it holds a callback (from on_cancel, not yet reset or moved from).
    explicit operator bool() const noexcept { return state_ != nullptr; }

   private:
    friend class CancelToken;
    Registration(std::shared_ptr<CancelToken::State> state, std::uint64_t id);
    std::shared_ptr<CancelToken::State> state_;
    std::uint64_t id_ = 0;
  };

  // Runs `callback` when the token is cancelled, or at once (on this thread) if it already is.
  // The callback must not throw.
  [[nodiscard]] Registration on_cancel(std::function<void()> callback) const;

  // A token cancelled when this one is, or on its own (e.g. one connection of a forward).
  CancelToken child() const;

 private:
  explicit CancelToken(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
