#include "drain.hpp"
#include "preflight.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "orka/duration.hpp"
#include "orka/json_fields.hpp"
#include "orka/nodes.hpp"
#include "orka/object_names.hpp"
#include "orka/pod_targets.hpp"
#include "orka/timestamp.hpp"
#include "orka/transient.hpp"
#include "orka/watch.hpp"

namespace orka::drain {

namespace {

using Clock = std::chrono::steady_clock;

// An eviction that failed on the way (a cut connection, a restarting or failing API server) is
// sent again: its UID precondition makes a repeat harmless (a pod already gone answers 404, one
// already terminating is simply deleted again). For this long in a row, or until --timeout.
constexpr std::chrono::seconds kTransientRetryWindow{60};
constexpr std::chrono::milliseconds kTransientRetryDelay{1000};

Permission permission(const char* verb, const char* group, const char* resource,
                      const std::string& namespace_ = {}, const std::string& name = {},
                      const char* subresource = "") {
  Permission p;
  p.verb = verb;
  p.group = group;
  p.resource = resource;
  p.subresource = subresource;
  p.namespace_ = namespace_;
  p.name = name;
  return p;
}

std::string string_at(const nlohmann::json& object, const char* pointer) {
  const nlohmann::json::json_pointer ptr(pointer);
  if (!object.contains(ptr) || !object[ptr].is_string()) return {};
  return object[ptr].get<std::string>();
}

std::string join(const std::vector<std::string>& items, std::size_t limit = 5) {
  std::string text;
  for (std::size_t i = 0; i < items.size() && i < limit; ++i) text += (i ? ", " : "") + items[i];
  if (items.size() > limit) text += fmt::format(" and {} more", items.size() - limit);
  return text;
}

struct PodTask {
  enum class State { Pending, Blocked, Evicted, Gone, Failed };
  nlohmann::json pod;
  std::string key;  // namespace/name
  std::string namespace_;
  std::string name;
  std::string uid;
  State state = State::Pending;
  std::string why;             // Blocked: the PDB; Failed: the error message
  std::optional<Error> error;  // Failed
  bool leaves_with_namespace = false;  // not evicted: its namespace's deletion removes it
  std::optional<Clock::time_point> failing_since;  // the first transient failure in a row
};

class Drainer {
 public:
  Drainer(Services& services, Client& client, const std::string& node,
          const DrainOptions& options, std::chrono::milliseconds pdb_retry_interval)
      : services_(services), client_(client), node_(node), options_(options),
        retry_interval_(pdb_retry_interval), started_(Clock::now()) {
    if (options.timeout.count() > 0) deadline_ = started_ + options.timeout;
  }

