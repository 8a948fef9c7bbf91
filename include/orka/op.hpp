// Ops registered by name. Every op — the eight built in and any a third party adds — is a typed
// interface with one call (a request in, a reply out), a name and an interface version. A plugin
// provides an implementation with Registry::provide<OpT>() and declares what the op needs from the
// cluster (OpDeclaration), so `orka ops caps` can judge ops it has never heard of; the host keeps
// them in a registry (Ops) that the CLI, a GUI and other plugins call:
//
//   auto outcome = host->ops().run<orka::ScaleOp>(request);        // typed, with the header
//   auto events = host->ops().run_json("scale", request_json, cancel);  // by name, no header
//
// An op interface never changes once released (the plugin ABI rule in docs/plugins.md): a new
// request, reply or contract is a new interface version, provided side by side with the old one.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <exception>
#include <vector>

#include <nlohmann/json.hpp>

#include "orka/cancel.hpp"
#include "orka/error.hpp"
#include "orka/export.hpp"
#include "orka/stream.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

// The identity of an op interface: the name a user and the JSON entry know it by, and the
// version of its typed interface.
struct OpId {
  std::string_view name;
  std::uint32_t version = 1;
};

// Base of every op implementation: the registry holds ops as this.
class ORKA_API Op {
 public:
  virtual ~Op();
};

// A typed op interface: one call, one request, one reply. The reply is Result<Outcome> for a
// one-shot op, or a Stream / DuplexStream whose items are the op's events. Interfaces derive
// from it and add `static constexpr OpId kId`:
//
//   struct ScaleOp : TypedOp<ScaleRequest, Result<ScaleOutcome>> {
//     static constexpr OpId kId{"scale", 1};
//   };
template <class RequestT, class ReplyT>
class TypedOp : public Op {
 public:
  using Request = RequestT;
  using Reply = ReplyT;
  virtual Reply run(const Request& request) = 0;
};

// Where an RBAC check applies.
enum class PermissionScope {
  Namespace,      // the namespace the op works in
  AllNamespaces,  // every namespace (e.g. the pods on a node)
  Cluster,        // a cluster-scoped resource (nodes)
};

// One thing an op needs from the cluster: discovery must serve `resource` (and `subresource`,
// or list `verb` for the resource), and RBAC must allow `verb` on it in `scope`.
struct OpRequirement {
  std::string verb;
  std::string group;  // "" for the core group
  std::string resource;
  std::string subresource;
  PermissionScope scope = PermissionScope::Namespace;
  // Why the op needs it, for `orka ops caps` (may be empty).
  std::string note;
  // When the cluster does not serve what this requirement names, the op does this instead
  // (drain deletes pods where there is no pods/eviction); empty: the op is not offered then.
  std::vector<OpRequirement> otherwise;
};

// A requirement from its parts (aggregate initialisation of OpRequirement would leave fields out).
inline OpRequirement op_requirement(std::string verb, std::string group, std::string resource,
                                    std::string subresource, PermissionScope scope,
                                    std::string note = {}) {
  OpRequirement requirement;
  requirement.verb = std::move(verb);
  requirement.group = std::move(group);
  requirement.resource = std::move(resource);
  requirement.subresource = std::move(subresource);
  requirement.scope = scope;
  requirement.note = std::move(note);
  return requirement;
}

// What a plugin declares about an op when it provides it.
struct OpDeclaration {
  std::string summary;                      // one line
  std::vector<OpRequirement> requirements;  // all of them (or their `otherwise`) must hold
  std::vector<std::string> notes;           // shown by `orka ops caps`
  // Streaming ops over pods/exec or pods/portforward name that subresource: caps then shows
  // the wire form `--transport auto` picks on the cluster.
  std::string stream_subresource;
  // An op that works on every resource with this subresource (scale: "scale"): caps lists them.
  std::string applies_to_subresource;
};

// A registered op, as `Ops::list()` and `orka ops caps` show it.
struct OpInfo {
  std::string name;
  std::uint32_t version = 0;
  std::string provider;  // "plugin \"scale\" (/path/orka-scale.so)"
  bool runs_as_json = false;
  OpDeclaration declaration;
};

// The generic form of a running op: JSON events out — exactly the objects the op's command
// prints with --json —, the result object as the outcome, and for ops that take input (exec)
// the input side.
using JsonRun = DuplexStream<nlohmann::json, nlohmann::json>;
// Starts an op from its JSON request. Must not throw (Registry::provide_json guards it).
using JsonRunner = std::function<JsonRun(const nlohmann::json& request, const CancelToken& cancel)>;

// The registry of ops, implemented by the host. Interfaces the host implements may grow in a
// minor ABI version; code outside orka calls it and never derives from it.
class Ops {
 public:
  virtual ~Ops() = default;

