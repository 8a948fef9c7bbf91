// A canned API server for discovery tests: the discovery documents of a Kubernetes 1.20
// cluster (shapes as served by kube-apiserver 1.20), request counting, and an RBAC policy
// answering SelfSubjectAccessReviews.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mock_client.hpp"
#include "orka/client.hpp"
#include "orka/error.hpp"

namespace orka::testing {

inline const char* kApiVersions = R"({"kind":"APIVersions","versions":["v1"],
  "serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"172.18.0.2:6443"}]})";

inline const char* kCoreV1 = R"({"kind":"APIResourceList","groupVersion":"v1","resources":[
 {"name":"bindings","singularName":"","namespaced":true,"kind":"Binding","verbs":["create"]},
 {"name":"configmaps","singularName":"","namespaced":true,"kind":"ConfigMap","verbs":["create","delete","deletecollection","get","list","patch","update","watch"],"shortNames":["cm"],"storageVersionHash":"qFsyl6wFWjQ="},
 {"name":"events","singularName":"","namespaced":true,"kind":"Event","verbs":["create","delete","deletecollection","get","list","patch","update","watch"],"shortNames":["ev"],"storageVersionHash":"r2yiGXH7wu8="},
 {"name":"namespaces","singularName":"","namespaced":false,"kind":"Namespace","verbs":["create","delete","get","list","patch","update","watch"],"shortNames":["ns"],"storageVersionHash":"Q3oi5N2YM8M="},
 {"name":"namespaces/finalize","singularName":"","namespaced":false,"kind":"Namespace","verbs":["update"]},
 {"name":"namespaces/status","singularName":"","namespaced":false,"kind":"Namespace","verbs":["get","patch","update"]},
 {"name":"nodes","singularName":"","namespaced":false,"kind":"Node","verbs":["create","delete","deletecollection","get","list","patch","update","watch"],"shortNames":["no"],"storageVersionHash":"XwShjMxG9Fs="},
 {"name":"nodes/proxy","singularName":"","namespaced":false,"kind":"NodeProxyOptions","verbs":["create","delete","get","patch","update"]},
 {"name":"nodes/status","singularName":"","namespaced":false,"kind":"Node","verbs":["get","patch","update"]},
 {"name":"pods","singularName":"","namespaced":true,"kind":"Pod","verbs":["create","delete","deletecollection","get","list","patch","update","watch"],"shortNames":["po"],"categories":["all"],"storageVersionHash":"xPOwRZ+Yhw8="},
 {"name":"pods/attach","singularName":"","namespaced":true,"kind":"PodAttachOptions","verbs":["create","get"]},
 {"name":"pods/binding","singularName":"","namespaced":true,"kind":"Binding","verbs":["create"]},
 {"name":"pods/eviction","singularName":"","namespaced":true,"group":"policy","version":"v1beta1","kind":"Eviction","verbs":["create"]},
 {"name":"pods/exec","singularName":"","namespaced":true,"kind":"PodExecOptions","verbs":["create","get"]},
 {"name":"pods/log","singularName":"","namespaced":true,"kind":"Pod","verbs":["get"]},
 {"name":"pods/portforward","singularName":"","namespaced":true,"kind":"PodPortForwardOptions","verbs":["create","get"]},
 {"name":"pods/proxy","singularName":"","namespaced":true,"kind":"PodProxyOptions","verbs":["create","delete","get","patch","update"]},
 {"name":"pods/status","singularName":"","namespaced":true,"kind":"Pod","verbs":["get","patch","update"]},
 {"name":"replicationcontrollers","singularName":"","namespaced":true,"kind":"ReplicationController","verbs":["create","delete","deletecollection","get","list","patch","update","watch"],"shortNames":["rc"],"categories":["all"]},
 {"name":"replicationcontrollers/scale","singularName":"","namespaced":true,"group":"autoscaling","version":"v1","kind":"Scale","verbs":["get","patch","update"]},
 {"name":"replicationcontrollers/status","singularName":"","namespaced":true,"kind":"ReplicationController","verbs":["get","patch","update"]},
 {"name":"services","singularName":"","namespaced":true,"kind":"Service","verbs":["create","delete","get","list","patch","update","watch"],"shortNames":["svc"],"categories":["all"]},
 {"name":"services/proxy","singularName":"","namespaced":true,"kind":"ServiceProxyOptions","verbs":["create","delete","get","patch","update"]},
 {"name":"services/status","singularName":"","namespaced":true,"kind":"Service","verbs":["get","patch","update"]}
]})";