  Result<DrainOutcome> run() {
    if (auto valid = check_name("node", node_, NameRule::Dns1123Subdomain); !valid)
      return fail(valid.error());
    auto node = get_json(client_, node_path(node_), options_.cancel,
                         permission("get", "", "nodes", "", node_));
    if (!node) {
      Error error = node.error();
      if (error.kind == ErrorKind::NotFound) error.message = "node \"" + node_ + "\" not found";
      return fail(std::move(error));
    }
    // A dry run is a pre-flight: it reads, reports and decides, and never writes.
    if (options_.dry_run) return preflight();
    auto cordoned = set_unschedulable(client_, node_, true, options_.cancel);
    if (!cordoned) return fail(cordoned.error());
    report("cordoned",
           fmt::format("node/{} {}cordoned", node_, cordoned->changed ? "" : "already "),
           {{"node", node_}, {"changed", cordoned->changed}});

    auto pods = list_pods();
    if (!pods) return fail(pods.error());
    auto plan = plan_drain(*pods, filter_flags(), daemonset_lookup());
    if (!plan) return fail(plan.error());
    report_warnings(*plan);
    if (!plan->refusals.empty()) return fail(refusal_error(*plan));

    DrainOutcome outcome;
    outcome.node = node_;
    outcome.skipped = plan->skipped;

    auto eviction_version = find_eviction_version();
    if (!eviction_version) return fail(eviction_version.error());
    if (!options_.disable_eviction && !*eviction_version)
      report("info", "the cluster offers no pods/eviction: deleting pods instead", {});

    tasks_.reserve(plan->to_evict.size());
    for (const auto& pod : plan->to_evict) {
      PodTask task;
      task.pod = pod;
      task.key = pod_key(pod);
      task.namespace_ = string_at(pod, "/metadata/namespace");
      task.name = string_at(pod, "/metadata/name");
      task.uid = string_at(pod, "/metadata/uid");
      tasks_.push_back(std::move(task));
    }
    if (!tasks_.empty())
      report("evicting",
             fmt::format("{} {} pods from node/{}", eviction_version ? "evicting" : "deleting",
                         tasks_.size(), node_),
             {{"total", tasks_.size()}, {"mode", eviction_version ? "evict" : "delete"}});

    remove_all(*eviction_version);

    wait_until_terminated();

    for (const auto& task : tasks_) {
      if (task.state == PodTask::State::Evicted || task.state == PodTask::State::Gone)
        outcome.evicted.push_back(task.key);
      if (task.state == PodTask::State::Gone && task.leaves_with_namespace)
        outcome.left_with_namespace.push_back(task.key);
    }
    const bool all_gone = std::all_of(tasks_.begin(), tasks_.end(), [](const PodTask& task) {
      return task.state == PodTask::State::Gone;
    });
    if (!all_gone) return fail(remaining_error());
    const std::size_t with_namespace = outcome.left_with_namespace.size();
    report("done",
           with_namespace == 0
               ? fmt::format("node/{} drained", node_)
               : fmt::format("node/{} drained ({} of the pods went with their namespace's "
                             "deletion instead of an eviction)",
                             node_, with_namespace),
           {{"node", node_}, {"evicted", outcome.evicted.size()},
            {"left_with_namespace", with_namespace}});
    return outcome;
  }

 private:
  bool expired() const { return deadline_ && Clock::now() >= *deadline_; }

  void report(const char* phase, std::string message, nlohmann::json data) {
    if (!options_.progress) return;
    std::lock_guard lock(progress_mutex_);
    options_.progress(ProgressEvent{phase, std::move(message), std::move(data)});
  }

  Result<std::vector<nlohmann::json>> list_pods() {
    ApiPath path = pods_path("").query("fieldSelector", "spec.nodeName=" + node_);
    if (!options_.pod_selector.empty()) path.query("labelSelector", options_.pod_selector);
    auto list = get_json(client_, path, options_.cancel, permission("list", "", "pods"));
    if (!list) return fail(list.error());
    std::vector<nlohmann::json> pods;
    if (auto items = list->find("items"); items != list->end() && items->is_array())
      for (auto& item : *items) pods.push_back(std::move(item));
    return pods;
  }

  FilterFlags filter_flags() const {
    FilterFlags flags;
    flags.ignore_daemonsets = options_.ignore_daemonsets;
    flags.delete_emptydir_data = options_.delete_emptydir_data;
    flags.force = options_.force;
    flags.skip_wait_for_delete_timeout_seconds = options_.skip_wait_for_delete_timeout_seconds;
    return flags;
  }

  DaemonSetExists daemonset_lookup() {
    return [this](const std::string& ns, const std::string& name) { return daemonset_exists(ns, name); };
  }

  void report_warnings(const DrainPlan& plan) {
    for (const auto& [warning, keys] : plan.warnings)
      report("warning", "Warning: " + warning + ": " + join(keys, keys.size()),
             {{"warning", warning}, {"pods", keys}});
  }

  // The group/version of pods/eviction; nullopt when the drain deletes instead
  // (--disable-eviction, or the cluster offers no eviction).
  Result<std::optional<std::string>> find_eviction_version() {
    if (options_.disable_eviction) return std::optional<std::string>{};
    auto discovery = services_.discovery();
    if (!discovery) return fail(discovery.error());
    return (*discovery)->subresource_group_version("pods", "eviction", options_.cancel);
  }

  struct ListedBudgets {
    std::vector<nlohmann::json> items;
    bool empty_selector_selects_all = true;  // policy/v1; policy/v1beta1's selects nothing
  };

