// A kubeconfig file's text through the YAML parser and orka's checks of its shape: never a
// crash, a hang or an exception out of yaml-cpp; a refusal is a Config error naming the file;
// a parsed file merges with another the way client-go merges them.
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "kubeconfig/kubeconfig_parser.hpp"
#include "kubeconfig/loading_rules.hpp"

using namespace orka::core;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(orka_fuzz::as_text(data, size));
  auto parsed = parse_kubeconfig_text(text, "/fuzz/kubeconfig");
  if (!parsed) {
    ORKA_FUZZ_CHECK(parsed.error().kind == orka::ErrorKind::Config);
    ORKA_FUZZ_CHECK(parsed.error().message.starts_with("/fuzz/kubeconfig"));
    return 0;
  }
  auto second = parse_kubeconfig_text(text, "/fuzz/other/kubeconfig");
  ORKA_FUZZ_CHECK(second);
  ORKA_FUZZ_CHECK(second->clusters.size() == parsed->clusters.size());
  const KubeconfigDocument merged = merge_kubeconfigs({*parsed, *second});
  ORKA_FUZZ_CHECK(merged.clusters.size() == parsed->clusters.size());
  ORKA_FUZZ_CHECK(merged.users.size() == parsed->users.size());
  ORKA_FUZZ_CHECK(merged.contexts.size() == parsed->contexts.size());
  ORKA_FUZZ_CHECK(merged.current_context == parsed->current_context);
  return 0;
}
