// Symbol visibility and ABI versioning shared by liborka, plugins and embedders.
#pragma once

// liborka is built with -fvisibility=hidden; only what carries ORKA_API is exported.
#define ORKA_API __attribute__((visibility("default")))

// The single symbol a plugin module exports (its entry point).
#define ORKA_PLUGIN_EXPORT __attribute__((visibility("default")))

// Every public declaration lives in orka::v0 (inline), so a future incompatible SDK can
// live beside this one in one process without symbol clashes.
#define ORKA_SDK_VERSION_MAJOR 0
#define ORKA_SDK_VERSION_MINOR 1
#define ORKA_SDK_VERSION_STRING "0.1.0"