  // Every PodDisruptionBudget in the cluster, in one list call at the version discovery
  // prefers: policy/v1, or policy/v1beta1 on Kubernetes 1.20 and older. None when the cluster
  // serves no budgets.
  Result<ListedBudgets> list_budgets() {
    auto discovery = services_.discovery();
    if (!discovery) return fail(discovery.error());
    auto resource = (*discovery)->resolve("poddisruptionbudgets.policy", options_.cancel);
    if (!resource && resource.error().kind == ErrorKind::NotFound) return ListedBudgets{};
    if (!resource) return fail(resource.error());
    auto list = get_json(client_,
                         ApiPath::group_version("policy", resource->version)
                             .segment("poddisruptionbudgets"),
                         options_.cancel, permission("list", "policy", "poddisruptionbudgets"));
    if (!list) return fail(list.error());
    ListedBudgets listed;
    listed.empty_selector_selects_all = resource->version != "v1beta1";
    for (const auto& item : json_array(*list, "items")) listed.items.push_back(item);
    return listed;
  }

  // The pre-flight: every pod on the node and what the drain would do to it, then every
  // blocker; Refused (exit 1) when one would stop the real drain.
  Result<DrainOutcome> preflight() {
    auto pods = list_pods();
    if (!pods) return fail(pods.error());
    auto eviction_version = find_eviction_version();
    if (!eviction_version) return fail(eviction_version.error());
    const bool evicting = eviction_version->has_value();
    const std::string deleting_why = options_.disable_eviction
                                         ? "--disable-eviction"
                                         : "the cluster offers no pods/eviction";
    const FilterFlags flags = filter_flags();
    auto previews = preview_pods(*pods, flags, daemonset_lookup(), evicting);
    if (!previews) return fail(previews.error());
    auto plan = plan_drain(*pods, flags, daemonset_lookup());
    if (!plan) return fail(plan.error());
    report_warnings(*plan);

    // Budgets matter for every pod the drain would evict, now or once the flags are given.
    std::vector<nlohmann::json> evicted_eventually;
    for (const auto& preview : *previews)
      if (preview.with_flags == PodAction::Evict) evicted_eventually.push_back(preview.pod);
    BudgetCheck budgets;
    bool budgets_checked = false;
    if (evicting && !evicted_eventually.empty()) {
      auto listed = list_budgets();
      if (!listed && listed.error().kind == ErrorKind::Cancelled) return fail(listed.error());
      if (listed) {
        budgets = check_budgets(evicted_eventually, listed->items,
                                listed->empty_selector_selects_all);
        budgets_checked = true;
      } else {
        report("warning",
               "Warning: PodDisruptionBudgets were not checked (" + listed.error().message +
                   "); the real drain may wait on one",
               {{"warning", "PodDisruptionBudgets not checked"}, {"error", listed.error().message}});
      }
    }
    std::map<std::string, std::string> held_by;  // pod → the budget in its way
    for (const auto& blocker : budgets.blockers)
      for (const auto& pod : blocker.pods)
        held_by[pod] = fmt::format("held by PodDisruptionBudget {}/{} ({} disruptions allowed)",
                                   blocker.namespace_, blocker.name, blocker.disruptions_allowed);
    for (const auto& overlap : budgets.overlapping)
      held_by[overlap.pod] = fmt::format("selected by {} PodDisruptionBudgets, which the "
                                         "eviction subresource refuses",
                                         overlap.budgets.size());

    // The outcome says what the real drain would report: the pods it would evict (or delete)
    // and those it would skip, with the same reasons.
    DrainOutcome outcome;
    outcome.node = node_;
    for (const auto& pod : plan->to_evict) outcome.evicted.push_back(pod_key(pod));
    outcome.skipped = plan->skipped;
    for (const auto& preview : *previews) {
      auto [message, data] = describe_preview(preview, deleting_why);
      if (auto held = held_by.find(preview.key); held != held_by.end()) {
        message += "; " + held->second;
        data["held_by_budget"] = held->second;
      }
      report("preview", std::move(message), std::move(data));
    }

    const auto refusals = group_refusals(*previews);
    std::vector<std::string> flags_needed;
    for (const auto& [reason, keys] : refusals) {
      const std::string flag = flag_for_refusal(reason);
      if (!flag.empty() &&
          std::find(flags_needed.begin(), flags_needed.end(), flag) == flags_needed.end())
        flags_needed.push_back(flag);
      report("blocker", fmt::format("blocker: cannot delete {}: {}", reason, join(keys, keys.size())),
             {{"kind", "flag"}, {"reason", reason}, {"flag", flag}, {"pods", keys}});
    }
    std::vector<std::string> budget_names;
    for (const auto& blocker : budgets.blockers) {
      budget_names.push_back(blocker.namespace_ + "/" + blocker.name);
      report("blocker", "blocker: " + describe_budget_blocker(blocker),
             {{"kind", "pdb"}, {"namespace", blocker.namespace_}, {"name", blocker.name},
              {"disruptionsAllowed", blocker.disruptions_allowed},
              {"currentHealthy", blocker.current_healthy},
              {"desiredHealthy", blocker.desired_healthy},
              {"expectedPods", blocker.expected_pods}, {"pods", blocker.pods}});
    }
    for (const auto& overlap : budgets.overlapping) {
      for (const auto& budget : overlap.budgets)
        if (std::find(budget_names.begin(), budget_names.end(), budget) == budget_names.end())
          budget_names.push_back(budget);
      report("blocker", "blocker: " + describe_overlapping(overlap),
             {{"kind", "pdb-overlap"}, {"pod", overlap.pod}, {"budgets", overlap.budgets}});
    }

    const std::size_t refused = static_cast<std::size_t>(
        std::count_if(previews->begin(), previews->end(),
                      [](const PodPreview& preview) { return preview.action == PodAction::Refuse; }));
    const bool clear = refused == 0 && budget_names.empty();
    report("preflight",
           clear ? fmt::format("node/{} can be drained", node_)
                 : fmt::format("node/{} cannot be drained", node_),
           {{"node", node_}, {"would_drain", clear}, {"mode", evicting ? "evict" : "delete"},
            {"pods", previews->size()}, {"evicted", outcome.evicted.size()},
            {"skipped", outcome.skipped.size()}, {"refused", refused},
            {"flags_needed", flags_needed}, {"blocking_budgets", budget_names},
            {"budgets_checked", budgets_checked}});
    if (clear) return outcome;
    return fail(preflight_refusal(node_, refused, flags_needed, budget_names));
  }

