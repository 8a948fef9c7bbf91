#include "discovery/resource_resolver.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "util/ascii.hpp"

#include <algorithm>
#include <cctype>
#include <limits>
#include <tuple>

namespace orka::core {

namespace {


// 0: exact resource name, 1: short name, nullopt: no match.
std::optional<int> name_match(const ApiResource& resource, std::string_view name) {
  if (resource.resource == name || resource.singular == name || to_lower_ascii(resource.kind) == name)
    return 0;
  for (const auto& short_name : resource.short_names)
    if (short_name == name) return 1;
  return std::nullopt;
}

std::size_t group_rank(const std::string& group) {
  if (group.empty()) return 0;
  if (group == "apps") return 1;
  return 2;
}

}  // namespace

std::vector<ResourceQuery> parse_resource_arg(std::string_view type) {
  std::string text = to_lower_ascii(type);
  std::vector<ResourceQuery> out;
  auto first_dot = text.find('.');
  if (first_dot == std::string::npos) {
    out.push_back({text, std::nullopt, std::nullopt});
    return out;
  }
  std::string name = text.substr(0, first_dot);
  std::string rest = text.substr(first_dot + 1);
  auto second_dot = rest.find('.');
  if (second_dot != std::string::npos)
    out.push_back({name, rest.substr(second_dot + 1), rest.substr(0, second_dot)});
  out.push_back({name, rest, std::nullopt});
  return out;
}

std::optional<ApiResource> find_resource(const std::vector<ApiResource>& resources,
                                         const ResourceQuery& query) {
  using Rank = std::tuple<int, std::size_t, std::size_t>;  // name tier, group rank, order
  Rank best{std::numeric_limits<int>::max(), 0, 0};
  const ApiResource* found = nullptr;
  for (std::size_t i = 0; i < resources.size(); ++i) {
    const auto& resource = resources[i];
    if (query.group && resource.group != *query.group) continue;
    if (query.version && resource.version != *query.version) continue;
    auto tier = name_match(resource, query.name);
    if (!tier) continue;
    Rank rank{*tier, group_rank(resource.group), i};
    if (found == nullptr || rank < best) {
      best = rank;
      found = &resource;
    }
  }
  if (found == nullptr) return std::nullopt;
  return *found;
}

Error unknown_resource_type(std::string_view type, const std::vector<ApiResource>& resources,
                            const std::vector<std::string>& unavailable_groups) {
  std::string typed = to_lower_ascii(type);
  std::string name = typed.substr(0, typed.find('.'));
  std::string hint =
      "orka cannot list resource types yet: use the plural name, optionally with its group "
      "(deployments, statefulsets.apps, foos.example.com), or see `kubectl api-resources`";
  // A close guess: a resource whose plural starts with what was typed ("deployment" typos).
  if (name.size() >= 3) {
    for (const auto& resource : resources) {
      if (resource.resource.starts_with(name) || name.starts_with(resource.resource)) {
        std::string qualified =
            resource.group.empty() ? resource.resource : resource.resource + "." + resource.group;
        hint = fmt::format("did you mean \"{}\"? ", qualified) + hint;
        break;
      }
    }
  }
  if (!unavailable_groups.empty())
    hint += fmt::format("; discovery failed for {}, so its types are unknown",
                        fmt::join(unavailable_groups, ", "));
  return make_error(ErrorKind::NotFound,
                    fmt::format("the server doesn't have a resource type \"{}\"", type), hint);
}

}  // namespace orka::core