inline const char* kApiGroups = R"({"kind":"APIGroupList","apiVersion":"v1","groups":[
 {"name":"apps","versions":[{"groupVersion":"apps/v1","version":"v1"}],"preferredVersion":{"groupVersion":"apps/v1","version":"v1"}},
 {"name":"events.k8s.io","versions":[{"groupVersion":"events.k8s.io/v1","version":"v1"},{"groupVersion":"events.k8s.io/v1beta1","version":"v1beta1"}],"preferredVersion":{"groupVersion":"events.k8s.io/v1","version":"v1"}},
 {"name":"autoscaling","versions":[{"groupVersion":"autoscaling/v1","version":"v1"},{"groupVersion":"autoscaling/v2beta1","version":"v2beta1"},{"groupVersion":"autoscaling/v2beta2","version":"v2beta2"}],"preferredVersion":{"groupVersion":"autoscaling/v1","version":"v1"}},
 {"name":"batch","versions":[{"groupVersion":"batch/v1","version":"v1"},{"groupVersion":"batch/v1beta1","version":"v1beta1"}],"preferredVersion":{"groupVersion":"batch/v1","version":"v1"}},
 {"name":"policy","versions":[{"groupVersion":"policy/v1beta1","version":"v1beta1"}],"preferredVersion":{"groupVersion":"policy/v1beta1","version":"v1beta1"}},
 {"name":"metrics.k8s.io","versions":[{"groupVersion":"metrics.k8s.io/v1beta1","version":"v1beta1"}],"preferredVersion":{"groupVersion":"metrics.k8s.io/v1beta1","version":"v1beta1"}},
 {"name":"example.com","versions":[{"groupVersion":"example.com/v1","version":"v1"}],"preferredVersion":{"groupVersion":"example.com/v1","version":"v1"}}
]})";

inline const char* kAppsV1 = R"({"kind":"APIResourceList","apiVersion":"v1","groupVersion":"apps/v1","resources":[
 {"name":"controllerrevisions","singularName":"","namespaced":true,"kind":"ControllerRevision","verbs":["create","delete","deletecollection","get","list","patch","update","watch"]},
 {"name":"daemonsets","singularName":"","namespaced":true,"kind":"DaemonSet","verbs":["create","delete","deletecollection","get","list","patch","update","watch"],"shortNames":["ds"],"categories":["all"]},
 {"name":"daemonsets/status","singularName":"","namespaced":true,"kind":"DaemonSet","verbs":["get","patch","update"]},
 {"name":"deployments","singularName":"","namespaced":true,"kind":"Deployment","verbs":["create","delete","deletecollection","get","list","patch","update","watch"],"shortNames":["deploy"],"categories":["all"]},
 {"name":"deployments/scale","singularName":"","namespaced":true,"group":"autoscaling","version":"v1","kind":"Scale","verbs":["get","patch","update"]},
 {"name":"deployments/status","singularName":"","namespaced":true,"kind":"Deployment","verbs":["get","patch","update"]},
 {"name":"replicasets","singularName":"","namespaced":true,"kind":"ReplicaSet","verbs":["create","delete","deletecollection","get","list","patch","update","watch"],"shortNames":["rs"],"categories":["all"]},
 {"name":"replicasets/scale","singularName":"","namespaced":true,"group":"autoscaling","version":"v1","kind":"Scale","verbs":["get","patch","update"]},
 {"name":"replicasets/status","singularName":"","namespaced":true,"kind":"ReplicaSet","verbs":["get","patch","update"]},
 {"name":"statefulsets","singularName":"","namespaced":true,"kind":"StatefulSet","verbs":["create","delete","deletecollection","get","list","patch","update","watch"],"shortNames":["sts"],"categories":["all"]},
 {"name":"statefulsets/scale","singularName":"","namespaced":true,"group":"autoscaling","version":"v1","kind":"Scale","verbs":["get","patch","update"]},
 {"name":"statefulsets/status","singularName":"","namespaced":true,"kind":"StatefulSet","verbs":["get","patch","update"]}
]})";

