// A scripted API server behind the trompeloeil MockClient: routes (method, path) to answers,
// records every request (thread-safe: drain sends from several threads), turns non-2xx answers
// into Errors the way the real client does (error_from_http with the request's permission),
// and serves watch streams from a queue.
#pragma once

#include <algorithm>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mock_client.hpp"
#include "scripted_byte_stream.hpp"
#include "orka/transport_choice.hpp"
#include "orka/discovery.hpp"
#include "orka/services.hpp"

namespace orka::testing {

// One line of a watch stream.
inline std::string watch_line(const std::string& type, const nlohmann::json& object) {
  return nlohmann::json{{"type", type}, {"object", object}}.dump() + "\n";
}

struct Answer {
  int status = 200;  // 0: the connection broke, a Transport error whose message is `body`
  std::string body;
};

class FakeApi {
 public:
  using Handler = std::function<Answer(const Request&)>;

  // Answers `method` requests whose path (query included) starts with `path_prefix`. Later
  // routes win over earlier ones, so a test can override a default.
  void on(std::string method, std::string path_prefix, Handler handler) {
    std::lock_guard lock(mutex_);
    routes_.insert(routes_.begin(), Route{std::move(method), std::move(path_prefix), std::move(handler)});
  }
  void on(std::string method, std::string path_prefix, int status, nlohmann::json body) {
    std::string text = body.is_null() ? std::string() : body.dump();
    on(std::move(method), std::move(path_prefix), [status, text](const Request&) {
      return Answer{status, text};
    });
  }
  // Answers in turn; the last repeats.
  void on_sequence(std::string method, std::string path_prefix, std::vector<Answer> answers) {
    auto queue = std::make_shared<std::deque<Answer>>(answers.begin(), answers.end());
    on(std::move(method), std::move(path_prefix), [queue](const Request&) {
      Answer a = queue->front();
      if (queue->size() > 1) queue->pop_front();
      return a;
    });
  }
  void add_stream(std::vector<std::string> lines) {
    std::lock_guard lock(mutex_);
    streams_.push_back(std::move(lines));
  }

  Result<Response> send(const Request& request) {
    Handler handler;
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
      for (const auto& route : routes_) {
        if (route.method == request.method && request.path.rfind(route.prefix, 0) == 0) {
          handler = route.handler;
          break;
        }
      }
    }
    if (!handler) {
      Error e = make_error(ErrorKind::NotFound, "no route for " + request.method + " " + request.path);
      e.http_status = 404;
      return fail(std::move(e));
    }
    Answer answer = handler(request);
    if (answer.status == 0) return fail(ErrorKind::Transport, answer.body);
    if (answer.status >= 300) return fail(error_from_http(answer.status, answer.body, request.permission));
    Response response;
    response.status = answer.status;
    response.body = answer.body;
    return response;
  }

  Result<std::unique_ptr<ByteStream>> open_stream(const Request& request) {
    std::lock_guard lock(mutex_);
    stream_requests_.push_back(request);
    if (streams_.empty()) return fail(ErrorKind::Transport, "no more scripted watch streams");
    auto lines = std::move(streams_.front());
    streams_.pop_front();
    return std::unique_ptr<ByteStream>(new ScriptedByteStream(std::move(lines)));
  }

  std::vector<Request> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::vector<Request> stream_requests() const {
    std::lock_guard lock(mutex_);
    return stream_requests_;
  }
  // Requests with this method whose path starts with `prefix`.
  std::vector<Request> find(const std::string& method, const std::string& prefix) const {
    std::lock_guard lock(mutex_);
    std::vector<Request> found;
    for (const auto& r : requests_)
      if (r.method == method && r.path.rfind(prefix, 0) == 0) found.push_back(r);
    return found;
  }
  std::size_t count(const std::string& method) const {
    std::lock_guard lock(mutex_);
    return static_cast<std::size_t>(std::count_if(
        requests_.begin(), requests_.end(), [&](const Request& r) { return r.method == method; }));
  }

 private:
  struct Route {
    std::string method;
    std::string prefix;
    Handler handler;
  };
  mutable std::mutex mutex_;
  std::vector<Route> routes_;
  std::deque<std::vector<std::string>> streams_;
  std::vector<Request> requests_;
  std::vector<Request> stream_requests_;
};

