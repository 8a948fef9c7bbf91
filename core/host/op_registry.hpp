// The host's registry of ops: every provided op by name and interface version, with its
// provider and declaration. Versions of one op live side by side; one provider per version.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "orka/op.hpp"

namespace orka::core {

class OpRegistry final : public Ops {
 public:
  // What is wrong with registering `registration` on top of what is here, as a sentence
  // fragment ("the scale op (version 1) is already provided by ..."); nullopt when nothing.
  std::optional<std::string> conflict(const OpRegistration& registration) const;
  void add(OpRegistration registration, std::string provider);

  std::shared_ptr<Op> find(std::string_view name, std::uint32_t version,
                           std::string_view type_name) const override;
  std::vector<OpInfo> list() const override;
  JsonRun run_json(std::string_view name, const nlohmann::json& request,
                   const CancelToken& cancel) override;
  Error missing(std::string_view name, std::uint32_t version) const override;

  // Called once, the first time an op is asked for that nothing here provides, before the
  // answer is given: the host loads the plugins it left out (orka/plugin_index.hpp).
  void on_first_miss(std::function<void()> load_the_rest);
  // Runs that handler now if it has not run yet (a copy of the ops is about to be made).
  void load_on_miss() const;

 private:
  struct Entry {
    OpRegistration registration;
    std::string provider;
  };
  std::shared_ptr<Op> find_loaded(std::string_view name, std::uint32_t version,
                                  std::string_view type_name) const;
  bool knows(std::string_view name) const;

  mutable std::mutex mutex_;
  std::vector<Entry> entries_;
  mutable std::mutex miss_mutex_;  // held while the handler loads: other misses wait for it
  mutable std::function<void()> load_the_rest_;
};

// What is wrong with a registration whatever else is registered (no name, no implementation),
// as a complete sentence; nullopt when nothing.
std::optional<std::string> op_registration_problem(const OpRegistration& registration);

}  // namespace orka::core