inline const char* kEventsV1 = R"({"kind":"APIResourceList","apiVersion":"v1","groupVersion":"events.k8s.io/v1","resources":[
 {"name":"events","singularName":"","namespaced":true,"kind":"Event","verbs":["create","delete","deletecollection","get","list","patch","update","watch"],"shortNames":["ev"]}
]})";

inline const char* kAutoscalingV1 = R"({"kind":"APIResourceList","apiVersion":"v1","groupVersion":"autoscaling/v1","resources":[
 {"name":"horizontalpodautoscalers","singularName":"","namespaced":true,"kind":"HorizontalPodAutoscaler","verbs":["create","delete","deletecollection","get","list","patch","update","watch"],"shortNames":["hpa"],"categories":["all"]},
 {"name":"horizontalpodautoscalers/status","singularName":"","namespaced":true,"kind":"HorizontalPodAutoscaler","verbs":["get","patch","update"]}
]})";

inline const char* kAutoscalingV2beta2 = R"({"kind":"APIResourceList","apiVersion":"v1","groupVersion":"autoscaling/v2beta2","resources":[
 {"name":"horizontalpodautoscalers","singularName":"","namespaced":true,"kind":"HorizontalPodAutoscaler","verbs":["create","delete","deletecollection","get","list","patch","update","watch"],"shortNames":["hpa"],"categories":["all"]}
]})";

inline const char* kBatchV1 = R"({"kind":"APIResourceList","apiVersion":"v1","groupVersion":"batch/v1","resources":[
 {"name":"jobs","singularName":"","namespaced":true,"kind":"Job","verbs":["create","delete","deletecollection","get","list","patch","update","watch"],"categories":["all"]},
 {"name":"jobs/status","singularName":"","namespaced":true,"kind":"Job","verbs":["get","patch","update"]}
]})";

inline const char* kPolicyV1beta1 = R"({"kind":"APIResourceList","apiVersion":"v1","groupVersion":"policy/v1beta1","resources":[
 {"name":"poddisruptionbudgets","singularName":"","namespaced":true,"kind":"PodDisruptionBudget","verbs":["create","delete","deletecollection","get","list","patch","update","watch"],"shortNames":["pdb"]},
 {"name":"poddisruptionbudgets/status","singularName":"","namespaced":true,"kind":"PodDisruptionBudget","verbs":["get","patch","update"]},
 {"name":"podsecuritypolicies","singularName":"","namespaced":false,"kind":"PodSecurityPolicy","verbs":["create","delete","deletecollection","get","list","patch","update","watch"],"shortNames":["psp"]}
]})";

// A CRD: singularName is set for custom resources.
inline const char* kExampleV1 = R"({"kind":"APIResourceList","apiVersion":"v1","groupVersion":"example.com/v1","resources":[
 {"name":"foos","singularName":"foo","namespaced":true,"kind":"Foo","verbs":["delete","deletecollection","get","list","patch","create","update","watch"],"shortNames":["fo"]},
 {"name":"foos/scale","singularName":"","namespaced":true,"group":"autoscaling","version":"v1","kind":"Scale","verbs":["get","patch","update"]}
]})";

inline const char* kUnavailable = R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server is currently unable to handle the request","reason":"ServiceUnavailable","details":{"causes":[{"reason":"UnexpectedServerResponse","message":"service unavailable"}]},"code":503})";