  Result<bool> daemonset_exists(const std::string& ns, const std::string& name) {
    const std::string key = ns + "/" + name;
    if (auto it = daemonsets_.find(key); it != daemonsets_.end()) return it->second;
    auto ds = get_json(client_,
                       ApiPath::group_version("apps", "v1").in_namespace(ns).segment("daemonsets").segment(name),
                       options_.cancel, permission("get", "apps", "daemonsets", ns, name));
    if (!ds && ds.error().kind != ErrorKind::NotFound) return fail(ds.error());
    daemonsets_[key] = ds.has_value();
    return ds.has_value();
  }

  Error refusal_error(const DrainPlan& plan) const {
    std::size_t count = 0;
    for (const auto& [reason, keys] : plan.refusals) count += keys.size();
    Error error = make_error(
        ErrorKind::Refused,
        fmt::format("cannot drain node \"{}\": {} {} need{} a flag; nothing was evicted\n{}", node_,
                    count, count == 1 ? "pod" : "pods", count == 1 ? "s" : "",
                    describe_refusals(plan)));
    error.hint = fmt::format("add the flags named above to drain anyway; node/{} stays "
                             "cordoned until you run `orka ops uncordon {}`",
                             node_, node_);
    return error;
  }

  // The budget that blocks evicting `task`, named with how many disruptions it allows now.
  std::string blocking_budget(const PodTask& task, const std::string& group_version,
                              const std::string& server_message) {
    auto list = get_json(client_,
                         ApiPath::group_version(group_version)
                             .in_namespace(task.namespace_)
                             .segment("poddisruptionbudgets"),
                         options_.cancel,
                         permission("list", "policy", "poddisruptionbudgets", task.namespace_));
    const nlohmann::json labels = task.pod.value("/metadata/labels"_json_pointer, nlohmann::json::object());
    if (list && list->contains("items")) {
      std::vector<std::string> names;
      for (const auto& pdb : (*list)["items"]) {
        if (!pdb.contains("spec") || !pdb["spec"].contains("selector")) continue;
        if (!selector_matches(pdb["spec"]["selector"], labels)) continue;
        names.push_back(fmt::format(
            "PodDisruptionBudget {}/{} (disruptions allowed: {}, healthy {} of {} desired)",
            task.namespace_, string_at(pdb, "/metadata/name"),
            json_integer(json_object(pdb, "status"), "disruptionsAllowed", 0),
            json_integer(json_object(pdb, "status"), "currentHealthy", 0),
            json_integer(json_object(pdb, "status"), "desiredHealthy", 0)));
      }
      if (!names.empty()) return "blocked by " + join(names, names.size());
    }
    return "blocked by a PodDisruptionBudget: " + server_message;
  }

