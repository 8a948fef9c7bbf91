// Bounded channels and the Stream / DuplexStream handles that streaming ops return.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "orka/cancel.hpp"
#include "orka/error.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

// What a full channel does with a new item.
enum class Overflow {
  DropOldest,  // logs: memory stays bounded, the consumer learns how many items it missed
  Block,       // byte streams (exec, port-forward): nothing may be lost, the producer waits
};

enum class ReceiveStatus { Item, Closed, Cancelled, TimedOut };

template <class T>
struct Received {
  ReceiveStatus status = ReceiveStatus::Closed;
  std::optional<T> value;
  // Items dropped (DropOldest) between the previous delivered item and this one.
  std::uint64_t dropped_before = 0;

  explicit operator bool() const { return status == ReceiveStatus::Item; }
};

// A multi-producer, multi-consumer FIFO with a fixed capacity.
template <class T>
class BoundedChannel {
 public:
  explicit BoundedChannel(std::size_t capacity, Overflow overflow = Overflow::DropOldest)
      : capacity_(capacity == 0 ? 1 : capacity), overflow_(overflow) {}

  BoundedChannel(const BoundedChannel&) = delete;
  BoundedChannel& operator=(const BoundedChannel&) = delete;

  // Returns false if the item was not queued: the channel is closed, or (Block) the
  // token was cancelled while waiting for room.
  bool push(T value) { return push_impl(std::move(value), nullptr); }
  bool push(T value, const CancelToken& cancel) { return push_impl(std::move(value), &cancel); }

  // Queues the items in order under one lock and wakes consumers once, not once per item (a
  // producer that reads many items at a time saves both threads a wake-up per item). The
  // items are moved from; false as soon as one could not be queued, as push().
  bool push_all(std::vector<T>& values) { return push_all_impl(values, nullptr); }
  bool push_all(std::vector<T>& values, const CancelToken& cancel) {
    return push_all_impl(values, &cancel);
  }

  // Blocks until an item arrives or the channel is closed and drained.
  Received<T> receive() { return receive_impl(nullptr, std::nullopt); }
  Received<T> receive(const CancelToken& cancel) { return receive_impl(&cancel, std::nullopt); }
  Received<T> receive_for(std::chrono::milliseconds timeout) {
    return receive_impl(nullptr, timeout);
  }
  Received<T> receive_for(std::chrono::milliseconds timeout, const CancelToken& cancel) {
    return receive_impl(&cancel, timeout);
  }

