// Host::create: the plugin host behind the CLI and every embedding program.
#include "orka/host.hpp"

#include <filesystem>
#include <map>
#include <set>
#include <system_error>

#include <fmt/format.h>

#include "orka/cache_dir.hpp"
#include "orka/plugin_index.hpp"

#include "discovery/discovery_client.hpp"
#include "host/command_table.hpp"
#include "host/host_services.hpp"
#include "host/op_registry.hpp"
#include "host/plugin_index.hpp"
#include "host/plugin_module.hpp"
#include "host/plugin_path.hpp"
#include "host/plugin_registration.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

std::string_view to_string(LoadFailure failure) {
  switch (failure) {
    case LoadFailure::CannotOpen: return "CannotOpen";
    case LoadFailure::NoEntrySymbol: return "NoEntrySymbol";
    case LoadFailure::BadDescriptor: return "BadDescriptor";
    case LoadFailure::AbiMismatch: return "AbiMismatch";
    case LoadFailure::ToolchainMismatch: return "ToolchainMismatch";
    case LoadFailure::RegisterFailed: return "RegisterFailed";
    case LoadFailure::DuplicateName: return "DuplicateName";
  }
  return "Unknown";
}

Host::~Host() = default;

namespace {

constexpr const char* kHostOwner = "orka itself";

// One spelling per file, so a plugin reached through two search dirs loads once.
std::string file_key(const std::string& path) {
  std::error_code ec;
  auto canonical = std::filesystem::canonical(path, ec);
  if (!ec) return canonical.string();
  return std::filesystem::absolute(path, ec).lexically_normal().string();
}

ErrorKind error_kind_for(const PluginLoadError& failure) {
  switch (failure.reason) {
    case LoadFailure::CannotOpen: {
      std::error_code ec;
      return std::filesystem::exists(failure.path, ec) ? ErrorKind::Invalid : ErrorKind::NotFound;
    }
    case LoadFailure::NoEntrySymbol:
    case LoadFailure::BadDescriptor: return ErrorKind::Invalid;
    case LoadFailure::AbiMismatch:
    case LoadFailure::ToolchainMismatch: return ErrorKind::Unsupported;
    case LoadFailure::RegisterFailed: return ErrorKind::Internal;
    case LoadFailure::DuplicateName: return ErrorKind::Conflict;
  }
  return ErrorKind::Internal;
}

std::string plugin_owner(const PluginInfo& info) {
  return "plugin \"" + info.name + "\" (" + info.path + ")";
}

class HostImpl final : public Host, public PluginIndexLoading {
 public:
  explicit HostImpl(HostOptions options)
      : options_(options), services_(std::move(options), [this] { return plugin_files_for_contexts(); }) {
    commands_.add(core::make_caps_command(), kHostOwner);
  }

  void load_plugins() override {
    for (const auto& file : plugin_files())
      if (attempted_.count(file.key) == 0) (void)load_plugin(file.path);
  }

  std::size_t load_plugins_for_command(std::string_view command) override {
    const auto files = plugin_files();
    std::vector<std::string> keys;
    for (const auto& file : files) keys.push_back(file.key);
    const auto index_file = plugin_index_file();
    if (index_file) {
      auto index = core::read_plugin_index(*index_file);
      auto provider = index ? core::indexed_plugin_for(*index, keys, version_string(), command)
                            : fail(ErrorKind::NotFound, "there is none yet");
      if (provider && load_plugin(*provider)) {
        services_.log(2, fmt::format("plugin index: loaded only {} for `{}` (the others load if "
                                     "an op of theirs is asked for)",
                                     *provider, command));
        ops_.on_first_miss([this] {
          services_.log(2, "plugin index: an op no loaded plugin provides; loading the rest");
          load_plugins();
        });
        return 1;
      }
      if (!provider)
        services_.log(2, fmt::format("plugin index {} not used: {}", index_file->string(),
                                     provider.error().message));
    }
    load_plugins();
    if (index_file) write_plugin_index(*index_file, keys);
    return plugins_.size();
  }

  Result<PluginInfo> load_plugin(const std::string& path) override {
    const auto key = file_key(path);
    if (auto previous = attempted_.find(key); previous != attempted_.end()) {
      if (previous->second.plugin) return plugins_[*previous->second.plugin];
      return std::unexpected(as_error(errors_[*previous->second.failure]));
    }
    auto outcome = load_module(key);
    if (!outcome) {
      services_.log(1, "warning: " + outcome.error().message);
      attempted_[key] = Attempt{std::nullopt, errors_.size()};
      errors_.push_back(outcome.error());
      return std::unexpected(as_error(errors_.back()));
    }
    services_.log(2, "loaded plugin " + plugin_owner(*outcome));
    attempted_[key] = Attempt{plugins_.size(), std::nullopt};
    plugins_.push_back(std::move(*outcome));
    return plugins_.back();
  }

  // What a context's host loads (HostServices::ops_for_context): the plugins loaded here, and
  // those the plugin index left out, since a context's host cannot load them later.
  std::vector<std::string> plugin_files_for_contexts() {
    ops_.load_on_miss();
    std::vector<std::string> files;
    for (const auto& plugin : plugins_) files.push_back(plugin.path);
    return files;
  }

  std::vector<std::string> plugin_search_path() const override {
    return core::plugin_search_path(options_, core::process_getenv, core::executable_dir());
  }
  const std::vector<PluginInfo>& plugins() const override { return plugins_; }
  const std::vector<PluginLoadError>& load_errors() const override { return errors_; }
  const std::vector<CommandSpec>& commands() const override { return commands_.commands(); }
  const CommandSpec* find_command(std::string_view name_or_alias) const override {
    return commands_.find(name_or_alias);
  }
  Ops& ops() override { return ops_; }
  Services& services() override { return services_; }

