// Idle keep-alive connections to one API server, shared by every thread of a client.
// Internal to liborka.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include "transport/connection.hpp"

namespace orka::core {

class ConnectionPool {
 public:
  explicit ConnectionPool(std::size_t max_idle = 8,
                          std::chrono::milliseconds max_idle_time = std::chrono::seconds(60));

  // The most recently used idle connection made with `identity` (the client certificate it
  // presented), or null. Expired and peer-closed connections are dropped on the way.
  std::unique_ptr<Connection> take(const std::string& identity);
  void put(const std::string& identity, std::unique_ptr<Connection> connection);
  std::size_t idle_count() const;

 private:
  struct Idle {
    std::string identity;
    std::unique_ptr<Connection> connection;
    std::chrono::steady_clock::time_point since;
  };

  const std::size_t max_idle_;
  const std::chrono::milliseconds max_idle_time_;
  mutable std::mutex mutex_;
  std::deque<Idle> idle_;  // oldest first
};

}  // namespace orka::core
