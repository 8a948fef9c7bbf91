// Keepalive for long-lived streaming connections (exec, port-forward): a capability of the
// WebSocket and MuxConnection objects liborka's Client hands out, probed with dynamic_cast so that
// orka::WebSocket and orka::MuxConnection stay as they are (docs/plugins.md, "Keepalive"):
//
//   if (auto* keepalive = dynamic_cast<orka::KeepaliveControl*>(socket.get()))
//     keepalive->set_keepalive(std::chrono::seconds(5));
//
// A connection from a Client that lacks it (a test double, an embedder's own Client, an older
// liborka) simply does not derive from it: apply_keepalive() then says so and changes nothing.
#pragma once

#include <chrono>
#include <string>

#include "orka/export.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

// What `--keepalive` defaults to: kubectl's client-go pings SPDY connections every 5 s
// (transport/spdy's round tripper) and its exec WebSockets every 5 s (remotecommand), which
// keeps them under the idle limits of common load balancers and NATs (60 s and up).
inline constexpr std::chrono::milliseconds kDefaultKeepalive{5000};

// How long a connection may leave keepalive pings unanswered before it counts as dead: two
// intervals, but never less than 10 s, so one slow answer from a loaded API server or kubelet
// does not end a healthy session.
inline constexpr std::chrono::milliseconds keepalive_dead_after(std::chrono::milliseconds interval) {
  const std::chrono::milliseconds twice = interval * 2;
  return twice < std::chrono::milliseconds(10000) ? std::chrono::milliseconds(10000) : twice;
}

// Header-only on purpose: typeinfo and vtable are emitted with default visibility wherever they
// are used (ORKA_API), so liborka's and a hidden-visibility plugin's copies are one type for
// dynamic_cast, and a plugin using it links against an older liborka too (it then finds no
// object deriving from it).
class ORKA_API KeepaliveControl {
 public:
  virtual ~KeepaliveControl() = default;
  // Sends a keepalive ping this often from now on; zero stops them. A connection that leaves
  // them unanswered for keepalive_dead_after(interval) is ended, and its reads and writes fail
  // with an error that says so (never a clean end).
  virtual void set_keepalive(std::chrono::milliseconds interval) noexcept = 0;
  virtual std::chrono::milliseconds keepalive() const noexcept = 0;
};

// Applies `interval` to a connection when it supports keepalive. Returns false (and changes
// nothing) when it does not.
template <class Connection>
bool apply_keepalive(Connection& connection, std::chrono::milliseconds interval) noexcept {
  auto* control = dynamic_cast<KeepaliveControl*>(&connection);
  if (!control) return false;
  control->set_keepalive(interval);
  return true;
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
