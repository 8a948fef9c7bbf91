// Symbol visibility, ABI versioning and the build record shared by liborka, plugins and
// embedders.
#pragma once

// liborka is built with -fvisibility=hidden; only what carries ORKA_API is exported.
#define ORKA_API __attribute__((visibility("default")))

// The single symbol a plugin module exports (its entry point).
#define ORKA_PLUGIN_EXPORT __attribute__((visibility("default")))

// The plugin ABI version. Major: an incompatible change (the host refuses a plugin built with a
// different major). Minor: additions to interfaces the host implements; the host refuses a plugin
// built against a newer minor than its own. docs/plugins.md states the whole rule.
#define ORKA_PLUGIN_ABI_MAJOR_DIGITS 4
#define ORKA_PLUGIN_ABI_MINOR 1u

#define ORKA_PP_CONCAT_(a, b) a##b
#define ORKA_PP_CONCAT(a, b) ORKA_PP_CONCAT_(a, b)
#define ORKA_PP_STRING_(x) #x
#define ORKA_PP_STRING(x) ORKA_PP_STRING_(x)
#define ORKA_PLUGIN_ABI_MAJOR ORKA_PP_CONCAT(ORKA_PLUGIN_ABI_MAJOR_DIGITS, u)

// Every public declaration lives in the inline namespace orka::v<ABI major>, so that a plugin
// or embedder built against another major fails to link instead of calling the wrong layout,
// and two majors' symbols never clash in one process. Derived from the major so they cannot
// disagree.
#define ORKA_ABI_NAMESPACE ORKA_PP_CONCAT(v, ORKA_PLUGIN_ABI_MAJOR_DIGITS)
#define ORKA_SDK_VERSION_MAJOR 0
#define ORKA_SDK_VERSION_MINOR 2
#define ORKA_SDK_VERSION_STRING "0.2.0"

// What a plugin (and liborka) was built with. C++ types cross the plugin boundary (std::string,
// std::function, std::expected, nlohmann::json, the Stream templates), so the rule is LLVM's: a
// plugin is built with the same compiler family and major version, the same standard library
// and library ABI, the same C++ standard and the same nlohmann_json as orka. The host compares
// this text with its own and refuses a plugin whose text differs, naming both.
#if defined(__clang__)
#define ORKA_BUILD_COMPILER "clang++ " ORKA_PP_STRING(__clang_major__)
#elif defined(__GNUC__)
#define ORKA_BUILD_COMPILER "g++ " ORKA_PP_STRING(__GNUC__)
#else
#define ORKA_BUILD_COMPILER "unknown compiler"
#endif
#if defined(_GLIBCXX_RELEASE) && defined(_GLIBCXX_USE_CXX11_ABI) && _GLIBCXX_USE_CXX11_ABI
#define ORKA_BUILD_STDLIB "libstdc++ " ORKA_PP_STRING(_GLIBCXX_RELEASE) " (cxx11 ABI)"
#elif defined(_GLIBCXX_RELEASE)
#define ORKA_BUILD_STDLIB "libstdc++ " ORKA_PP_STRING(_GLIBCXX_RELEASE) " (old ABI)"
#elif defined(_LIBCPP_VERSION)
#define ORKA_BUILD_STDLIB "libc++ " ORKA_PP_STRING(_LIBCPP_VERSION)
#else
#define ORKA_BUILD_STDLIB "unknown standard library"
#endif
// Needs <nlohmann/json.hpp> (and a standard header for the library macros) included first.
#define ORKA_BUILD_TOOLCHAIN                                                            \
  ORKA_BUILD_COMPILER ", " ORKA_BUILD_STDLIB ", C++ " ORKA_PP_STRING(__cplusplus)       \
      ", nlohmann_json " ORKA_PP_STRING(NLOHMANN_JSON_VERSION_MAJOR) "." ORKA_PP_STRING( \
          NLOHMANN_JSON_VERSION_MINOR)