inline ApiResource api_resource(std::string group, std::string version, std::string resource,
                                std::string kind, std::vector<std::string> short_names,
                                std::vector<std::string> subresources, bool namespaced = true) {
  ApiResource r;
  r.group = std::move(group);
  r.version = std::move(version);
  r.resource = std::move(resource);
  r.kind = std::move(kind);
  r.singular.clear();
  for (char c : r.kind) r.singular += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  r.namespaced = namespaced;
  r.short_names = std::move(short_names);
  r.subresources = std::move(subresources);
  r.verbs = {"get", "list", "watch", "patch", "update", "delete"};
  return r;
}

class FakeDiscovery final : public Discovery {
 public:
  FakeDiscovery() {
    resources_ = {
        api_resource("apps", "v1", "deployments", "Deployment", {"deploy"}, {"scale", "status"}),
        api_resource("apps", "v1", "statefulsets", "StatefulSet", {"sts"}, {"scale", "status"}),
        api_resource("apps", "v1", "daemonsets", "DaemonSet", {"ds"}, {"status"}),
        api_resource("apps", "v1", "replicasets", "ReplicaSet", {"rs"}, {"scale", "status"}),
        api_resource("", "v1", "configmaps", "ConfigMap", {"cm"}, {}),
        api_resource("example.com", "v1", "widgets", "Widget", {"wd"}, {"scale"}),
        api_resource("example.com", "v1", "gadgets", "Gadget", {}, {}),
        api_resource("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", {"pdb"}, {"status"}),
    };
  }
  // Serves `resource` at `version` (e.g. budgets at policy/v1beta1, as Kubernetes 1.20 does);
  // an empty version: not at all.
  void serve_at(const std::string& resource, const std::string& version) {
    for (auto it = resources_.begin(); it != resources_.end(); ++it) {
      if (it->resource != resource) continue;
      if (version.empty())
        resources_.erase(it);
      else
        it->version = version;
      return;
    }
  }
  Result<std::vector<ApiResource>> resources(const CancelToken&) override { return resources_; }
  Result<ApiResource> resolve(std::string_view type, const CancelToken&) override {
    for (const auto& r : resources_) {
      const std::string qualified = r.resource + (r.group.empty() ? "" : "." + r.group);
      if (type == r.resource || type == r.singular || type == qualified ||
          std::find(r.short_names.begin(), r.short_names.end(), type) != r.short_names.end())
        return r;
    }
    return fail(ErrorKind::NotFound, "the server doesn't have a resource type \"" + std::string(type) + "\"");
  }
  Result<std::optional<std::string>> subresource_group_version(std::string_view,
                                                               std::string_view,
                                                               const CancelToken&) override {
    return eviction_group_version;
  }

  std::optional<std::string> eviction_group_version = "policy/v1";

 private:
  std::vector<ApiResource> resources_;
};

class FakeServices final : public Services {
 public:
  explicit FakeServices(std::shared_ptr<Client> client)
      : client_(std::move(client)), discovery_(std::make_shared<FakeDiscovery>()) {}
  Result<std::shared_ptr<Client>> client() override { return client_; }
  Result<std::shared_ptr<Discovery>> discovery() override { return discovery_; }
  Result<std::string> default_namespace() override { return std::string("web"); }
  int verbosity() const override { return 0; }
  void log(int, std::string_view) override {}
  Result<ServerVersion> server_version(const CancelToken& cancel) override {
    return fetch_server_version(*client_, cancel);
  }
  FakeDiscovery& fake_discovery() { return *discovery_; }

 private:
  std::shared_ptr<Client> client_;
  std::shared_ptr<FakeDiscovery> discovery_;
};

// A MockClient wired to a FakeApi; tests add REQUIRE_CALLs on `mock` for exact shapes.
struct MockedCluster {
  MockedCluster() : mock(std::make_shared<MockClient>()), services(mock) {
    using trompeloeil::_;
    allowances.push_back(NAMED_ALLOW_CALL(*mock, send(_, _)).RETURN(api.send(_1)));
    allowances.push_back(NAMED_ALLOW_CALL(*mock, open_stream(_, _)).RETURN(api.open_stream(_1)));
    allowances.push_back(NAMED_ALLOW_CALL(*mock, default_namespace()).RETURN("web"));
    allowances.push_back(NAMED_ALLOW_CALL(*mock, server()).RETURN("https://127.0.0.1:6443"));
  }
  FakeApi api;
  std::shared_ptr<MockClient> mock;
  FakeServices services;
  std::vector<std::unique_ptr<trompeloeil::expectation>> allowances;
};

}  // namespace orka::testing
