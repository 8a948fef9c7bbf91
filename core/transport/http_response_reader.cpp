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

}  // namespace

ResponseReader::ResponseReader(Connection& connection)
    : connection_(connection), buffer_(new char[buffer_size]) {}

Result<std::size_t> ResponseReader::fill() {
  if (begin_ == end_) {
    begin_ = end_ = 0;
  } else if (end_ == buffer_size && begin_ > 0) {
    std::memmove(buffer_.get(), buffer_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buffer_size)
    return fail(ErrorKind::Transport, "the response head is larger than 64 KiB");
  auto n = connection_.read_some(buffer_.get() + end_, buffer_size - end_);
  if (!n) return n;
  if (*n > 0) received_any_ = true;
  end_ += *n;
  return n;
}

Result<ResponseHead> ResponseReader::read_head(std::string_view request_method) {
  for (;;) {
    auto parsed = parse_response_head(std::string_view(buffer_.get() + begin_, end_ - begin_));
    if (!parsed) return std::unexpected(parsed.error());
    if (!parsed->has_value()) {
      auto n = fill();
      if (!n) return std::unexpected(n.error());
      if (*n == 0)
        return truncated(received_any_ ? "the response head was complete" : "it answered");
      continue;
    }
    ParsedHead& head = **parsed;
    begin_ += head.consumed;
    if (head.head.status >= 100 && head.head.status < 200 && head.head.status != 101) continue;

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
        auto n = connection_.read_some(out, want);
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
      auto n = connection_.read_some(out, size);
      if (n && *n == 0) body_done_ = true;
      return n;
    }
    case BodyKind::Chunked:
      for (;;) {
        if (begin_ == end_) {
          if (std::uint64_t in_chunk = chunked_.data_remaining(); in_chunk > 0) {
            auto n = connection_.read_some(
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
  if (framing_.kind == BodyKind::ContentLength)
    out.reserve(out.size() + static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, limit)));
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
    if (out.size() - start > limit)
      return fail(ErrorKind::Transport,
                  fmt::format("the response body is larger than {} MiB", limit >> 20));
  }
}

}  // namespace orka::core
