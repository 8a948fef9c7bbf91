// Loading only the plugin a command needs, through an index of what every plugin file on the
// path registered (GStreamer's registry cache, for the same reason: a one-shot command should
// not map eight op plugins to run one). A capability of the Host that Host::create returns,
// probed with dynamic_cast so orka::Host stays as it is:
//
//   if (auto* index = dynamic_cast<orka::PluginIndexLoading*>(host.get()))
//     index->load_plugins_for_command("scale");
//   else
//     host->load_plugins();
//
// The index is `plugins/index.json` in the cache directory (HostOptions::cache_dir; an empty one
// keeps no index). It names every plugin file on the search path with its size and
// modification time, the plugin in it and the command words it added. It is used only when it
// describes exactly the files on the path now, in order, and every one of them loaded; any
// difference (a plugin added, rebuilt, removed or refused, another orka) loads every plugin as
// load_plugins() does and writes the index anew.
#pragma once

#include <cstddef>
#include <string_view>

#include "orka/export.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

// Header-only on purpose, like KeepaliveControl: typeinfo and vtable are emitted with default
// visibility wherever they are used (ORKA_API), so one type for dynamic_cast across modules.
class ORKA_API PluginIndexLoading {
 public:
  virtual ~PluginIndexLoading() = default;
  // Loads the plugin that added `command` (a name or an alias) when the index is current,
  // else every plugin. Either way the host then behaves as after load_plugins() for that
  // command: an op nothing loaded provides loads every remaining plugin the first time it is
  // asked for (a command may run another plugin's op), so only commands() and plugins() show
  // the difference. Returns how many plugin files were loaded. That later load runs on the
  // thread that asked for the op and adds to commands() and plugins(): run a command from a
  // copy of its CommandSpec, and a program that reads those lists while ops run on other
  // threads loads every plugin instead.
  virtual std::size_t load_plugins_for_command(std::string_view command) = 0;
};

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
