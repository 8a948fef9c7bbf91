// An op registry for unit tests of commands: exactly the ops a test hands it.
#pragma once

#include <memory>
#include <string>
#include <typeinfo>
#include <vector>

#include "orka/op.hpp"
#include "orka/services.hpp"

namespace orka::testing {

class TestOps final : public Ops {
 public:
  template <class OpT>
  void add(std::shared_ptr<OpT> op) {
    entries_.push_back(Entry{std::string(OpT::kId.name), OpT::kId.version, typeid(OpT).name(),
                             std::move(op)});
  }

  std::shared_ptr<Op> find(std::string_view name, std::uint32_t version,
                           std::string_view type_name) const override {
    for (const auto& entry : entries_)
      if (entry.name == name && entry.version == version && entry.type_name == type_name)
        return entry.op;
    return nullptr;
  }
  std::vector<OpInfo> list() const override {
    std::vector<OpInfo> infos;
    for (const auto& entry : entries_) infos.push_back(OpInfo{entry.name, entry.version, "test", false, {}});
    return infos;
  }
  JsonRun run_json(std::string_view name, const nlohmann::json&, const CancelToken&) override {
    return JsonRun::failed(missing(name, 0));
  }
  Error missing(std::string_view name, std::uint32_t) const override {
    return make_error(ErrorKind::Unsupported, "no plugin provides the " + std::string(name) + " op");
  }

 private:
  struct Entry {
    std::string name;
    std::uint32_t version;
    std::string type_name;
    std::shared_ptr<Op> op;
  };
  std::vector<Entry> entries_;
};

// Services for commands that only call ops: every cluster-facing service is refused.
class NoClusterServices : public Services {
 public:
  Result<std::shared_ptr<Client>> client() override { return refused(); }
  Result<std::shared_ptr<Discovery>> discovery() override { return refused(); }
  Result<std::string> default_namespace() override { return std::string("default"); }
  int verbosity() const override { return 0; }
  void log(int, std::string_view) override {}
  Result<ServerVersion> server_version(const CancelToken&) override { return refused(); }

 private:
  static std::unexpected<Error> refused() {
    return fail(ErrorKind::Unsupported, "this test has no cluster");
  }
};

}  // namespace orka::testing
