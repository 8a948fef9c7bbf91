// Opening one plugin file and checking its descriptor, before any of its code registers.
// Modules are never closed: a plugin's functions may be referenced for the life of the process.
#pragma once

#include <expected>
#include <string>

#include "orka/host.hpp"
#include "orka/plugin.hpp"

namespace orka::core {

struct PluginModule {
  std::string path;
  void* handle = nullptr;  // from dlopen; intentionally never passed to dlclose
  const orka_plugin_descriptor* descriptor = nullptr;
  PluginInfo info;  // name, version, summary, path, ABI; commands filled in after register
};

// dlopen(RTLD_NOW | RTLD_LOCAL), find `orka_plugin_entry`, and validate what it returns:
// CannotOpen, NoEntrySymbol, BadDescriptor (null, too small, missing name or register
// function), AbiMismatch (different major, or a minor newer than the host's) or
// ToolchainMismatch (built with another compiler, library or standard: export.hpp).
std::expected<PluginModule, PluginLoadError> open_plugin_module(const std::string& path);

// "plugin ABI 1.0": the host's own version, for messages.
std::string host_abi_string();

// ORKA_BUILD_TOOLCHAIN as liborka was built: what every plugin must have been built with.
std::string host_toolchain();

}  // namespace orka::core
