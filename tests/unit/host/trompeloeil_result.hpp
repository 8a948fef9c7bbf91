// trompeloeil traces a mocked call's return value and first asks whether it equals nullptr.
// std::expected's unconstrained operator== (g++ 12) claims it can compare with anything, then
// fails to compile `Response == nullptr`. These exact-match overloads answer "not null" first.
// (Belongs next to MockClient in tests/unit/support; kept here until it moves there.)
#pragma once

#include <cstddef>

#include <doctest/trompeloeil.hpp>

#include "orka/client.hpp"

namespace orka {
inline namespace v0 {
inline bool operator==(const Result<Response>&, std::nullptr_t) { return false; }
}  // namespace v0
}  // namespace orka

namespace trompeloeil {
inline bool operator==(const orka::Result<orka::Response>&, const indirect_null&) { return false; }
}  // namespace trompeloeil