  Result<void> add_command(CommandSpec spec) override {
    if (auto problem = core::command_spec_problem(spec)) return fail(ErrorKind::Invalid, *problem);
    if (auto clash = commands_.conflict(spec)) return fail(ErrorKind::Conflict, *clash);
    auto run = std::move(spec.run);
    spec.run = [run = std::move(run)](CommandContext& ctx) noexcept -> Result<int> {
      return detail::guard_call([&] { return run(ctx); });
    };
    commands_.add(std::move(spec), kHostOwner);
    return {};
  }

  Result<void> provide_op(OpRegistration registration) override {
    if (auto problem = core::op_registration_problem(registration))
      return fail(ErrorKind::Invalid, *problem);
    if (auto clash = ops_.conflict(registration)) return fail(ErrorKind::Conflict, *clash);
    ops_.add(std::move(registration), kHostOwner);
    return {};
  }

  void set_client(std::shared_ptr<Client> client) override {
    services_.set_client(std::move(client));
  }

 private:
  struct Attempt {
    std::optional<std::size_t> plugin;   // index into plugins_
    std::optional<std::size_t> failure;  // index into errors_
  };

  struct PluginFile {
    std::string path;
    std::string key;  // file_key(path)
  };
  // Every `*.so` on the search path once, in the order load_plugins() tries them.
  std::vector<PluginFile> plugin_files() const {
    std::vector<PluginFile> files;
    std::set<std::string> seen;
    for (const auto& dir : plugin_search_path())
      for (const auto& file : core::plugin_files_in(dir))
        if (auto key = file_key(file); seen.insert(key).second)
          files.push_back(PluginFile{file, std::move(key)});
    return files;
  }

  std::optional<std::filesystem::path> plugin_index_file() const {
    auto dir = cache_directory(options_.cache_dir);
    if (!dir) return std::nullopt;
    return core::plugin_index_file(*dir);
  }

  // What every file in `keys` added, after a load of them all; a failure to write only costs
  // the next command a full load.
  void write_plugin_index(const std::filesystem::path& file, const std::vector<std::string>& keys) {
    core::PluginIndex index;
    index.host_version = version_string();
    for (const auto& key : keys) {
      core::PluginIndexEntry entry;
      entry.file = key;
      auto stamp = core::plugin_file_stamp(key);
      if (!stamp) return;
      entry.stamp = *stamp;
      auto attempt = attempted_.find(key);
      entry.loaded = attempt != attempted_.end() && attempt->second.plugin.has_value();
      if (entry.loaded)
        for (const auto& name : plugins_[*attempt->second.plugin].commands)
          if (const CommandSpec* spec = commands_.find(name))
            for (auto& word : core::command_words(*spec)) entry.words.push_back(std::move(word));
      index.entries.push_back(std::move(entry));
    }
    if (auto written = core::write_plugin_index(file, index); !written)
      services_.log(1, "warning: " + written.error().message);
  }

  static Error as_error(const PluginLoadError& failure) {
    return make_error(error_kind_for(failure), failure.message,
                      "run `orka plugins` to see every plugin that loaded and every refusal");
  }

  std::expected<PluginInfo, PluginLoadError> load_module(const std::string& path) {
    auto module = core::open_plugin_module(path);
    if (!module) return std::unexpected(module.error());
    PluginInfo info = module->info;

    for (const auto& loaded : plugins_) {
      if (loaded.name == info.name) {
        return std::unexpected(PluginLoadError{
            path, info.name, LoadFailure::DuplicateName,
            "plugin \"" + info.name + "\" from " + path +
                " was not loaded: a plugin with that name was already loaded from " +
                loaded.path + " (the first one found on the plugin path wins)"});
      }
    }

    core::PluginRegistration registration(services_, commands_, ops_, plugin_owner(info));
    char reason[1024] = {};
    int status = 1;
    try {
      status = module->descriptor->register_plugin(
          reinterpret_cast<orka_registry*>(static_cast<Registry*>(&registration)), reason,
          sizeof reason);
    } catch (...) {
      // Only a plugin that bypassed ORKA_PLUGIN_DEFINE can get here.
      detail::copy_error("register function let an exception escape", reason, sizeof reason);
      status = 1;
    }
    reason[sizeof reason - 1] = '\0';

    if (const auto& conflict = registration.name_conflict()) {
      return std::unexpected(PluginLoadError{
          path, info.name, LoadFailure::DuplicateName,
          plugin_owner(info) + " was not loaded: " + *conflict});
    }
    if (status != 0) {
      std::string why = reason[0] != '\0' ? reason : "no reason given";
      return std::unexpected(PluginLoadError{
          path, info.name, LoadFailure::RegisterFailed,
          plugin_owner(info) + " failed to register: " + why});
    }
    info.commands = registration.staged_command_names();
    info.ops = registration.staged_op_names();
    registration.commit(commands_, ops_);
    return info;
  }

  const HostOptions options_;
  core::HostServices services_;
  core::OpRegistry ops_;
  core::CommandTable commands_;
  std::vector<PluginInfo> plugins_;
  std::vector<PluginLoadError> errors_;
  std::map<std::string, Attempt> attempted_;
};

}  // namespace

std::unique_ptr<Host> Host::create(HostOptions options) {
  return std::make_unique<HostImpl>(std::move(options));
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
