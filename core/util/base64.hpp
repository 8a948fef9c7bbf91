// liborka's code reaches the SDK's base64 (orka/base64.hpp) under its internal namespace too.
#pragma once

#include "orka/base64.hpp"

namespace orka::core {
using orka::decode_base64;
using orka::encode_base64;
}  // namespace orka::core
