// Turns what a user typed ("deploy", "deployments.apps", "deployments.v1.apps") into a
// discovered resource, the way kubectl's RESTMapper and short-name expander do.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orka/discovery.hpp"
#include "orka/error.hpp"

namespace orka::core {

struct ResourceQuery {
  std::string name;                    // plural, singular, kind or short name, lowercased
  std::optional<std::string> group;    // set when the user qualified the type
  std::optional<std::string> version;  // set for "resource.version.group"
};

// Interpretations of `type`, most specific first: "a.b.c" is tried as resource a, version b,
// group c, then as resource a in group "b.c".
std::vector<ResourceQuery> parse_resource_arg(std::string_view type);

// Best match for `query` in `resources` (discovery order). Exact plural/singular/kind names
// beat short names; among groups the core group wins, then apps, then discovery order.
std::optional<ApiResource> find_resource(const std::vector<ApiResource>& resources,
                                         const ResourceQuery& query);

// The NotFound error for a type nothing matched, with a hint (and a guess when one is close).
Error unknown_resource_type(std::string_view type, const std::vector<ApiResource>& resources,
                            const std::vector<std::string>& unavailable_groups);

}  // namespace orka::core
