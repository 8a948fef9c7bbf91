// The op-plugin ABI. A plugin is a shared module exporting exactly one C symbol,
// `orka_plugin_entry`, returning a descriptor the host checks before touching anything else: the
// ABI major and minor, then the toolchain it was built with (export.hpp states the rule).
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

#include <nlohmann/json.hpp>
#include <memory>
#include <string>
#include <type_traits>

#include "orka/command.hpp"
#include "orka/error.hpp"
#include "orka/export.hpp"
#include "orka/op.hpp"
#include "orka/services.hpp"

#define ORKA_PLUGIN_ENTRY_SYMBOL "orka_plugin_entry"

extern "C" {

typedef struct orka_registry orka_registry;  // opaque: an orka::Registry on the host side

// Returns 0 on success; otherwise writes a NUL-terminated reason into `error`.
typedef int (*orka_register_fn)(orka_registry* registry, char* error, size_t error_size);

typedef struct orka_plugin_descriptor {
  uint32_t abi_major;    // first in every ABI: checked before anything else is read
  uint32_t abi_minor;
  uint32_t struct_size;  // sizeof(orka_plugin_descriptor) as the plugin saw it
  const char* name;      // unique among loaded plugins, e.g. "logs"
  const char* version;
  const char* summary;
  orka_register_fn register_plugin;
  const char* toolchain;    // ORKA_BUILD_TOOLCHAIN: must equal the host's (export.hpp)
  const char* sdk_version;  // ORKA_SDK_VERSION_STRING of the SDK it was built against
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
}  // namespace detail

// What a plugin's register function receives. Implemented by the host (it may grow in a minor
// ABI version; plugins call it and never derive from it).
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

  // Registers `impl` as the op OpT (its kId names it) with what it needs from the cluster and,
  // optionally, its JSON runner (the generic entry: Ops::run_json). One provider per op name and
  // version; the first plugin to claim one keeps it.
  template <class OpT, class Impl>
  Result<void> provide(std::shared_ptr<Impl> impl, OpDeclaration declaration, JsonRunner json = {}) {
    return do_provide(
        make_op_registration<OpT>(std::move(impl), std::move(declaration), std::move(json)));
  }

 protected:
  virtual Result<void> do_add_command(CommandSpec spec) = 0;
  virtual Result<void> do_provide(OpRegistration registration) = 0;
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

#define ORKA_PLUGIN_DEFINE(NAME, VERSION, SUMMARY, REGISTER_FN)                           \
  static int orka_plugin_register_trampoline(orka_registry* registry, char* error,       \
                                             size_t error_size) {                        \
    return ::orka::detail::run_register(registry, error, error_size, REGISTER_FN);       \
  }                                                                                       \
  extern "C" ORKA_PLUGIN_EXPORT const orka_plugin_descriptor* orka_plugin_entry(void) {   \
    static const orka_plugin_descriptor descriptor = {ORKA_PLUGIN_ABI_MAJOR,              \
                                                      ORKA_PLUGIN_ABI_MINOR,              \
                                                      sizeof(orka_plugin_descriptor),     \
                                                      NAME,                               \
                                                      VERSION,                            \
                                                      SUMMARY,                            \
                                                      &orka_plugin_register_trampoline,   \
                                                      ORKA_BUILD_TOOLCHAIN,               \
                                                      ORKA_SDK_VERSION_STRING};           \
    return &descriptor;                                                                   \
  }
