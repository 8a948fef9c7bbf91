#include "transport/http_response_reader.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace orka::core {
namespace {

std::unexpected<Error> truncated(std::string_view what) {
  return fail(ErrorKind::Transport,
              fmt::format("the server closed the connection before {}", what),
              "the API server may have restarted or a proxy cut the connection; try again");
}

std::unexpected<Error> too_large(std::string_view detail, std::size_t limit) {
  return fail(ErrorKind::Transport,
              fmt::format("the response body is larger than orka accepts for this answer ({}): {}",
                          limit >= (1u << 20) ? fmt::format("{} MiB", limit >> 20)
                                              : fmt::format("{} KiB", limit >> 10),
                          detail),
              "a Kubernetes API server does not answer like this; check the server URL, or a "
              "proxy in between");
}

}  // namespace

ResponseReader::ResponseReader(Connection& connection, std::chrono::milliseconds read_timeout)
    : connection_(connection),
      read_timeout_(read_timeout),
      buffer_(std::make_unique_for_overwrite<char[]>(first_buffer_size)) {}

void ResponseReader::grow() {
  const std::size_t capacity = std::min(capacity_ * 2, buffer_size);
  auto bigger = std::make_unique_for_overwrite<char[]>(capacity);
  std::memcpy(bigger.get(), buffer_.get() + begin_, end_ - begin_);
  end_ -= begin_;
  begin_ = 0;
  buffer_ = std::move(bigger);
  capacity_ = capacity;
}

void ResponseReader::set_deadline(Clock::time_point deadline, std::string what) {
  deadline_ = deadline;
  deadline_what_ = std::move(what);
}

std::string ResponseReader::take_buffered() {
  std::string bytes(buffer_.get() + begin_, end_ - begin_);
  begin_ = end_ = 0;
  return bytes;
}

Result<std::size_t> ResponseReader::read_connection(char* out, std::size_t size) {
  const bool head_limited = head_deadline_ < deadline_;
  const Clock::time_point limit = head_limited ? head_deadline_ : deadline_;
  if (limit == Clock::time_point::max()) {
    if (timeout_narrowed_) {
      connection_.set_timeout(read_timeout_);
      timeout_narrowed_ = false;
    }
    return connection_.read_some(out, size);
  }
  auto expired = [&]() -> std::unexpected<Error> {
    if (head_limited)
      return fail(ErrorKind::Timeout,
                  fmt::format("the server's response head was not complete {} s after its first "
                              "byte",
                              kResponseHeadCompletionTime.count()),
                  "the server or a proxy in between sends its answer far too slowly");
    return fail(ErrorKind::Timeout, fmt::format("timed out waiting for the whole {}", deadline_what_),
                "the server or the network is slow; try again");
  };
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(limit - Clock::now());
  if (left.count() <= 0) return expired();
  connection_.set_timeout(read_timeout_.count() > 0 ? std::min(read_timeout_, left) : left);
  timeout_narrowed_ = true;
  auto n = connection_.read_some(out, size);
  if (!n && n.error().kind == ErrorKind::Timeout && Clock::now() >= limit) return expired();
  return n;
}

