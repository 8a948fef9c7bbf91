// One streaming op over several contexts at once: the op runs once per context, each through
// that context's own ops (its own host, Client, credentials and transport: see contexts.hpp),
// and their events arrive merged into one Stream, each carrying its context's name. A context
// that fails — server unreachable, permission missing, target not there — is an event of its
// own; the others go on. Header-only, on the public op and stream types, for any op whose reply
// is a Stream (the logs op, or a later version of it):
//
//   std::vector<orka::ContextOps> contexts;
//   for (const auto& name : {"prod-eu", "prod-us"})
//     contexts.push_back({name, *host_contexts->ops_for_context(name)});
//   auto events = orka::run_over_contexts<orka::LogsOp>(std::move(contexts), request,
//                                                       request.log.buffer_lines);
//   while (auto received = events.next()) { /* received.value->context, ->event */ }
//   auto outcome = events.finish();  // fails when any context failed (see ContextsOutcome)
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "orka/cancel.hpp"
#include "orka/error.hpp"
#include "orka/op.hpp"
#include "orka/stream.hpp"

namespace orka {
inline namespace ORKA_ABI_NAMESPACE {

// Error::reason of the merged stream's failure when more than one context failed.
inline constexpr std::string_view kContextsFailed = "ContextsFailed";

// One context and the ops to run there. The ops (and whatever owns them) stay alive as long as
// the merged stream runs.
struct ContextOps {
  std::string context;
  std::shared_ptr<Ops> ops;
};

template <class OpEvent>
struct ContextEvent {
  enum class Type {
    Event,          // `event` is one of the op's own events in `context`
    ContextEnded,   // the op ended well in `context`
    ContextFailed,  // the op ended with `error` in `context` (or never started there)
  };
  Type type = Type::Event;
  std::string context;
  OpEvent event{};
  // Events of this context lost in its own queue before this one (the merged queue's own losses
  // are Received::dropped_before, as for any stream).
  std::uint64_t dropped_before = 0;
  std::shared_ptr<const Error> error;  // ContextFailed
};

template <class Outcome>
struct ContextResult {
  std::string context;
  Result<Outcome> outcome;
};

// What every context came to, in the order the contexts were given. The merged stream's outcome
// is this when every context ended well, and otherwise fails the way the logs op does when
// streams fail: one failed context's error as it is, its message prefixed with the context
// (`context "b": ...`); several: kContextsFailed, "N of M contexts failed", then the first's
// message. Cancelled wins over both.
template <class Outcome>
struct ContextsOutcome {
  std::vector<ContextResult<Outcome>> contexts;
  std::size_t failed = 0;
};

// `error` of one context, its message naming the context: `context "b": ...`.
inline Error context_error(std::string_view context, Error error) {
  error.message = "context \"" + std::string(context) + "\": " + error.message;
  return error;
}

namespace detail {

template <class Reply>
struct StreamParts;
template <class Event, class Outcome>
struct StreamParts<Stream<Event, Outcome>> {
  using EventType = Event;
  using OutcomeType = Outcome;
};

template <class Outcome>
Result<ContextsOutcome<Outcome>> merged_outcome(ContextsOutcome<Outcome> outcome,
                                                const CancelToken& cancel) {
  if (cancel.cancelled()) return fail(ErrorKind::Cancelled, "interrupted");
  if (outcome.failed == 0) return outcome;
  const ContextResult<Outcome>* first = nullptr;
  for (const auto& result : outcome.contexts)
    if (!result.outcome) {
      first = &result;
      break;
    }
  Error error = context_error(first->context, first->outcome.error());
  if (outcome.failed > 1) {
    error.message = std::to_string(outcome.failed) + " of " + std::to_string(outcome.contexts.size()) +
                    " contexts failed; first, " + error.message;
    error.reason = std::string(kContextsFailed);
    error.http_status = 0;  // about several contexts, not one response
  }
  return std::unexpected(std::move(error));
}

}  // namespace detail

// Runs OpT in every context of `contexts` with the same `request` (its cancel token replaced by
// one the merged stream cancels) and merges the events into a queue of `capacity` (DropOldest:
// a slow reader loses the oldest events and learns how many, as with logs). Each context's
// events keep their order; contexts interleave as their events come. Every context ends with a
// ContextEnded or ContextFailed event (one a lagging reader lost is counted in dropped_before
// like any event; the outcome still has every context's result).
template <class OpT,
          class Parts = detail::StreamParts<typename OpT::Reply>,
          class Event = typename Parts::EventType, class Outcome = typename Parts::OutcomeType>
Stream<ContextEvent<Event>, ContextsOutcome<Outcome>> run_over_contexts(
    std::vector<ContextOps> contexts, typename OpT::Request request, std::size_t capacity,
    CancelToken cancel = {}) {
  using Merged = ContextEvent<Event>;
  return Stream<Merged, ContextsOutcome<Outcome>>::spawn(
      capacity, Overflow::DropOldest, cancel,
      [contexts = std::move(contexts), request = std::move(request),
       cancel](StreamWriter<Merged>& out) -> Result<ContextsOutcome<Outcome>> {
        ContextsOutcome<Outcome> outcome;
        for (const auto& context : contexts)
          outcome.contexts.push_back(ContextResult<Outcome>{
              context.context, std::unexpected(make_error(ErrorKind::Internal, "did not run"))});
        // One pump per context: it owns that context's stream, so a context that blocks (a
        // server that does not answer) holds up nobody else.
        auto pump = [&out, &request, &cancel](const ContextOps& context,
                                              Result<Outcome>& result) noexcept {
          try {
            StreamWriter<Merged> writer = out;
            typename OpT::Request own = request;
            // A later interface version wraps the earlier request as `base` (logs v2, exec v2).
            if constexpr (requires { own.base.cancel; })
              own.base.cancel = cancel.child();
            else
              own.cancel = cancel.child();
            auto events = context.ops ? context.ops->template run<OpT>(own)
                                      : Ops::failed_reply<typename OpT::Reply>(make_error(
                                            ErrorKind::Internal, "no ops for this context"));
            for (;;) {
              auto received = events.next();
              if (!received) break;
              Merged merged;
              merged.context = context.context;
              merged.event = std::move(*received.value);
              merged.dropped_before = received.dropped_before;
              if (!writer.push(std::move(merged))) {  // the reader is gone, or cancelled
                events.cancel();
                break;
              }
            }
            result = events.finish();
          } catch (const std::exception& e) {
            result = std::unexpected(make_error(ErrorKind::Internal, e.what()));
          } catch (...) {
            result = std::unexpected(make_error(ErrorKind::Internal, "unknown exception"));
          }
          Merged end;
          end.context = context.context;
          end.type = result ? Merged::Type::ContextEnded : Merged::Type::ContextFailed;
          if (!result) end.error = std::make_shared<const Error>(result.error());
          StreamWriter<Merged> writer = out;
          (void)writer.push(std::move(end));
        };
        std::vector<std::thread> pumps;
        pumps.reserve(contexts.size());
        std::optional<Error> no_thread;
        for (std::size_t i = 0; i < contexts.size() && !no_thread; ++i) {
          try {
            pumps.emplace_back(pump, std::cref(contexts[i]), std::ref(outcome.contexts[i].outcome));
          } catch (const std::exception& e) {  // no thread to be had: stop the ones started
            no_thread = make_error(ErrorKind::Internal,
                                   std::string("cannot start a thread per context: ") + e.what());
            cancel.cancel();
          }
        }
        for (auto& thread : pumps) thread.join();
        if (no_thread) return std::unexpected(std::move(*no_thread));
        for (const auto& result : outcome.contexts)
          if (!result.outcome) ++outcome.failed;
        return detail::merged_outcome(std::move(outcome), cancel);
      });
}

}  // namespace ORKA_ABI_NAMESPACE
}  // namespace orka
