#include "host/op_registry.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace orka::core {

namespace {

std::string describe_op(std::string_view name, std::uint32_t version) {
  return fmt::format("the {} op (version {})", name, version);
}

}  // namespace

std::optional<std::string> op_registration_problem(const OpRegistration& registration) {
  if (registration.name.empty()) return "an op was provided without a name";
  if (registration.name.find_first_of(" \t\r\n/") != std::string::npos)
    return fmt::format("the op name {:?} holds a space or a slash", registration.name);
  if (registration.version == 0)
    return fmt::format("{} was provided with interface version 0", registration.name);
  if (!registration.op)
    return fmt::format("{} was provided without an implementation",
                       describe_op(registration.name, registration.version));
  return std::nullopt;
}

std::optional<std::string> OpRegistry::conflict(const OpRegistration& registration) const {
  std::lock_guard lock(mutex_);
  for (const auto& entry : entries_)
    if (entry.registration.name == registration.name &&
        entry.registration.version == registration.version)
      return fmt::format("{} is already provided by {}",
                         describe_op(registration.name, registration.version), entry.provider);
  return std::nullopt;
}

void OpRegistry::add(OpRegistration registration, std::string provider) {
  std::lock_guard lock(mutex_);
  entries_.push_back(Entry{std::move(registration), std::move(provider)});
}

void OpRegistry::on_first_miss(std::function<void()> load_the_rest) {
  std::lock_guard lock(miss_mutex_);
  load_the_rest_ = std::move(load_the_rest);
}

void OpRegistry::load_on_miss() const {
  std::lock_guard lock(miss_mutex_);
  if (!load_the_rest_) return;
  auto load = std::move(load_the_rest_);
  load_the_rest_ = nullptr;
  load();  // adds ops under mutex_, never miss_mutex_
}

std::shared_ptr<Op> OpRegistry::find_loaded(std::string_view name, std::uint32_t version,
                                            std::string_view type_name) const {
  std::lock_guard lock(mutex_);
  for (const auto& entry : entries_)
    if (entry.registration.name == name && entry.registration.version == version &&
        entry.registration.type_name == type_name)
      return entry.registration.op;
  return nullptr;
}

bool OpRegistry::knows(std::string_view name) const {
  std::lock_guard lock(mutex_);
  return std::any_of(entries_.begin(), entries_.end(),
                     [&](const Entry& entry) { return entry.registration.name == name; });
}

std::shared_ptr<Op> OpRegistry::find(std::string_view name, std::uint32_t version,
                                     std::string_view type_name) const {
  if (auto op = find_loaded(name, version, type_name)) return op;
  load_on_miss();
  return find_loaded(name, version, type_name);
}

std::vector<OpInfo> OpRegistry::list() const {
  load_on_miss();  // a list is asked for whole
  std::lock_guard lock(mutex_);
  std::vector<OpInfo> infos;
  for (const auto& entry : entries_)
    infos.push_back(OpInfo{entry.registration.name, entry.registration.version, entry.provider,
                           static_cast<bool>(entry.registration.json),
                           entry.registration.declaration});
  return infos;
}

JsonRun OpRegistry::run_json(std::string_view name, const nlohmann::json& request,
                             const CancelToken& cancel) {
  if (!knows(name)) load_on_miss();
  JsonRunner runner;
  bool known = false;
  {
    std::lock_guard lock(mutex_);
    std::uint32_t newest = 0;
    for (const auto& entry : entries_) {
      if (entry.registration.name != name) continue;
      known = true;
      if (entry.registration.json && entry.registration.version > newest) {
        newest = entry.registration.version;
        runner = entry.registration.json;
      }
    }
  }
  if (!runner) {
    if (known)
      return JsonRun::failed(make_error(
          ErrorKind::Unsupported, fmt::format("the {} op cannot be run with a JSON request", name),
          "its plugin provides only the typed interface"));
    return JsonRun::failed(missing(name, 0));
  }
  return runner(request, cancel);
}

Error OpRegistry::missing(std::string_view name, std::uint32_t version) const {
  std::vector<std::string> versions;
  std::vector<std::string> names;
  {
    std::lock_guard lock(mutex_);
    for (const auto& entry : entries_) {
      if (entry.registration.name == name)
        versions.push_back(fmt::format("version {} from {}", entry.registration.version,
                                       entry.provider));
      if (std::find(names.begin(), names.end(), entry.registration.name) == names.end())
        names.push_back(entry.registration.name);
    }
  }
  if (!versions.empty())
    return make_error(ErrorKind::Unsupported,
                      fmt::format("this program needs {}, but the loaded plugins provide {}",
                                  describe_op(name, version), fmt::join(versions, ", ")),
                      "install the plugin version this program was built for");
  return make_error(ErrorKind::Unsupported,
                    fmt::format("no plugin provides the {} op", name),
                    names.empty() ? std::string("no op is loaded: run `orka plugins` to see why")
                                  : fmt::format("loaded ops: {}; run `orka plugins` to see what "
                                                "loaded and what did not",
                                                fmt::join(names, ", ")));
}

}  // namespace orka::core
