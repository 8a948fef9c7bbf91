#include "log_printer.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "logs_json.hpp"
#include "orka/output.hpp"

namespace orka::streaming {
namespace {

constexpr std::size_t kWriteThreshold = 64 * 1024;
// Bold red; the end sequence resets every attribute.
constexpr std::string_view kHighlightBegin = "\x1b[1;31m";
constexpr std::string_view kHighlightEnd = "\x1b[0m";

}  // namespace

LogPrinter::LogPrinter(std::ostream& out, PrintOptions options)
    : out_(out), options_(std::move(options)) {
  buffer_.reserve(kWriteThreshold * 2);
}

LogPrinter::~LogPrinter() { flush(); }

void LogPrinter::append_prefix(std::string_view pod, std::string_view container) {
  if (pod != last_pod_ || container != last_container_ || last_prefix_.empty()) {
    last_pod_.assign(pod);
    last_container_.assign(container);
    const std::string name = container.empty() ? std::string(pod) : fmt::format("{}/{}", pod, container);
    last_prefix_ = colourize("[" + name + "]", colour_for(name), options_.colour) + " ";
  }
  buffer_.append(last_prefix_);
}

void LogPrinter::set_context(std::string_view context) {
  if (context == context_) return;
  context_.assign(context);
  context_prefix_.clear();
  if (!context.empty())
    context_prefix_ = colourize("[" + context_ + "]", colour_for(context_), options_.colour) + " ";
}

void LogPrinter::append_context() { buffer_.append(context_prefix_); }

void LogPrinter::note_first_held() {
  if (buffer_.empty()) held_since_ = std::chrono::steady_clock::now();
}

void LogPrinter::line(const LogChunk& chunk) {
  note_first_held();
  if (options_.json) {
    json_event(log_line_json(chunk));
    return;
  }
  append_context();
  if (options_.prefix) append_prefix(chunk.pod, chunk.container);
  if (options_.timestamps && !chunk.timestamp.empty()) {
    buffer_.append(chunk.timestamp);
    buffer_.push_back(' ');
  }
  if (options_.colour && !options_.highlight.empty())
    options_.highlight.append(buffer_, chunk.line, kHighlightBegin, kHighlightEnd);
  else
    buffer_.append(chunk.line);
  buffer_.push_back('\n');
  write_if_full();
}

void LogPrinter::dropped(std::uint64_t count, std::string_view pod, std::string_view container) {
  if (count == 0) return;
  note_first_held();
  if (options_.json) {
    nlohmann::json object = log_dropped_json(count);
    if (!pod.empty()) object["pod"] = pod;
    if (!container.empty()) object["container"] = container;
    if (!context_.empty()) object["context"] = context_;
    buffer_.append(object.dump());
    buffer_.push_back('\n');
  } else {
    append_context();
    if (options_.prefix && !pod.empty()) append_prefix(pod, container);
    buffer_.append(colourize(dropped_marker(count), Colour::Yellow, options_.colour));
    buffer_.push_back('\n');
  }
  write_if_full();
}

void LogPrinter::restarted(std::uint64_t restarts, std::string_view pod, std::string_view container) {
  note_first_held();
  append_context();
  if (options_.prefix) append_prefix(pod, container);
  buffer_.append(colourize(restart_marker(restarts), Colour::Yellow, options_.colour));
  buffer_.push_back('\n');
  write_if_full();
}

void LogPrinter::json_event(const nlohmann::json& object) {
  note_first_held();
  if (!context_.empty() && object.is_object()) {
    nlohmann::json in_context = object;
    in_context["context"] = context_;
    buffer_.append(in_context.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  } else {
    buffer_.append(object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  buffer_.push_back('\n');
  write_if_full();
}

void LogPrinter::write_if_full() {
  if (buffer_.size() >= kWriteThreshold) {
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
  }
}

void LogPrinter::flush_if_held(std::chrono::steady_clock::duration limit) {
  if (!buffer_.empty() && std::chrono::steady_clock::now() - held_since_ >= limit) flush();
}

void LogPrinter::flush() {
  if (!buffer_.empty()) {
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
  }
  out_.flush();
}

}  // namespace orka::streaming
