// TEMPORARY placeholder (replaced by the TLS connection factory).
#include "transport/connection.hpp"
namespace orka::core {
std::shared_ptr<ConnectionFactory> make_tls_connection_factory(const RestConfig&) { return nullptr; }
}  // namespace orka::core