  // Evicts (or deletes) the tasks with at most options_.parallel requests in flight. A pod that
  // must be asked again later (a PodDisruptionBudget, a terminating namespace) goes back to the
  // queue with a time, so it never holds a worker while it waits.
  void remove_all(const std::optional<std::string>& eviction_version) {
    struct Due {
      Clock::time_point at;
      std::size_t task;
    };
    std::mutex mutex;
    std::condition_variable changed;
    std::deque<std::size_t> ready;
    std::vector<Due> later;
    std::size_t unfinished = tasks_.size();
    for (std::size_t i = 0; i < tasks_.size(); ++i) ready.push_back(i);
    auto wake = options_.cancel.on_cancel([&] {
      { std::lock_guard lock(mutex); }
      changed.notify_all();
    });

    auto work = [&] {
      std::unique_lock lock(mutex);
      for (;;) {
        if (unfinished == 0 || options_.cancel.cancelled() || expired()) return;
        const auto now = Clock::now();
        for (auto it = later.begin(); it != later.end();) {
          if (it->at <= now) {
            ready.push_back(it->task);
            it = later.erase(it);
          } else {
            ++it;
          }
        }
        if (ready.empty()) {
          auto until = deadline_.value_or(Clock::time_point::max());
          for (const auto& due : later) until = std::min(until, due.at);
          if (until == Clock::time_point::max())
            changed.wait(lock);
          else
            changed.wait_until(lock, until);
          continue;
        }
        const std::size_t index = ready.front();
        ready.pop_front();
        lock.unlock();
        const auto retry_after = attempt(tasks_[index], eviction_version);
        lock.lock();
        if (retry_after) {
          later.push_back(Due{Clock::now() + *retry_after, index});
        } else {
          --unfinished;
        }
        changed.notify_all();
      }
    };
    const std::size_t count = std::max<std::size_t>(1, std::min(options_.parallel, tasks_.size()));
    std::vector<std::thread> workers;
    workers.reserve(count);
    for (std::size_t i = 0; i < count; ++i) workers.emplace_back(work);
    for (auto& worker : workers) worker.join();
    wake.reset();

    for (auto& task : tasks_) {
      if (task.state != PodTask::State::Pending && task.state != PodTask::State::Blocked) continue;
      if (options_.cancel.cancelled())
        set_failed(task, make_error(ErrorKind::Cancelled, "cancelled"));
      else if (task.state != PodTask::State::Blocked)
        task.why = "not evicted before the timeout";  // stays Pending: reported as remaining
    }
  }

