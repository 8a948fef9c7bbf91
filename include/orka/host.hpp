// orka::Host: loads plugins, owns the services they share, and keeps the registry of the ops
// and commands the plugins provide. The CLI is one Host user; a GUI is another
// (docs/embedding.md, examples/embed):
//
//   orka::HostOptions options;
//   options.kubeconfig = "/path/to/kubeconfig";
//   auto host = orka::Host::create(options);          // reads nothing yet
//   host->load_plugins();                             // flag dirs, ORKA_PLUGIN_PATH, install dir
//   orka::ScaleRequest request{{"api", "deploy", "web"}, 3};
//   auto outcome = host->ops().run<orka::ScaleOp>(request);
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "orka/command.hpp"
#include "orka/error.hpp"
#include "orka/export.hpp"
#include "orka/op.hpp"
#include "orka/services.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

struct HostOptions {
  std::optional<std::string> kubeconfig;  // --kubeconfig: this file only, no merging
  std::optional<std::string> context;     // --context
  std::optional<std::string> namespace_;  // -n
  int verbosity = 0;
  std::ostream* diagnostics = nullptr;     // where -v lines go; nullptr: std::cerr
  std::vector<std::string> plugin_paths;   // --plugin-path, searched first, in order
  bool use_env_plugin_path = true;         // then ORKA_PLUGIN_PATH (colon list)
  bool use_default_plugin_dir = true;      // then the install dir relative to the executable
  // --cache-dir: where the discovery snapshot is kept between runs (per server and user, 6 h).
  // Unset: $XDG_CACHE_HOME/orka, else ~/.cache/orka. Empty: keep nothing on disk.
  std::optional<std::string> cache_dir;
};

struct PluginInfo {
  std::string name;
  std::string version;
  std::string summary;
  std::string path;
  std::uint32_t abi_major = 0;
  std::uint32_t abi_minor = 0;
  std::string toolchain;               // what it was built with (export.hpp)
  std::string sdk_version;             // the SDK it was built against
  std::vector<std::string> commands;   // command names it added
  std::vector<std::string> ops;        // op names it provided ("scale", ...)
};

enum class LoadFailure {
  CannotOpen,      // dlopen failed (not a shared object, missing dependency, ...)
  NoEntrySymbol,   // no orka_plugin_entry symbol
  BadDescriptor,   // entry returned null, struct too small, or missing fields
  AbiMismatch,     // different major, or newer minor than the host
  ToolchainMismatch,  // built with another compiler, standard library, C++ standard or JSON library
  RegisterFailed,  // the register function returned an error or threw
  DuplicateName,   // a plugin (or command) with this name was already loaded; first one wins
};
ORKA_API std::string_view to_string(LoadFailure failure);

struct PluginLoadError {
  std::string path;
  std::string name;  // when the descriptor could be read
  LoadFailure reason = LoadFailure::CannotOpen;
  std::string message;  // complete sentence naming the file and what was wrong
};

class ORKA_API Host {
 public:
  static std::unique_ptr<Host> create(HostOptions options);
  virtual ~Host();

  // Searches the plugin path and loads every `*.so` found there (see HostOptions).
  virtual void load_plugins() = 0;
  // Loads one module; failures are also recorded in load_errors().
  virtual Result<PluginInfo> load_plugin(const std::string& path) = 0;

  virtual std::vector<std::string> plugin_search_path() const = 0;
  virtual const std::vector<PluginInfo>& plugins() const = 0;
  virtual const std::vector<PluginLoadError>& load_errors() const = 0;

  // Commands registered by plugins and the host's built-ins, in registration order.
  virtual const std::vector<CommandSpec>& commands() const = 0;
  virtual const CommandSpec* find_command(std::string_view name_or_alias) const = 0;

  // Every op the plugins (and the host's user) provided: typed (ops().run<OpT>()) and by name
  // with JSON (ops().run_json()).
  virtual Ops& ops() = 0;
  virtual Services& services() = 0;

  // Registers a command or op from the host side (built-ins, tests, embedders).
  virtual Result<void> add_command(CommandSpec spec) = 0;
  virtual Result<void> provide_op(OpRegistration registration) = 0;
  template <class OpT, class Impl>
  Result<void> provide(std::shared_ptr<Impl> impl, OpDeclaration declaration, JsonRunner json = {}) {
    return provide_op(
        make_op_registration<OpT>(std::move(impl), std::move(declaration), std::move(json)));
  }

  // The Client to use instead of one built from kubeconfig (tests, embedders).
  virtual void set_client(std::shared_ptr<Client> client) = 0;
};

ORKA_API const char* version_string();

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
