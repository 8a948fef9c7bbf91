#include <doctest/doctest.h>

#include <thread>

#include "transport/http_connection_pool.hpp"

using namespace orka::core;
using namespace std::chrono_literals;

namespace {

class IdleConnection : public Connection {
 public:
  explicit IdleConnection(int id, bool closed = false) : id(id), closed(closed) {}
  orka::Result<std::size_t> read_some(char*, std::size_t) override { return 0; }
  orka::Result<void> write_all(std::string_view) override { return {}; }
  void shutdown() noexcept override {}
  bool peer_closed() noexcept override { return closed; }
  int id;
  bool closed;
};

int id_of(const std::unique_ptr<Connection>& connection) {
  return connection ? static_cast<IdleConnection&>(*connection).id : 0;
}

}  // namespace

TEST_CASE("the pool hands back the most recent connection of the same identity") {
  ConnectionPool pool(4, 60s);
  CHECK(pool.take("") == nullptr);
  pool.put("", std::make_unique<IdleConnection>(1));
  pool.put("alice", std::make_unique<IdleConnection>(2));
  pool.put("", std::make_unique<IdleConnection>(3));
  CHECK(id_of(pool.take("bob")) == 0);
  CHECK(id_of(pool.take("")) == 3);
  CHECK(id_of(pool.take("alice")) == 2);
  CHECK(id_of(pool.take("")) == 1);
  CHECK(pool.idle_count() == 0);
}

TEST_CASE("the pool drops peer-closed, expired and surplus connections") {
  ConnectionPool pool(2, 50ms);
  pool.put("", std::make_unique<IdleConnection>(1));
  pool.put("", std::make_unique<IdleConnection>(2, /*closed=*/true));
  CHECK(id_of(pool.take("")) == 1);  // 2 was closed by the server
  CHECK(pool.idle_count() == 0);

  pool.put("", std::make_unique<IdleConnection>(3));
  pool.put("", std::make_unique<IdleConnection>(4));
  pool.put("", std::make_unique<IdleConnection>(5));  // evicts 3
  CHECK(pool.idle_count() == 2);
  CHECK(id_of(pool.take("")) == 5);
  CHECK(id_of(pool.take("")) == 4);

  pool.put("", std::make_unique<IdleConnection>(6));
  std::this_thread::sleep_for(80ms);
  CHECK(pool.take("") == nullptr);  // idle too long
}