  // One try at evicting (or deleting) `task`; the time to wait before the next try, or nullopt
  // when the pod is done with (evicted, gone, failed).
  std::optional<std::chrono::milliseconds> attempt(PodTask& task,
                                                   const std::optional<std::string>& eviction_version) {
    {
      Result<nlohmann::json> sent;
      const ApiPath path = pod_path(task.namespace_, task.name);
      if (eviction_version) {
        sent = send_json(client_, "POST", ApiPath(path).segment("eviction"),
                         eviction_body(*eviction_version, task.pod, options_.grace_period_seconds),
                         "application/json", options_.cancel,
                         permission("create", "", "pods", task.namespace_, task.name, "eviction"));
      } else {
        nlohmann::json body = {{"apiVersion", "v1"},
                               {"kind", "DeleteOptions"},
                               {"preconditions", {{"uid", task.uid}}}};
        if (options_.grace_period_seconds)
          body["gracePeriodSeconds"] = *options_.grace_period_seconds;
        sent = send_json(client_, "DELETE", path, body, "application/json", options_.cancel,
                         permission("delete", "", "pods", task.namespace_, task.name));
      }
      if (sent) {
        set_state(task, PodTask::State::Evicted, {});
        report(eviction_version ? "evicted" : "deleted",
               fmt::format("pod {} {} ({}/{})", task.key,
                           eviction_version ? "evicted" : "deleted", count_done(), tasks_.size()),
               {{"pod", task.key}, {"done", count_done()}, {"total", tasks_.size()}});
        return std::nullopt;
      }
      const Error& error = sent.error();
      if (error.kind == ErrorKind::Cancelled) return std::nullopt;  // reported after the pool
      // Already gone, or replaced by a new pod (the UID precondition failed): nothing to evict.
      if (error.kind == ErrorKind::NotFound || error.http_status == 409) {
        mark_already_gone(task);
        return std::nullopt;
      }
      if (error.http_status == 429 && eviction_version) {
        std::string why = blocking_budget(task, *eviction_version, error.message);
        set_state(task, PodTask::State::Blocked, why);
        task.failing_since.reset();
        report("blocked",
               fmt::format("pod {}: eviction {}; retrying every {}", task.key, why,
                           format_duration(retry_interval_)),
               {{"pod", task.key}, {"reason", why}});
        return retry_interval_;
      }
      if (has_cause(error, kNamespaceTerminatingCause)) {
        if (await_namespace_deletion(task, path)) return std::nullopt;
        return retry_interval_;
      }
      if (is_transient(error) && !options_.cancel.cancelled()) {
        if (!task.failing_since) task.failing_since = Clock::now();
        if (Clock::now() - *task.failing_since < kTransientRetryWindow) {
          report("retrying",
                 fmt::format("pod {}: {} failed ({}); trying again", task.key,
                             eviction_version ? "eviction" : "deletion", error.message),
                 {{"pod", task.key}, {"error", error.message}});
          return std::chrono::milliseconds(kTransientRetryDelay);
        }
      }
      set_failed(task, error);
      report("failed", fmt::format("pod {}: {}", task.key, error.message),
             {{"pod", task.key}, {"error", error.message}});
      return std::nullopt;
    }
  }

  void mark_already_gone(PodTask& task) {
    set_state(task, PodTask::State::Gone, {});
    report("gone", fmt::format("pod {} is already gone ({}/{})", task.key, count_done(),
                               tasks_.size()),
           {{"pod", task.key}, {"done", count_done()}, {"total", tasks_.size()}});
  }

  // An eviction in a namespace being deleted is refused (it is a create), but the namespace
  // controller deletes the pod itself. As kubectl does: once the pod is marked for deletion,
  // wait for it like an evicted one; until then, ask again. True when evicting is over.
  bool await_namespace_deletion(PodTask& task, const ApiPath& path) {
    auto current = get_json(client_, path, options_.cancel,
                            permission("get", "", "pods", task.namespace_, task.name));
    const bool replaced = current && string_at(*current, "/metadata/uid") != task.uid;
    if ((!current && current.error().kind == ErrorKind::NotFound) || replaced) {
      mark_already_gone(task);
      return true;
    }
    // Unreadable (no get permission): judge by the pod as listed, which may be older.
    const nlohmann::json& pod = current ? *current : task.pod;
    if (!string_at(pod, "/metadata/deletionTimestamp").empty()) {
      {
        std::lock_guard lock(tasks_mutex_);
        task.leaves_with_namespace = true;
      }
      set_state(task, PodTask::State::Evicted, {});
      report("namespace-terminating",
             fmt::format("pod {}: namespace \"{}\" is being deleted, so the pod cannot be "
                         "evicted; it is terminating with its namespace ({}/{})",
                         task.key, task.namespace_, count_done(), tasks_.size()),
             {{"pod", task.key}, {"namespace", task.namespace_}, {"done", count_done()},
              {"total", tasks_.size()}});
      return true;
    }
    const std::string why = fmt::format(
        "namespace \"{}\" is being deleted and refuses evictions; the pod is not marked for "
        "deletion yet",
        task.namespace_);
    set_state(task, PodTask::State::Blocked, why);
    report("blocked",
           fmt::format("pod {}: {}; asking again every {}", task.key, why,
                       format_duration(retry_interval_)),
           {{"pod", task.key}, {"reason", why}});
    return false;
  }

