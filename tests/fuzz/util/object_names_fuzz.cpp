// Names from the command line and from the server on their way into a URL: the name rules
// accept only what the API server would store, quote_name never lets a byte act on the
// terminal, and a path segment or query value keeps every byte of its value inside itself.
#include <cstdint>
#include <string>

#include <Poco/URI.h>

#include "fuzz_support.hpp"
#include "orka/api_path.hpp"
#include "orka/object_names.hpp"

namespace {

bool plain_ascii(std::string_view text) {
  for (unsigned char c : text)
    if (c < 0x20 || c >= 0x7f) return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view name = orka_fuzz::as_text(data, size);

  for (auto rule : {orka::NameRule::Dns1123Subdomain, orka::NameRule::Dns1123Label,
                    orka::NameRule::Dns1035Label}) {
    auto checked = orka::check_name("pod", name, rule);
    if (checked) {
      ORKA_FUZZ_CHECK(!name.empty() && name.size() <= 253);
      for (char c : name)
        ORKA_FUZZ_CHECK((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.');
    } else {
      ORKA_FUZZ_CHECK(checked.error().kind == orka::ErrorKind::Usage);
      ORKA_FUZZ_CHECK(plain_ascii(checked.error().message));
    }
  }
  (void)orka::check_namespace(name);

  const std::string quoted = orka::quote_name(name);
  ORKA_FUZZ_CHECK(plain_ascii(quoted));
  ORKA_FUZZ_CHECK(quoted.size() <= 4 * 120 + 64);

  orka::ApiPath path = orka::ApiPath::group_version("apps", "v1");
  path.in_namespace("web").segment("deployments").segment(name).query("fieldSelector", name);
  const std::string target = path.str();
  ORKA_FUZZ_CHECK(plain_ascii(target) && target.find(' ') == std::string::npos);
  const std::string prefix = "/apis/apps/v1/namespaces/web/deployments/";
  ORKA_FUZZ_CHECK(target.starts_with(prefix));
  const std::string rest = target.substr(prefix.size());
  const auto query = rest.find('?');
  ORKA_FUZZ_CHECK(query != std::string::npos);
  const std::string segment = rest.substr(0, query);
  ORKA_FUZZ_CHECK(segment.find_first_of("/?#") == std::string::npos);
  std::string decoded;
  Poco::URI::decode(segment, decoded);
  ORKA_FUZZ_CHECK(decoded == name);
  const std::string value = rest.substr(query + 1);
  ORKA_FUZZ_CHECK(value.starts_with("fieldSelector="));
  ORKA_FUZZ_CHECK(value.find_first_of("&#", 14) == std::string::npos);
  decoded.clear();
  Poco::URI::decode(value.substr(14), decoded);
  ORKA_FUZZ_CHECK(decoded == name);
  return 0;
}
