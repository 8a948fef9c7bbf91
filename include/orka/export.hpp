// Symbol visibility and ABI versioning shared by liborka, plugins and embedders.
#pragma once

// liborka is built with -fvisibility=hidden; only what carries ORKA_API is exported.
#define ORKA_API __attribute__((visibility("default")))

// The single symbol a plugin module exports (its entry point).
#define ORKA_PLUGIN_EXPORT __attribute__((visibility("default")))

// The plugin ABI version. Major: an incompatible change (the host refuses a plugin built with a
// different major). Minor: additions to interfaces the host implements; the host refuses a plugin
// built against a newer minor than its own. docs/plugins.md states the rule.
#define ORKA_PLUGIN_ABI_MAJOR_DIGITS 3
#define ORKA_PLUGIN_ABI_MINOR 0u

#define ORKA_PP_CONCAT_(a, b) a##b
#define ORKA_PP_CONCAT(a, b) ORKA_PP_CONCAT_(a, b)
#define ORKA_PLUGIN_ABI_MAJOR ORKA_PP_CONCAT(ORKA_PLUGIN_ABI_MAJOR_DIGITS, u)

// Every public declaration lives in the inline namespace orka::v<ABI major>, so that a plugin
// or embedder built against another major fails to link instead of calling the wrong layout,
// and two majors' symbols never clash in one process. Derived from the major so they cannot
// disagree.
#define ORKA_ABI_NAMESPACE ORKA_PP_CONCAT(v, ORKA_PLUGIN_ABI_MAJOR_DIGITS)
#define ORKA_SDK_VERSION_MAJOR 0
#define ORKA_SDK_VERSION_MINOR 1
#define ORKA_SDK_VERSION_STRING "0.1.0"