  // The op registered under `name` and `version` whose interface type is `type_name`
  // (typeid(OpT).name()), or nullptr.
  virtual std::shared_ptr<Op> find(std::string_view name, std::uint32_t version,
                                   std::string_view type_name) const = 0;
  // Every registered op, in registration order.
  virtual std::vector<OpInfo> list() const = 0;
  // Runs the op registered under `name` (its newest version that runs as JSON).
  virtual JsonRun run_json(std::string_view name, const nlohmann::json& request,
                           const CancelToken& cancel) = 0;

  // Why OpT cannot be had: no such op, or another version of it.
  virtual Error missing(std::string_view name, std::uint32_t version) const = 0;

  // The typed op, or an Unsupported error naming what is loaded instead.
  template <class OpT>
  Result<std::shared_ptr<OpT>> get() const {
    auto found = find(OpT::kId.name, OpT::kId.version, typeid(OpT).name());
    if (!found) return std::unexpected(missing(OpT::kId.name, OpT::kId.version));
    // The entry was registered from an OpT (same name, version and interface type).
    return std::static_pointer_cast<OpT>(std::move(found));
  }

  // Runs OpT with `request`; when it is not loaded, the reply is that error.
  template <class OpT>
  typename OpT::Reply run(const typename OpT::Request& request) {
    auto op = get<OpT>();
    if (!op) return failed_reply<typename OpT::Reply>(op.error());
    return (*op)->run(request);
  }

  template <class Reply>
  static Reply failed_reply(Error error) {
    if constexpr (requires { Reply::failed(std::move(error)); })
      return Reply::failed(std::move(error));
    else
      return std::unexpected(std::move(error));
  }
};

// One op as a plugin or an embedder hands it to the registry (see make_op_registration).
struct OpRegistration {
  std::string name;
  std::uint32_t version = 0;
  std::string type_name;  // typeid(OpT).name(): find() hands it out only as that type
  std::shared_ptr<Op> op;
  OpDeclaration declaration;
  JsonRunner json;  // may be empty: the op is then typed-only
};

namespace detail {

// Runs `fn`, turning an exception into the reply's error. Compiled into whoever instantiates it
// (the plugin), so no exception leaves the plugin.
template <class Reply, class Fn>
Reply guard_reply(Fn&& fn) noexcept {
  try {
    return fn();
  } catch (const std::exception& e) {
    return Ops::failed_reply<Reply>(
        make_error(ErrorKind::Internal, std::string("plugin threw: ") + e.what()));
  } catch (...) {
    return Ops::failed_reply<Reply>(
        make_error(ErrorKind::Internal, "plugin threw an unknown exception"));
  }
}

// An op whose calls cannot throw: what the registry holds for every provided op.
template <class OpT>
class GuardedOp final : public OpT {
 public:
  explicit GuardedOp(std::shared_ptr<OpT> inner) : inner_(std::move(inner)) {}
  typename OpT::Reply run(const typename OpT::Request& request) override {
    return guard_reply<typename OpT::Reply>([&] { return inner_->run(request); });
  }

 private:
  std::shared_ptr<OpT> inner_;
};

}  // namespace detail

// Wraps `impl` (an OpT) and its JSON runner so that neither lets an exception out, in the code
// of the caller (a plugin's register function, an embedder).
template <class OpT, class Impl>
OpRegistration make_op_registration(std::shared_ptr<Impl> impl, OpDeclaration declaration,
                                    JsonRunner json = {}) {
  static_assert(std::is_base_of_v<OpT, Impl>, "the implementation must derive from the op");
  OpRegistration registration;
  registration.name = std::string(OpT::kId.name);
  registration.version = OpT::kId.version;
  registration.type_name = typeid(OpT).name();
  if (impl) {
    std::shared_ptr<OpT> typed = std::move(impl);
    registration.op = std::make_shared<detail::GuardedOp<OpT>>(std::move(typed));
  }
  registration.declaration = std::move(declaration);
  if (json) {
    registration.json = [json = std::move(json)](const nlohmann::json& request,
                                                 const CancelToken& cancel) noexcept {
      return detail::guard_reply<JsonRun>([&] { return json(request, cancel); });
    };
  }
  return registration;
}

// A field of an op's request that is invalid, in the op's own terms: Invalid, with one
// StatusCause {kRequestFieldInvalid, problem, field}; the message is "<field> <problem>". A
// command maps the field to its flag (command_shape.hpp), a GUI to its input.
ORKA_API Error field_error(std::string_view field, std::string_view problem);
inline std::unexpected<Error> fail_field(std::string_view field, std::string_view problem) {
  return std::unexpected(field_error(field, problem));
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