  // Producers' later pushes fail; consumers still receive what is queued, then Closed.
  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    readable_.notify_all();
    writable_.notify_all();
  }

  bool closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
  }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return items_.size();
  }
  std::size_t capacity() const { return capacity_; }
  std::uint64_t dropped_total() const {
    std::lock_guard lock(mutex_);
    return dropped_total_;
  }

 private:
  struct Slot {
    T value;
    std::uint64_t dropped_before;
  };

  bool push_impl(T value, const CancelToken* cancel) {
    // Declared before the lock so it is destroyed after the lock is released: unregistering
    // waits for a running wake callback, and that callback needs mutex_.
    CancelToken::Registration wake;
    std::unique_lock lock(mutex_);
    if (!make_room(lock, cancel, wake)) return false;
    enqueue(std::move(value));
    lock.unlock();
    readable_.notify_one();
    return true;
  }

  bool push_all_impl(std::vector<T>& values, const CancelToken* cancel) {
    if (values.empty()) return true;
    CancelToken::Registration wake;  // outlives the lock, as in push_impl
    std::unique_lock lock(mutex_);
    bool all_queued = true;
    for (auto& value : values) {
      if (!make_room(lock, cancel, wake)) {
        all_queued = false;
        break;
      }
      enqueue(std::move(value));
    }
    lock.unlock();
    readable_.notify_all();  // also for the part of a run queued before a failure
    return all_queued;
  }

  // With Block, waits (lock held on return) until there is room; false when the item must
  // not be queued: the channel is closed, or the wait was cancelled.
  bool make_room(std::unique_lock<std::mutex>& lock, const CancelToken* cancel,
                 CancelToken::Registration& wake) {
    if (overflow_ == Overflow::Block && items_.size() >= capacity_ && !closed_) {
      // Items queued by push_all before this wait must be seen, or a consumer asleep on an
      // empty channel would never make the room waited for here.
      readable_.notify_all();
      if (cancel != nullptr && !wake) {
        lock.unlock();
        wake = cancel->on_cancel([this] { notify_under_lock(); });
        lock.lock();
      }
      // Resumes only once the consumer made room for many items, not one: waking the
      // producer for every single slot would cost both threads a context switch per item.
      writable_.wait(lock, [&] {
        return closed_ || items_.size() <= low_watermark() ||
               (cancel != nullptr && cancel->cancelled());
      });
      if (!closed_ && items_.size() >= capacity_) return false;  // cancelled
    }
    return !closed_;
  }

  void enqueue(T&& value) {
    std::uint64_t dropped = pending_drops_;
    pending_drops_ = 0;
    while (items_.size() >= capacity_) {  // DropOldest
      dropped += items_.front().dropped_before + 1;
      items_.pop_front();
      ++dropped_total_;
    }
    // Drops carried by the discarded front are credited to the new front, so the consumer
    // sees the gap exactly where it happened.
    if (!items_.empty() && dropped > 0) {
      items_.front().dropped_before += dropped;
      dropped = 0;
    }
    items_.push_back(Slot{std::move(value), dropped});
  }

  Received<T> receive_impl(const CancelToken* cancel,
                           std::optional<std::chrono::milliseconds> timeout) {
    CancelToken::Registration wake;  // outlives the lock, as in push_impl
    std::unique_lock lock(mutex_);
    if (cancel != nullptr && items_.empty() && !closed_) {
      lock.unlock();
      wake = cancel->on_cancel([this] { notify_under_lock(); });
      lock.lock();
    }
    auto ready = [&] {
      return !items_.empty() || closed_ || (cancel != nullptr && cancel->cancelled());
    };
    if (timeout) {
      // ready() first: wait_for reads the clock even when nothing needs waiting for, and a
      // consumer polling a busy channel asks once per item.
      if (!ready() && !readable_.wait_for(lock, *timeout, ready))
        return {ReceiveStatus::TimedOut, {}, 0};
    } else {
      readable_.wait(lock, ready);
    }
    if (items_.empty()) {
      if (closed_) return {ReceiveStatus::Closed, {}, pending_drops_};
      return {ReceiveStatus::Cancelled, {}, 0};
    }
    Slot slot = std::move(items_.front());
    items_.pop_front();
    const bool room = items_.size() <= low_watermark();
    lock.unlock();
    if (room) writable_.notify_all();
    return {ReceiveStatus::Item, std::move(slot.value), slot.dropped_before};
  }

  std::size_t low_watermark() const { return capacity_ / 2; }

  void notify_under_lock() {
    { std::lock_guard lock(mutex_); }
    readable_.notify_all();
    writable_.notify_all();
  }

  const std::size_t capacity_;
  const Overflow overflow_;
  mutable std::mutex mutex_;
  std::condition_variable readable_;
  std::condition_variable writable_;
  std::deque<Slot> items_;
  bool closed_ = false;
  std::uint64_t pending_drops_ = 0;
  std::uint64_t dropped_total_ = 0;
};

template <class T, class Outcome>
class Stream;

// The producer's side of a Stream: push items, watch the op's cancel token.
template <class T>
class StreamWriter {
 public:
  StreamWriter(std::shared_ptr<BoundedChannel<T>> channel, CancelToken cancel)
      : channel_(std::move(channel)), cancel_(std::move(cancel)) {}

  // False once the consumer is gone or the op was cancelled: the producer should stop.
  bool push(T value) { return channel_->push(std::move(value), cancel_) && !cancel_.cancelled(); }
  // Many items, one wake-up of the consumer (see BoundedChannel::push_all).
  bool push_all(std::vector<T>& values) {
    return channel_->push_all(values, cancel_) && !cancel_.cancelled();
  }
  const CancelToken& cancel() const { return cancel_; }
  BoundedChannel<T>& channel() { return *channel_; }
  // A writer into the same channel that stops on `cancel` (one of several producers, each
  // with a token of its own).
  StreamWriter with_cancel(CancelToken cancel) const { return StreamWriter(channel_, std::move(cancel)); }

 private:
  std::shared_ptr<BoundedChannel<T>> channel_;
  CancelToken cancel_;
};

// The consumer's handle on a running streaming op. Move-only. Destroying it (or calling
// finish()) joins the producer thread, so no op thread outlives its Stream.
template <class T, class Outcome = void>
class Stream {
 public:
  Stream() = default;
  Stream(Stream&&) noexcept = default;
  Stream& operator=(Stream&& other) noexcept {
    if (this != &other) {
      shutdown();
      channel_ = std::move(other.channel_);
      cancel_ = std::move(other.cancel_);
      producer_ = std::move(other.producer_);
      outcome_ = std::move(other.outcome_);
    }
    return *this;
  }
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  ~Stream() { shutdown(); }

