// What the fuzz targets share: cutting one input into the pieces a socket would deliver, an
// in-memory Connection that hands them out, and the check that turns a broken invariant into a
// crash libFuzzer records (with the input that caused it).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orka_fuzz {

// A failed invariant: the message, then abort() so libFuzzer saves the input as a crash.
[[noreturn]] inline void invariant_failed(const char* file, int line, const char* what) {
  std::fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, what);
  std::abort();
}

#define ORKA_FUZZ_CHECK(condition)                                                      \
  do {                                                                                 \
    if (!(condition)) ::orka_fuzz::invariant_failed(__FILE__, __LINE__, #condition); \
  } while (0)

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Where a socket might cut `wire` into reads. The sizes (1..16; 0: the rest in one piece) come
// from the input's last bytes, so the fuzzer explores splits along with contents while every
// seed stays plain wire bytes. A parser must decode the same thing however the bytes are cut.
inline std::vector<std::size_t> cuts_from(std::string_view wire) {
  std::vector<std::size_t> cuts;
  const std::size_t count = std::min<std::size_t>(8, wire.size());
  for (std::size_t i = 0; i < count; ++i)
    cuts.push_back(static_cast<unsigned char>(wire[wire.size() - 1 - i]) % 17);
  return cuts;
}

// `wire` cut at the sizes in `cuts`, repeating them; a 0 cut (or none) ends in one last piece.
inline std::vector<std::string_view> pieces_of(std::string_view wire,
                                               const std::vector<std::size_t>& cuts) {
  std::vector<std::string_view> pieces;
  std::size_t next = 0;
  while (!wire.empty()) {
    std::size_t size = cuts.empty() ? 0 : cuts[next++ % cuts.size()];
    if (size == 0 || size > wire.size()) size = wire.size();
    pieces.push_back(wire.substr(0, size));
    wire.remove_prefix(size);
  }
  return pieces;
}

// `decode` run on the wire as one read and as the reads cuts_from() picks: {whole, split}.
template <class Decode>
auto decode_whole_and_split(std::string_view wire, Decode&& decode) {
  auto whole = decode(std::vector<std::string_view>{wire});
  auto split = decode(pieces_of(wire, cuts_from(wire)));
  return std::pair{std::move(whole), std::move(split)};
}

// Equal lengths and `same` for every pair of elements.
template <class T, class Same>
bool all_same(const std::vector<T>& a, const std::vector<T>& b, Same&& same) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!same(a[i], b[i])) return false;
  return true;
}

}  // namespace orka_fuzz