// What FakeApi::answer returns. trompeloeil prints every RETURN value, and its null check
// trips over std::expected's unconstrained operator== in libstdc++ 12; a plain wrapper that
// converts to the Result avoids instantiating it.
struct Reply {
  orka::Result<orka::Response> result;
  operator orka::Result<orka::Response>() const { return result; }  // NOLINT: implicit on purpose
};

// Answers requests from a path → (status, body) table and counts them. RBAC questions are
// answered by `policy` (SelfSubjectAccessReview resourceAttributes → allowed).
class FakeApi {
 public:
  FakeApi() {
    set("/api", kApiVersions);
    set("/api/v1", kCoreV1);
    set("/apis", kApiGroups);
    set("/apis/apps/v1", kAppsV1);
    set("/apis/events.k8s.io/v1", kEventsV1);
    set("/apis/autoscaling/v1", kAutoscalingV1);
    set("/apis/autoscaling/v2beta2", kAutoscalingV2beta2);
    set("/apis/batch/v1", kBatchV1);
    set("/apis/policy/v1beta1", kPolicyV1beta1);
    set("/apis/metrics.k8s.io/v1beta1", kUnavailable, 503);
    set("/apis/example.com/v1", kExampleV1);
    set("/version", R"({"major":"1","minor":"20","gitVersion":"v1.20.2"})");
  }

  void set(const std::string& path, std::string body, int status = 200) {
    std::lock_guard lock(mutex_);
    routes_[path] = {status, std::move(body)};
  }

  // Edits the core list, e.g. to remove an entry or change eviction's version.
  void edit_core(const std::function<void(nlohmann::json&)>& edit) {
    auto document = nlohmann::json::parse(routes_.at("/api/v1").body);
    edit(document);
    set("/api/v1", document.dump());
  }

  void remove_core_entry(const std::string& name) {
    edit_core([&](nlohmann::json& doc) {
      auto& list = doc["resources"];
      for (auto it = list.begin(); it != list.end(); ++it)
        if ((*it)["name"] == name) {
          list.erase(it);
          return;
        }
    });
  }

  std::function<bool(const nlohmann::json& attributes)> policy = [](const nlohmann::json&) {
    return true;
  };
  std::string deny_reason = "no RBAC policy matched";

  Reply answer(const orka::Request& request) {
    std::lock_guard lock(mutex_);
    ++counts_[request.path];
    requests_.push_back(request);
    if (request.path == "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews") {
      auto review = nlohmann::json::parse(request.body);
      auto attributes = review["spec"]["resourceAttributes"];
      ssar_attributes_.push_back(attributes);
      bool allowed = policy(attributes);
      review["status"] = {{"allowed", allowed}};
      if (!allowed) review["status"]["reason"] = deny_reason;
      return {json_response(201, review.dump())};
    }
    auto it = routes_.find(request.path);
    if (it == routes_.end())
      return {std::unexpected(orka::error_from_http(
          404, R"({"kind":"Status","status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","code":404})"))};
    if (it->second.status >= 400)
      return {std::unexpected(orka::error_from_http(it->second.status, it->second.body))};
    return {json_response(it->second.status, it->second.body)};
  }

  int count(const std::string& path) const {
    std::lock_guard lock(mutex_);
    auto it = counts_.find(path);
    return it == counts_.end() ? 0 : it->second;
  }
  int total() const {
    std::lock_guard lock(mutex_);
    int n = 0;
    for (const auto& [path, c] : counts_) n += c;
    return n;
  }
  std::vector<nlohmann::json> ssar_attributes() const {
    std::lock_guard lock(mutex_);
    return ssar_attributes_;
  }

 private:
  struct Route {
    int status = 200;
    std::string body;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Route> routes_;
  std::map<std::string, int> counts_;
  std::vector<orka::Request> requests_;
  std::vector<nlohmann::json> ssar_attributes_;
};

}  // namespace orka::testing