  // One watch over the node's pods until every evicted UID is gone (or the deadline passes).
  void wait_until_terminated() {
    std::set<std::string> waiting_for;
    for (const auto& task : tasks_)
      if (task.state == PodTask::State::Evicted) waiting_for.insert(task.uid);
    if (waiting_for.empty()) return;

    auto mark_gone = [&](const std::string& uid) {
      if (waiting_for.erase(uid) == 0) return;
      for (auto& task : tasks_)
        if (task.uid == uid) set_state(task, PodTask::State::Gone, {});
    };
    auto terminating_too_long = [&](const nlohmann::json& pod) {
      if (!options_.skip_wait_for_delete_timeout_seconds ||
          *options_.skip_wait_for_delete_timeout_seconds <= 0)
        return false;
      auto since = parse_rfc3339(string_at(pod, "/metadata/deletionTimestamp"));
      return since && std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now() - *since)
                              .count() > *options_.skip_wait_for_delete_timeout_seconds;
    };
    std::size_t last_reported = 0;
    auto handler = [&](const WatchEvent& event) -> Result<WatchAction> {
      if (event.type == WatchEvent::Type::Listed) {
        std::set<std::string> present;
        for (const auto& pod : event.object) {
          const std::string uid = string_at(pod, "/metadata/uid");
          if (waiting_for.count(uid) != 0 && !terminating_too_long(pod)) present.insert(uid);
        }
        for (const auto& uid : std::set<std::string>(waiting_for))
          if (present.count(uid) == 0) mark_gone(uid);
      } else if (event.type == WatchEvent::Type::Deleted || terminating_too_long(event.object)) {
        mark_gone(string_at(event.object, "/metadata/uid"));
      }
      if (!waiting_for.empty() && waiting_for.size() != last_reported) {
        last_reported = waiting_for.size();
        std::vector<std::string> keys;
        for (const auto& task : tasks_)
          if (waiting_for.count(task.uid) != 0) keys.push_back(task.key);
        report("waiting",
               fmt::format("waiting for {} {} to terminate: {}", keys.size(),
                           keys.size() == 1 ? "pod" : "pods", join(keys)),
               {{"pods", keys}});
      }
      return waiting_for.empty() ? WatchAction::Stop : WatchAction::Continue;
    };
    WatchTarget target;
    target.collection_path = pods_path("");
    target.field_selector = "spec.nodeName=" + node_;
    target.permission = permission("list", "", "pods");
    WatchLimits limits;
    limits.deadline = deadline_;
    auto waited = list_and_watch(client_, target, handler, limits, options_.cancel);
    if (!waited && waited.error().kind != ErrorKind::Timeout) wait_error_ = waited.error();
    for (auto& task : tasks_)
      if (task.state == PodTask::State::Evicted)
        task.why = task.leaves_with_namespace ? "its namespace is being deleted; still terminating"
                                              : "evicted, still terminating";
  }

