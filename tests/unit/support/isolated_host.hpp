// The start of every in-process host test: options for a Host that reads only an empty
// kubeconfig written into `dir` and finds no plugin by itself (no ORKA_PLUGIN_PATH, no install
// directory), so what a test loads or hands in is all there is.
#pragma once

#include <filesystem>
#include <fstream>

#include "orka/host.hpp"

namespace orka::testing {

inline HostOptions isolated_host_options(const std::filesystem::path& dir) {
  const auto kubeconfig = dir / "kubeconfig";
  std::ofstream(kubeconfig) << "apiVersion: v1\nkind: Config\nclusters: []\n";
  HostOptions options;
  options.kubeconfig = kubeconfig.string();
  options.use_env_plugin_path = false;
  options.use_default_plugin_dir = false;
  return options;
}

}  // namespace orka::testing
