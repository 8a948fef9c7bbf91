// The API server answers 404 for an object in a namespace that does not exist exactly as for
// a missing object (`pods "p" not found`), which sends the user looking for the wrong thing.
#pragma once

#include <string_view>

#include "orka/cancel.hpp"
#include "orka/client.hpp"
#include "orka/error.hpp"
#include "orka/export.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

// When `error` is a NotFound for something in `namespace_` and that namespace does not exist
// either, the error says the namespace is missing (and what was looked for); otherwise, or when
// the namespace cannot be read, `error` comes back as it was.
ORKA_API Error explain_not_found(Client& client, Error error, std::string_view namespace_,
                                 const CancelToken& cancel);

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