  Error remaining_error() const {
    std::optional<Error> base;
    std::vector<std::string> lines;
    for (const auto& task : tasks_) {
      if (task.state == PodTask::State::Gone) continue;
      if (task.error && !base) base = *task.error;
      std::string why = task.why;
      if (why.empty()) why = task.state == PodTask::State::Pending ? "not evicted" : "unknown";
      lines.push_back("  " + task.key + ": " + why);
    }
    if (!base && wait_error_) base = *wait_error_;
    const bool cancelled = options_.cancel.cancelled();
    if (!base) {
      base = make_error(cancelled ? ErrorKind::Cancelled : ErrorKind::Timeout, "");
    }
    Error error = *base;
    std::string headline =
        cancelled ? "drain of node \"" + node_ + "\" was cancelled"
        : error.kind == ErrorKind::Timeout && !error.http_status
            ? fmt::format("drain of node \"{}\" did not finish within {}", node_,
                          format_duration(options_.timeout))
            : fmt::format("drain of node \"{}\" failed", node_);
    error.message = fmt::format("{}; node/{} stays cordoned. {} {} remain:\n{}", headline, node_,
                                lines.size(), lines.size() == 1 ? "pod" : "pods",
                                [&] {
                                  std::string text;
                                  for (const auto& line : lines) text += (text.empty() ? "" : "\n") + line;
                                  return text;
                                }());
    if (error.hint.empty())
      error.hint = "run the drain again once the blocking condition is resolved, or "
                   "`orka ops uncordon " + node_ + "` to give up";
    return error;
  }

  void set_state(PodTask& task, PodTask::State state, std::string why) {
    std::lock_guard lock(tasks_mutex_);
    task.state = state;
    task.why = std::move(why);
  }

  void set_failed(PodTask& task, Error error) {
    std::lock_guard lock(tasks_mutex_);
    task.state = PodTask::State::Failed;
    task.why = error.message;
    task.error = std::move(error);
  }

  std::size_t count_done() {
    std::lock_guard lock(tasks_mutex_);
    return static_cast<std::size_t>(std::count_if(tasks_.begin(), tasks_.end(), [](const PodTask& t) {
      return t.state == PodTask::State::Evicted || t.state == PodTask::State::Gone;
    }));
  }

  Services& services_;
  Client& client_;
  const std::string node_;
  const DrainOptions& options_;
  const std::chrono::milliseconds retry_interval_;
  const Clock::time_point started_;
  std::optional<Clock::time_point> deadline_;
  std::map<std::string, bool> daemonsets_;
  std::vector<PodTask> tasks_;
  std::mutex tasks_mutex_;
  std::mutex progress_mutex_;
  std::optional<Error> wait_error_;
};

}  // namespace

nlohmann::json eviction_body(const std::string& group_version, const nlohmann::json& pod,
                             std::optional<std::int64_t> grace_period_seconds) {
  nlohmann::json delete_options = {
      {"preconditions", {{"uid", string_at(pod, "/metadata/uid")}}}};
  if (grace_period_seconds) delete_options["gracePeriodSeconds"] = *grace_period_seconds;
  return {{"apiVersion", group_version},
          {"kind", "Eviction"},
          {"metadata",
           {{"name", string_at(pod, "/metadata/name")},
            {"namespace", string_at(pod, "/metadata/namespace")}}},
          {"deleteOptions", std::move(delete_options)}};
}

Result<void> validate_drain_request(const DrainRequest& request) {
  const DrainOptions& options = request.options;
  if (request.node.empty()) return fail_field("node", "is required");
  if (options.grace_period_seconds && *options.grace_period_seconds < 0)
    return fail_field("grace_period_seconds", "must be 0 or more");
  if (options.skip_wait_for_delete_timeout_seconds &&
      *options.skip_wait_for_delete_timeout_seconds < 0)
    return fail_field("skip_wait_for_delete_timeout_seconds", "must be 0 or more");
  if (options.parallel == 0) return fail_field("parallel", "must be at least 1");
  if (options.timeout.count() < 0) return fail_field("timeout", "must not be negative");
  return {};
}

Result<DrainOutcome> DrainOps::run(const DrainRequest& request) {
  if (auto valid = validate_drain_request(request); !valid) return fail(valid.error());
  auto client = services_.client();
  if (!client) return fail(client.error());
  Drainer drainer(services_, **client, request.node, request.options, pdb_retry_interval);
  return drainer.run();
}

}  // namespace orka::drain
