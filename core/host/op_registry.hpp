// The host's registry of ops: every provided op by name and interface version, with its
// provider and declaration. Versions of one op live side by side; one provider per version.
#pragma once

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

 private:
  struct Entry {
    OpRegistration registration;
    std::string provider;
  };
  mutable std::mutex mutex_;
  std::vector<Entry> entries_;
};

// What is wrong with a registration whatever else is registered (no name, no implementation),
// as a complete sentence; nullopt when nothing.
std::optional<std::string> op_registration_problem(const OpRegistration& registration);

}  // namespace orka::core
