// Base64 in kubeconfig *-data fields and exec credentials: never a crash; any bytes survive
// encode → decode; whatever decodes re-encodes to text that decodes the same.
#include <cstdint>

#include "fuzz_support.hpp"
#include "util/base64.hpp"

using namespace orka::core;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = orka_fuzz::as_text(data, size);
  const std::string encoded = encode_base64(bytes);
  ORKA_FUZZ_CHECK(encoded.size() == (size + 2) / 3 * 4);
  auto back = decode_base64(encoded);
  ORKA_FUZZ_CHECK(back && *back == bytes);

  if (auto decoded = decode_base64(bytes)) {
    ORKA_FUZZ_CHECK(decoded->size() <= size * 3 / 4 + 2);
    auto again = decode_base64(encode_base64(*decoded));
    ORKA_FUZZ_CHECK(again && *again == *decoded);
  }
  return 0;
}
