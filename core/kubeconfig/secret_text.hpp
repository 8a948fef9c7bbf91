// Token-shaped strings in free text a credential helper wrote (an exec plugin's stderr), masked
// before orka quotes that text in an error: helpers print their tokens in diagnostics.
#pragma once

#include <string>
#include <string_view>

namespace orka::core {

// Replaces with "<masked>": the value after a secret-naming word and "=" or ":" (`token=…`,
// `"access_token": "…"`, `password: …`), the word after "Bearer"/"Basic", and any run of 32
// or more token characters (letters, digits, "-._~+/=") holding both letters and digits
// (JWTs, hex and base64 tokens) wherever it stands.
std::string mask_token_shaped(std::string_view text);

}  // namespace orka::core
