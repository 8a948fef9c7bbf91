// orka::OrkaOps: the typed operations. The CLI and embedding programs call these; each op's
// implementation comes from the plugin that registered it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "orka/cancel.hpp"
#include "orka/error.hpp"
#include "orka/export.hpp"
#include "orka/stream.hpp"

namespace orka {
inline namespace v0 {

enum class OpKind { Logs, Exec, PortForward, Scale, RolloutRestart, DeletePod, Cordon, Drain };
inline constexpr int kOpKindCount = 8;
ORKA_API std::string_view to_string(OpKind kind);

// A namespaced object named the way a user types it. An empty namespace_ means the host's
// default namespace; an empty type means a pod.
struct ObjectRef {
  std::string namespace_;
  std::string type;  // "pod", "deploy", "deployments.apps", "svc", "sts", ...
  std::string name;
};

struct PodRef {
  std::string namespace_;
  std::string name;
};

// Progress of a long-running op (waits, drains). Callbacks run on the op's thread and must
// not throw.
struct ProgressEvent {
  std::string phase;    // short machine-readable word: "waiting", "evicting", "done", ...
  std::string message;  // one line for a human
  nlohmann::json data;  // details for --json
};
using ProgressFn = std::function<void(const ProgressEvent&)>;

enum class StreamTransport { Auto, WebSocket, Spdy };

// ---- logs -------------------------------------------------------------------------------
struct LogOptions {
  bool follow = false;
  std::optional<std::int64_t> tail_lines;
  std::optional<std::int64_t> since_seconds;
  std::optional<std::string> since_time;  // RFC 3339
  bool timestamps = false;                // put the server timestamp in LogChunk::timestamp
  bool previous = false;
  std::optional<std::int64_t> limit_bytes;
  std::vector<std::string> include;  // RE2; a line must match one of them (when any)
  std::vector<std::string> exclude;  // RE2; a line matching any of them is dropped
  std::size_t buffer_lines = 10000;  // bounded channel capacity; oldest dropped beyond it
};

struct LogChunk {
  std::string pod;
  std::string container;
  std::string timestamp;  // RFC 3339 from the server when known, else empty
  std::string line;       // without the trailing newline
};

// ---- exec -------------------------------------------------------------------------------
enum class ExecChannel : std::uint8_t { Stdout = 1, Stderr = 2 };

struct ExecChunk {
  ExecChannel channel = ExecChannel::Stdout;
  std::string data;
};

struct TerminalSize {
  std::uint16_t columns = 80;
  std::uint16_t rows = 24;
};

struct ExecOptions {
  bool stdin = false;
  bool tty = false;
  std::optional<TerminalSize> initial_size;  // sent before any input when tty
  StreamTransport transport = StreamTransport::Auto;
  // Cancelling it abandons connecting (TLS, the upgrade handshake) as well as the running
  // session: exec() itself may wait for the server, so DuplexStream::cancel() comes too late.
  CancelToken cancel;
};

struct ExecStatus {
  int exit_code = 0;    // the remote command's exit code
  std::string message;  // the status channel's message when it failed
};

// ---- port-forward -----------------------------------------------------------------------
struct PortMapping {
  std::uint16_t local_port = 0;  // 0: pick a free port and report it in Ready
  std::string remote;            // a port number, or a named port (services, containers)
};

struct ForwardOptions {
  std::vector<std::string> addresses{"127.0.0.1"};
  StreamTransport transport = StreamTransport::Auto;
};

struct ForwardEvent {
  enum class Type { Ready, ConnectionOpened, ConnectionClosed, ConnectionError, Retargeted, Closed };
  Type type = Type::Ready;
  std::string local_address;
  std::uint16_t local_port = 0;
  std::uint16_t remote_port = 0;
  std::uint64_t connection = 0;  // connection id, for Connection* events
  std::uint64_t bytes_in = 0;    // pod → local client
  std::uint64_t bytes_out = 0;   // local client → pod
  std::string pod;
  std::string message;  // error text, Closed reason, Retargeted description
  std::string transport;  // Ready and Retargeted: the wire form in use, e.g. "SPDY/3.1"
};
ORKA_API std::string_view to_string(ForwardEvent::Type type);

// ---- scale ------------------------------------------------------------------------------
enum class ScaleMode { Subresource, Apply };

struct ScaleOptions {
  std::optional<std::int32_t> current_replicas;  // precondition
  bool force_conflicts = false;                  // Apply: take ownership of spec.replicas
  bool wait = false;
  std::chrono::milliseconds timeout{0};  // 0: no timeout
  ProgressFn progress;
  CancelToken cancel;  // cancelling it ends the op (and its waits) with ErrorKind::Cancelled
};

struct ScaleOutcome {
  std::string resource;  // "deployments.apps/web"
  std::optional<std::int32_t> previous_replicas;
  std::int32_t replicas = 0;
};

// ---- rollout restart --------------------------------------------------------------------
struct RolloutOptions {
  bool wait = false;
  std::chrono::milliseconds timeout{0};
  ProgressFn progress;
  CancelToken cancel;  // cancelling it ends the op (and its waits) with ErrorKind::Cancelled
};

struct RolloutOutcome {
  std::string resource;
  std::string restarted_at;  // RFC 3339 written into the pod template
};

// ---- delete -----------------------------------------------------------------------------
struct DeleteOptions {
  std::optional<std::int64_t> grace_period_seconds;  // nullopt: the pod's own
  bool force = false;                                // implies grace 0
  bool wait = false;
  std::chrono::milliseconds timeout{0};
  ProgressFn progress;
  CancelToken cancel;  // cancelling it ends the op (and its waits) with ErrorKind::Cancelled
};

struct DeleteOutcome {
  std::string pod;
  std::string uid;
  bool gone = false;  // true once --wait saw the UID disappear
};

// ---- cordon / drain ---------------------------------------------------------------------
struct CordonOutcome {
  std::string node;
  bool changed = false;  // false: it already was in the requested state
};

struct DrainOptions {
  bool ignore_daemonsets = false;
  bool delete_emptydir_data = false;
  bool force = false;
  std::optional<std::int64_t> grace_period_seconds;
  std::chrono::milliseconds timeout{0};
  std::string pod_selector;
  bool disable_eviction = false;
  std::optional<std::int64_t> skip_wait_for_delete_timeout_seconds;
  bool dry_run = false;
  ProgressFn progress;
  CancelToken cancel;  // cancelling it ends the op (and its waits) with ErrorKind::Cancelled
};

struct DrainOutcome {
  std::string node;
  std::vector<std::string> evicted;  // namespace/name
  std::vector<std::string> skipped;  // namespace/name: reason
  // Of `evicted`, the pods whose eviction was refused because their namespace is being deleted
  // and that went with that deletion instead (namespace/name).
  std::vector<std::string> left_with_namespace;
};

// The typed operations. The host implements this by dispatching to the plugin registered for
// each OpKind; a plugin implements it by overriding only its op (the rest answer Unsupported).
class ORKA_API OrkaOps {
 public:
  virtual ~OrkaOps();

  virtual Stream<LogChunk> logs(const PodRef& pod, const std::string& container,
                                const LogOptions& options);
  virtual DuplexStream<ExecChunk, ExecStatus> exec(const PodRef& pod, const std::string& container,
                                                   const std::vector<std::string>& command,
                                                   const ExecOptions& options);
  virtual Stream<ForwardEvent> port_forward(const ObjectRef& target,
                                            const std::vector<PortMapping>& ports,
                                            const ForwardOptions& options);
  virtual Result<ScaleOutcome> scale(const ObjectRef& target, std::int32_t replicas,
                                     ScaleMode mode, const ScaleOptions& options);
  virtual Result<RolloutOutcome> rollout_restart(const ObjectRef& target,
                                                 const RolloutOptions& options);
  virtual Result<DeleteOutcome> delete_pod(const PodRef& pod, const DeleteOptions& options);
  virtual Result<CordonOutcome> cordon(const std::string& node, bool on);
  virtual Result<DrainOutcome> drain(const std::string& node, const DrainOptions& options);

 protected:
  static Error unsupported(OpKind kind);
};

}  // namespace v0
}  // namespace orka
