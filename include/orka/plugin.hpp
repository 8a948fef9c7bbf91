// The op-plugin ABI. A plugin is a shared module exporting exactly one C symbol,
// `orka_plugin_entry`, returning a descriptor the host checks before touching anything else.
//
//   static orka::Result<void> register_logs(orka::Registry& registry) { ... }
//   ORKA_PLUGIN_DEFINE("logs", "0.1.0", "Print and follow container logs", register_logs)
//
// Exceptions never cross the boundary: the define macro, Registry::add_command and
// Registry::provide wrap the plugin's code in handlers compiled into the plugin itself.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <type_traits>

#include "orka/command.hpp"
#include "orka/error.hpp"
#include "orka/export.hpp"
#include "orka/ops.hpp"
#include "orka/services.hpp"

#define ORKA_PLUGIN_ENTRY_SYMBOL "orka_plugin_entry"

extern "C" {

typedef struct orka_registry orka_registry;  // opaque: an orka::Registry on the host side

// Returns 0 on success; otherwise writes a NUL-terminated reason into `error`.
typedef int (*orka_register_fn)(orka_registry* registry, char* error, size_t error_size);

typedef struct orka_plugin_descriptor {
  uint32_t abi_major;
  uint32_t abi_minor;
  uint32_t struct_size;  // sizeof(orka_plugin_descriptor) as the plugin saw it
  const char* name;      // unique among loaded plugins, e.g. "logs"
  const char* version;
  const char* summary;
  orka_register_fn register_plugin;
} orka_plugin_descriptor;

typedef const orka_plugin_descriptor* (*orka_plugin_entry_fn)(void);
}

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

namespace detail {
template <class Fn>
auto guard_call(Fn&& fn) noexcept -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return std::unexpected(make_error(ErrorKind::Internal, std::string("plugin threw: ") + e.what()));
  } catch (...) {
    return std::unexpected(make_error(ErrorKind::Internal, "plugin threw an unknown exception"));
  }
}

template <class StreamT, class Fn>
StreamT guard_stream(Fn&& fn) noexcept {
  try {
    return fn();
  } catch (const std::exception& e) {
    return StreamT::failed(make_error(ErrorKind::Internal, std::string("plugin threw: ") + e.what()));
  } catch (...) {
    return StreamT::failed(make_error(ErrorKind::Internal, "plugin threw an unknown exception"));
  }
}

// Wraps a plugin's OrkaOps so that no exception leaves the plugin. Compiled into the plugin.
class GuardedOps final : public OrkaOps {
 public:
  explicit GuardedOps(std::shared_ptr<OrkaOps> inner) : inner_(std::move(inner)) {}
  Stream<LogChunk> logs(const PodRef& p, const std::string& c, const LogOptions& o) override {
    return guard_stream<Stream<LogChunk>>([&] { return inner_->logs(p, c, o); });
  }
  DuplexStream<ExecChunk, ExecStatus> exec(const PodRef& p, const std::string& c,
                                           const std::vector<std::string>& cmd,
                                           const ExecOptions& o) override {
    return guard_stream<DuplexStream<ExecChunk, ExecStatus>>(
        [&] { return inner_->exec(p, c, cmd, o); });
  }
  Stream<ForwardEvent> port_forward(const ObjectRef& t, const std::vector<PortMapping>& ports,
                                    const ForwardOptions& o) override {
    return guard_stream<Stream<ForwardEvent>>([&] { return inner_->port_forward(t, ports, o); });
  }
  Result<ScaleOutcome> scale(const ObjectRef& t, std::int32_t r, ScaleMode m,
                             const ScaleOptions& o) override {
    return guard_call([&] { return inner_->scale(t, r, m, o); });
  }
  Result<RolloutOutcome> rollout_restart(const ObjectRef& t, const RolloutOptions& o) override {
    return guard_call([&] { return inner_->rollout_restart(t, o); });
  }
  Result<DeleteOutcome> delete_pod(const PodRef& p, const DeleteOptions& o) override {
    return guard_call([&] { return inner_->delete_pod(p, o); });
  }
  Result<CordonOutcome> cordon(const std::string& n, bool on) override {
    return guard_call([&] { return inner_->cordon(n, on); });
  }
  Result<DrainOutcome> drain(const std::string& n, const DrainOptions& o) override {
    return guard_call([&] { return inner_->drain(n, o); });
  }

 private:
  std::shared_ptr<OrkaOps> inner_;
};
}  // namespace detail

// What a plugin's register function receives. Implemented by the host.
class Registry {
 public:
  virtual ~Registry() = default;
  virtual Services& services() = 0;

  // Adds `orka ops <spec.name>`. The run function is wrapped so exceptions stay in the plugin.
  Result<void> add_command(CommandSpec spec) {
    auto run = std::move(spec.run);
    spec.run = [run = std::move(run)](CommandContext& ctx) noexcept -> Result<int> {
      return detail::guard_call([&] { return run(ctx); });
    };
    return do_add_command(std::move(spec));
  }

  // Makes `ops` the implementation of `kind` (only that method of `ops` is ever called).
  Result<void> provide(OpKind kind, std::shared_ptr<OrkaOps> ops) {
    return do_provide(kind, std::make_shared<detail::GuardedOps>(std::move(ops)));
  }

 protected:
  virtual Result<void> do_add_command(CommandSpec spec) = 0;
  virtual Result<void> do_provide(OpKind kind, std::shared_ptr<OrkaOps> ops) = 0;
};

namespace detail {
inline void copy_error(const std::string& text, char* out, size_t size) noexcept {
  if (out == nullptr || size == 0) return;
  size_t n = text.size() < size - 1 ? text.size() : size - 1;
  std::memcpy(out, text.data(), n);
  out[n] = '\0';
}

template <class Fn>
int run_register(orka_registry* registry, char* error, size_t error_size, Fn fn) noexcept {
  try {
    auto& reg = *reinterpret_cast<Registry*>(registry);
    if constexpr (std::is_void_v<decltype(fn(reg))>) {
      fn(reg);
    } else {
      auto result = fn(reg);
      if (!result) {
        copy_error(result.error().message, error, error_size);
        return 1;
      }
    }
    return 0;
  } catch (const std::exception& e) {
    copy_error(std::string("register function threw: ") + e.what(), error, error_size);
  } catch (...) {
    copy_error("register function threw an unknown exception", error, error_size);
  }
  return 1;
}
}  // namespace detail

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka

#define ORKA_PLUGIN_DEFINE(NAME, VERSION, SUMMARY, REGISTER_FN)                               \
  static int orka_plugin_register_trampoline(orka_registry* registry, char* error,           \
                                             size_t error_size) {                            \
    return ::orka::detail::run_register(registry, error, error_size, REGISTER_FN);           \
  }                                                                                           \
  extern "C" ORKA_PLUGIN_EXPORT const orka_plugin_descriptor* orka_plugin_entry(void) {       \
    static const orka_plugin_descriptor descriptor = {                                        \
        ORKA_PLUGIN_ABI_MAJOR,   ORKA_PLUGIN_ABI_MINOR, sizeof(orka_plugin_descriptor), NAME, \
        VERSION,                 SUMMARY,               &orka_plugin_register_trampoline};    \
    return &descriptor;                                                                       \
  }