Result<std::size_t> ResponseReader::fill() {
  if (begin_ == end_) {
    begin_ = end_ = 0;
  } else if (end_ == capacity_ && begin_ > 0) {
    std::memmove(buffer_.get(), buffer_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == capacity_) {
    if (capacity_ == buffer_size)
      return fail(ErrorKind::Transport, "the response head is larger than 64 KiB");
    grow();
  }
  const std::size_t room = capacity_ - end_;
  auto n = read_connection(buffer_.get() + end_, room);
  if (!n) return n;
  if (*n > 0) received_any_ = true;
  end_ += *n;
  if (*n == room && capacity_ < buffer_size) grow();  // a fast body: read more at a time
  return n;
}

Result<ResponseHead> ResponseReader::read_head(std::string_view request_method) {
  for (;;) {
    auto parsed = parse_response_head(std::string_view(buffer_.get() + begin_, end_ - begin_));
    if (!parsed) return std::unexpected(parsed.error());
    if (!parsed->has_value()) {
      if (end_ > begin_ && head_deadline_ == Clock::time_point::max())
        head_deadline_ = Clock::now() + kResponseHeadCompletionTime;
      auto n = fill();
      if (!n) return std::unexpected(n.error());
      if (*n == 0)
        return truncated(received_any_ ? "the response head was complete" : "it answered");
      continue;
    }
    ParsedHead& head = **parsed;
    begin_ += head.consumed;
    // The deadline runs on across interim answers: endless 100 Continues are a hang too.
    if (head.head.status >= 100 && head.head.status < 200 && head.head.status != 101) continue;
    head_deadline_ = Clock::time_point::max();

    auto framing = body_framing(head.head, request_method);
    if (!framing) return std::unexpected(framing.error());
    framing_ = *framing;
    remaining_ = framing_.length;
    chunked_ = ChunkedDecoder{};
    body_done_ = framing_.kind == BodyKind::None ||
                 (framing_.kind == BodyKind::ContentLength && remaining_ == 0);
    keep_alive_ = keeps_alive(head.head, framing_);
    return std::move(head.head);
  }
}

Result<std::size_t> ResponseReader::read_body(char* out, std::size_t size) {
  if (body_done_ || size == 0) return 0;
  switch (framing_.kind) {
    case BodyKind::None:
      return 0;
    case BodyKind::ContentLength: {
      std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(size, remaining_));
      std::size_t got;
      if (begin_ < end_) {
        got = std::min(want, end_ - begin_);
        std::memcpy(out, buffer_.get() + begin_, got);
        begin_ += got;
      } else {
        auto n = read_connection(out, want);
        if (!n) return n;
        if (*n == 0)
          return truncated(fmt::format("the response body ended ({} bytes missing)", remaining_));
        got = *n;
      }
      remaining_ -= got;
      if (remaining_ == 0) body_done_ = true;
      return got;
    }
    case BodyKind::UntilClose: {
      if (begin_ < end_) {
        std::size_t got = std::min(size, end_ - begin_);
        std::memcpy(out, buffer_.get() + begin_, got);
        begin_ += got;
        return got;
      }
      auto n = read_connection(out, size);
      if (n && *n == 0) body_done_ = true;
      return n;
    }
    case BodyKind::Chunked:
      for (;;) {
        if (begin_ == end_) {
          if (std::uint64_t in_chunk = chunked_.data_remaining(); in_chunk > 0) {
            auto n = read_connection(
                out, static_cast<std::size_t>(std::min<std::uint64_t>(size, in_chunk)));
            if (!n) return n;
            if (*n == 0) return truncated("the chunked response body ended");
            chunked_.skip_data(*n);
            return n;
          }
          auto n = fill();
          if (!n) return std::unexpected(n.error());
          if (*n == 0) return truncated("the chunked response body ended");
        }
        auto step = chunked_.decode(std::string_view(buffer_.get() + begin_, end_ - begin_), out,
                                    size);
        if (!step) return std::unexpected(step.error());
        begin_ += step->consumed;
        if (chunked_.finished()) body_done_ = true;
        if (step->produced > 0 || body_done_) return step->produced;
      }
  }
  return 0;
}

Result<void> ResponseReader::read_body_into(std::string& out, std::size_t limit) {
  if (framing_.kind == BodyKind::ContentLength && remaining_ > limit)
    return too_large(fmt::format("the server announced {} bytes (Content-Length)", remaining_), limit);
  constexpr std::size_t step = 64 * 1024;
  std::size_t start = out.size();
  for (;;) {
    std::size_t old = out.size();
    out.resize(old + step);
    auto n = read_body(out.data() + old, step);
    if (!n) {
      out.resize(old);
      return std::unexpected(n.error());
    }
    out.resize(old + *n);
    if (*n == 0) return {};
    if (out.size() - start > limit) return too_large("the server sent more", limit);
  }
}

}  // namespace orka::core
