#include "host/plugin_module.hpp"

#include <dlfcn.h>

#include <cstddef>
#include <string>
#include <fmt/format.h>

namespace orka::core {

namespace {

// The descriptor fields every ABI so far defines; a plugin built against a later minor may
// pass more.
constexpr std::size_t kMinimumDescriptorSize =
    offsetof(orka_plugin_descriptor, sdk_version) + sizeof(const char*);

std::unexpected<PluginLoadError> refuse(const std::string& path, LoadFailure reason,
                                        std::string message, std::string name = {}) {
  return std::unexpected(PluginLoadError{path, std::move(name), reason, std::move(message)});
}

std::string abi_string(std::uint32_t major, std::uint32_t minor) {
  return fmt::format("{}.{}", major, minor);
}

}  // namespace

std::string host_abi_string() {
  return abi_string(ORKA_PLUGIN_ABI_MAJOR, ORKA_PLUGIN_ABI_MINOR);
}

std::string host_toolchain() { return ORKA_BUILD_TOOLCHAIN; }

std::expected<PluginModule, PluginLoadError> open_plugin_module(const std::string& path) {
  dlerror();
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* error_text = dlerror();
    std::string why = error_text != nullptr ? error_text : "dlopen failed without a reason";
    // glibc puts the path first ("<path>: invalid ELF header"); the message names it already.
    if (why.starts_with(path + ": ")) why.erase(0, path.size() + 2);
    return refuse(path, LoadFailure::CannotOpen,
                  fmt::format("cannot load plugin {}: {}", path, why));
  }

  dlerror();
  void* symbol = dlsym(handle, ORKA_PLUGIN_ENTRY_SYMBOL);
  if (symbol == nullptr) {
    return refuse(path, LoadFailure::NoEntrySymbol,
                  fmt::format("{} is not an orka plugin: it does not export the `{}` symbol "
                              "(a plugin defines it with ORKA_PLUGIN_DEFINE)",
                              path, ORKA_PLUGIN_ENTRY_SYMBOL));
  }
  auto entry = reinterpret_cast<orka_plugin_entry_fn>(symbol);
  const orka_plugin_descriptor* descriptor = entry();
  if (descriptor == nullptr) {
    return refuse(path, LoadFailure::BadDescriptor,
                  fmt::format("plugin {} returned no descriptor from `{}`", path,
                              ORKA_PLUGIN_ENTRY_SYMBOL));
  }

  // The two version fields come first in every ABI, so they are read before anything whose
  // layout depends on the major version.
  const auto major = descriptor->abi_major;
  const auto minor = descriptor->abi_minor;
  if (major != ORKA_PLUGIN_ABI_MAJOR) {
    return refuse(path, LoadFailure::AbiMismatch,
                  fmt::format("plugin {} was built for plugin ABI {}, but this orka ({}) uses "
                              "plugin ABI {}: rebuild the plugin against orka {}'s SDK",
                              path, abi_string(major, minor), ORKA_VERSION, host_abi_string(),
                              ORKA_VERSION));
  }
  if (minor > ORKA_PLUGIN_ABI_MINOR) {
    return refuse(path, LoadFailure::AbiMismatch,
                  fmt::format("plugin {} needs plugin ABI {}, newer than this orka's ({}) "
                              "plugin ABI {}: upgrade orka, or rebuild the plugin against "
                              "ABI {}",
                              path, abi_string(major, minor), ORKA_VERSION, host_abi_string(),
                              host_abi_string()));
  }
  if (descriptor->struct_size < kMinimumDescriptorSize) {
    return refuse(path, LoadFailure::BadDescriptor,
                  fmt::format("plugin {} has a descriptor of {} bytes, smaller than the {} "
                              "bytes plugin ABI {} requires",
                              path, descriptor->struct_size, kMinimumDescriptorSize,
                              abi_string(major, minor)));
  }
  if (descriptor->name == nullptr || descriptor->name[0] == '\0') {
    return refuse(path, LoadFailure::BadDescriptor,
                  fmt::format("plugin {} has no name in its descriptor", path));
  }
  if (descriptor->register_plugin == nullptr) {
    return refuse(path, LoadFailure::BadDescriptor,
                  fmt::format("plugin {} ({}) has no register function in its descriptor",
                              descriptor->name, path),
                  descriptor->name);
  }
  // C++ types cross the boundary, so only a plugin built the way orka was may run (export.hpp).
  const std::string toolchain = descriptor->toolchain != nullptr ? descriptor->toolchain : "";
  if (toolchain != host_toolchain()) {
    return refuse(path, LoadFailure::ToolchainMismatch,
                  fmt::format("plugin {} ({}) was built with {}, but this orka ({}) was built "
                              "with {}: rebuild the plugin with the same compiler, standard "
                              "library, C++ standard and nlohmann_json (see `pkg-config "
                              "--variable=toolchain orka`)",
                              descriptor->name, path,
                              toolchain.empty() ? std::string("an unrecorded toolchain")
                                                : "\"" + toolchain + "\"",
                              ORKA_VERSION, "\"" + host_toolchain() + "\""),
                  descriptor->name);
  }

  PluginModule module;
  module.path = path;
  module.handle = handle;
  module.descriptor = descriptor;
  module.info.name = descriptor->name;
  module.info.version = descriptor->version != nullptr ? descriptor->version : "";
  module.info.summary = descriptor->summary != nullptr ? descriptor->summary : "";
  module.info.path = path;
  module.info.abi_major = major;
  module.info.abi_minor = minor;
  module.info.toolchain = toolchain;
  module.info.sdk_version = descriptor->sdk_version != nullptr ? descriptor->sdk_version : "";
  return module;
}

}  // namespace orka::core
