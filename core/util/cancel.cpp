#include "orka/cancel.hpp"

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

struct CancelToken::State {
  std::mutex mutex;
  std::condition_variable changed;
  bool cancelled = false;
  std::uint64_t next_id = 1;
  std::map<std::uint64_t, std::function<void()>> callbacks;
  // The callback being run by cancel(), so unregistering it can wait for it to return.
  std::uint64_t running_id = 0;
  std::thread::id running_thread;
  CancelToken::Registration parent_link;  // children: keeps the parent's callback registered
};

CancelToken::CancelToken() : state_(std::make_shared<State>()) {}
CancelToken::CancelToken(std::shared_ptr<State> state) : state_(std::move(state)) {}

void CancelToken::cancel() const {
  std::unique_lock lock(state_->mutex);
  if (state_->cancelled) return;
  state_->cancelled = true;
  state_->changed.notify_all();
  while (!state_->callbacks.empty()) {
    auto node = state_->callbacks.extract(state_->callbacks.begin());
    state_->running_id = node.key();
    state_->running_thread = std::this_thread::get_id();
    lock.unlock();
    node.mapped()();
    lock.lock();
    state_->running_id = 0;
    state_->changed.notify_all();
  }
}

bool CancelToken::cancelled() const {
  std::lock_guard lock(state_->mutex);
  return state_->cancelled;
}

bool CancelToken::wait_for(std::chrono::milliseconds duration) const {
  std::unique_lock lock(state_->mutex);
  return state_->changed.wait_for(lock, duration, [&] { return state_->cancelled; });
}

CancelToken::Registration CancelToken::on_cancel(std::function<void()> callback) const {
  std::unique_lock lock(state_->mutex);
  if (state_->cancelled) {
    lock.unlock();
    callback();
    return {};
  }
  auto id = state_->next_id++;
  state_->callbacks.emplace(id, std::move(callback));
  return Registration(state_, id);
}

CancelToken CancelToken::child() const {
  auto child_state = std::make_shared<State>();
  CancelToken child_token(child_state);
  std::weak_ptr<State> weak = child_state;
  auto link = on_cancel([weak] {
    if (auto s = weak.lock()) CancelToken(s).cancel();
  });
  std::lock_guard lock(child_state->mutex);
  child_state->parent_link = std::move(link);
  return child_token;
}

CancelToken::Registration::Registration(std::shared_ptr<CancelToken::State> state,
                                        std::uint64_t id)
    : state_(std::move(state)), id_(id) {}

CancelToken::Registration::Registration(Registration&& other) noexcept
    : state_(std::move(other.state_)), id_(other.id_) {
  other.id_ = 0;
}

CancelToken::Registration& CancelToken::Registration::operator=(Registration&& other) noexcept {
  if (this != &other) {
    reset();
    state_ = std::move(other.state_);
    id_ = other.id_;
    other.id_ = 0;
  }
  return *this;
}

CancelToken::Registration::~Registration() { reset(); }

void CancelToken::Registration::reset() {
  if (!state_) return;
  auto state = std::move(state_);
  std::unique_lock lock(state->mutex);
  state->callbacks.erase(id_);
  if (state->running_thread != std::this_thread::get_id())
    state->changed.wait(lock, [&] { return state->running_id != id_; });
  id_ = 0;
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