  // Runs `body(StreamWriter<T>&) -> Result<Outcome>` on a new thread. Exceptions thrown by
  // the body are caught there (they never cross into the caller) and become Internal errors.
  template <class Body>
  static Stream spawn(std::size_t capacity, Overflow overflow, CancelToken cancel, Body body) {
    Stream s;
    s.channel_ = std::make_shared<BoundedChannel<T>>(capacity, overflow);
    s.cancel_ = cancel;
    s.outcome_ = std::make_shared<std::optional<Result<Outcome>>>();
    s.producer_ = std::thread([channel = s.channel_, cancel, outcome = s.outcome_,
                               body = std::move(body)]() mutable {
      StreamWriter<T> writer(channel, cancel);
      try {
        *outcome = body(writer);
      } catch (const std::exception& e) {
        *outcome = std::unexpected(make_error(ErrorKind::Internal, e.what()));
      } catch (...) {
        *outcome = std::unexpected(make_error(ErrorKind::Internal, "unknown exception"));
      }
      channel->close();
    });
    return s;
  }

  // A stream that has already ended with `error` (e.g. the op failed before starting).
  static Stream failed(Error error) {
    Stream s;
    s.channel_ = std::make_shared<BoundedChannel<T>>(1);
    s.channel_->close();
    s.outcome_ = std::make_shared<std::optional<Result<Outcome>>>(std::unexpected(std::move(error)));
    return s;
  }

  bool valid() const { return channel_ != nullptr; }

  // Next item; status Closed means the producer ended: call finish() for the outcome.
  Received<T> next() { return channel_->receive(); }
  Received<T> next_for(std::chrono::milliseconds timeout) { return channel_->receive_for(timeout); }

  // Asks the producer to stop (its sockets close); items already queued can still be read.
  void cancel() { cancel_.cancel(); }
  const CancelToken& cancel_token() const { return cancel_; }

  // Waits for the producer to end and returns its outcome; items not read yet are discarded.
  // Call cancel() first to end early (a followed stream only ends that way).
  Result<Outcome> finish() {
    if (producer_.joinable()) {
      // Nobody reads after finish(): discard what is still produced, so a producer blocked
      // on a full Block channel runs to its real end instead of deadlocking the join.
      while (channel_->receive().status == ReceiveStatus::Item) {
      }
      producer_.join();
    }
    if (!outcome_ || !outcome_->has_value())
      return std::unexpected(make_error(ErrorKind::Internal, "stream has no outcome"));
    return **outcome_;
  }

  std::uint64_t dropped_total() const { return channel_ ? channel_->dropped_total() : 0; }

 private:
  void shutdown() {
    if (producer_.joinable()) {
      cancel_.cancel();
      channel_->close();
      producer_.join();
    }
  }

  std::shared_ptr<BoundedChannel<T>> channel_;
  CancelToken cancel_;
  std::thread producer_;
  std::shared_ptr<std::optional<Result<Outcome>>> outcome_;
};

// The input side of a duplex op (exec). Implemented by the op; methods must not throw.
class DuplexInput {
 public:
  virtual ~DuplexInput() = default;
  virtual Result<void> write(std::string_view bytes) noexcept = 0;
  virtual Result<void> close_write() noexcept = 0;  // remote stdin sees EOF (where the protocol can)
  virtual Result<void> resize(std::uint16_t columns, std::uint16_t rows) noexcept = 0;
};

// A Stream of output chunks plus an input side.
template <class T, class Outcome = void>
class DuplexStream {
 public:
  DuplexStream() = default;
  DuplexStream(Stream<T, Outcome> output, std::shared_ptr<DuplexInput> input)
      : output_(std::move(output)), input_(std::move(input)) {}

  static DuplexStream failed(Error error) {
    return DuplexStream(Stream<T, Outcome>::failed(std::move(error)), nullptr);
  }

  Stream<T, Outcome>& output() { return output_; }
  const std::shared_ptr<DuplexInput>& input() const { return input_; }
  Received<T> next() { return output_.next(); }
  Result<void> write(std::string_view bytes) { return input_ ? input_->write(bytes) : no_input(); }
  Result<void> close_write() { return input_ ? input_->close_write() : no_input(); }
  Result<void> resize(std::uint16_t columns, std::uint16_t rows) {
    return input_ ? input_->resize(columns, rows) : no_input();
  }
  void cancel() { output_.cancel(); }
  Result<Outcome> finish() { return output_.finish(); }

 private:
  static Result<void> no_input() {
    return fail(ErrorKind::Invalid, "this stream has no input side (stdin was not requested)");
  }
  Stream<T, Outcome> output_;
  std::shared_ptr<DuplexInput> input_;
};

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
