#include "transport/http_connection_pool.hpp"

#include <vector>

namespace orka::core {

ConnectionPool::ConnectionPool(std::size_t max_idle, std::chrono::milliseconds max_idle_time)
    : max_idle_(max_idle), max_idle_time_(max_idle_time) {}

std::unique_ptr<Connection> ConnectionPool::take(const std::string& identity) {
  std::vector<std::unique_ptr<Connection>> dropped;  // closed outside the lock
  std::unique_ptr<Connection> found;
  {
    std::lock_guard lock(mutex_);
    auto now = std::chrono::steady_clock::now();
    while (!idle_.empty() && now - idle_.front().since > max_idle_time_) {
      dropped.push_back(std::move(idle_.front().connection));
      idle_.pop_front();
    }
    for (auto it = idle_.end(); it != idle_.begin();) {
      --it;
      if (it->identity != identity) continue;
      auto candidate = std::move(it->connection);
      it = idle_.erase(it);
      if (candidate->peer_closed()) {
        dropped.push_back(std::move(candidate));
        continue;
      }
      found = std::move(candidate);
      break;
    }
  }
  return found;
}

void ConnectionPool::put(const std::string& identity, std::unique_ptr<Connection> connection) {
  std::unique_ptr<Connection> evicted;
  std::lock_guard lock(mutex_);
  if (idle_.size() >= max_idle_) {
    evicted = std::move(idle_.front().connection);
    idle_.pop_front();
  }
  idle_.push_back(Idle{identity, std::move(connection), std::chrono::steady_clock::now()});
}

std::size_t ConnectionPool::idle_count() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

}  // namespace orka::core
