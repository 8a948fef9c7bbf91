#include "forward_status.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "pf_command.hpp"

namespace orka::streaming {

namespace {

double seconds(StatusClock::duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

std::string host_port(const std::string& address, std::uint16_t port) {
  return address.find(':') != std::string::npos ? fmt::format("[{}]:{}", address, port)
                                                : fmt::format("{}:{}", address, port);
}

std::string human_bytes(double bytes) {
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024) return fmt::format("{:.0f} B", bytes);
  int unit = -1;
  while (bytes >= 1024 && unit < 3) {
    bytes /= 1024;
    ++unit;
  }
  return fmt::format("{:.1f} {}", bytes, kUnits[unit]);
}

ForwardStatus::Listener* ForwardStatus::find(const ForwardEvent& event) {
  auto found = listeners_.find(Key{event.local_address, event.local_port});
  return found == listeners_.end() ? nullptr : &found->second;
}

void ForwardStatus::on_event(const ForwardEvent& event, StatusClock::time_point now) {
  using Type = ForwardEvent::Type;
  if (event.type == Type::Ready) {
    const Key key{event.local_address, event.local_port};
    auto [it, fresh] = listeners_.try_emplace(key);
    if (fresh) {
      order_.push_back(key);
      it->second.since = now;
    }
    it->second.address = event.local_address;
    it->second.local_port = event.local_port;
    it->second.remote_port = event.remote_port;
    it->second.pod = event.pod;
    return;
  }
  if (event.type == Type::Retargeted) {
    // A workload's forward moved to another pod: every listener now reaches it.
    for (auto& [key, listener] : listeners_)
      if (!event.pod.empty()) listener.pod = event.pod;
    return;
  }
  Listener* listener = find(event);
  if (listener == nullptr) return;
  if (event.type == Type::ConnectionOpened) {
    if (listener->open.emplace(event.connection, now).second) ++listener->total;
  } else if (event.type == Type::ConnectionClosed) {
    auto opened = listener->open.find(event.connection);
    const auto started = opened == listener->open.end() ? now : opened->second;
    if (opened != listener->open.end()) listener->open.erase(opened);
    listener->bytes_in += event.bytes_in;
    listener->bytes_out += event.bytes_out;
    listener->recent.push_back({started, now, event.bytes_in, event.bytes_out});
    // Only the rate window is needed; a burst of short connections keeps a bounded memory
    // (the rate then undercounts the oldest of them).
    while (!listener->recent.empty() && (listener->recent.front().closed < now - kRateWindow ||
                                         listener->recent.size() > kMaxRecent))
      listener->recent.pop_front();
  }
}

std::vector<std::string> ForwardStatus::lines(StatusClock::time_point now) const {
  std::vector<std::string> out;
  for (const auto& key : order_) {
    const Listener& listener = listeners_.at(key);
    // The window is the last kRateWindow, or the listener's whole life when shorter.
    const auto window_start = std::max(listener.since, now - kRateWindow);
    const double window = seconds(now - window_start);
    double in = 0, out_bytes = 0;
    for (const auto& closed : listener.recent) {
      const auto overlap_start = std::max(closed.opened, window_start);
      if (closed.closed < overlap_start) continue;
      const double life = seconds(closed.closed - closed.opened);
      const double share = life <= 0 ? 1.0 : seconds(closed.closed - overlap_start) / life;
      in += static_cast<double>(closed.bytes_in) * share;
      out_bytes += static_cast<double>(closed.bytes_out) * share;
    }
    const double in_rate = window > 0 ? in / window : 0;
    const double out_rate = window > 0 ? out_bytes / window : 0;
    out.push_back(fmt::format(
        "{} -> {} (pod {}): {} open, {} in all; in {} ({}/s), out {} ({}/s)",
        host_port(listener.address, listener.local_port), listener.remote_port, listener.pod,
        listener.open.size(), listener.total, human_bytes(static_cast<double>(listener.bytes_in)),
        human_bytes(in_rate), human_bytes(static_cast<double>(listener.bytes_out)),
        human_bytes(out_rate)));
  }
  return out;
}

void LiveBlock::draw(const std::vector<std::string>& lines) {
  if (drawn_ > 0) out_ << fmt::format("\x1b[{}F", drawn_);  // to column 0, drawn_ lines up
  for (const auto& line : lines) out_ << "\x1b[2K" << line << '\n';
  // A block that shrank leaves old lines below: erase them.
  if (lines.size() < drawn_) out_ << "\x1b[J";
  drawn_ = lines.size();
  out_.flush();
}

void LiveBlock::clear() {
  if (drawn_ == 0) return;
  out_ << fmt::format("\x1b[{}F", drawn_) << "\x1b[J";
  drawn_ = 0;
  out_.flush();
}

void LiveBlock::finish() { drawn_ = 0; }

void ForwardPrinter::on_event(const ForwardEvent& event, StatusClock::time_point now) {
  if (live_) status_.on_event(event, now);
  const std::string text = describe_event(event, verbose_);
  if (!text.empty()) {
    const bool problem = event.type == ForwardEvent::Type::ConnectionError;
    if (live_) block_.clear();
    (problem ? err_ : out_) << text << '\n';
    (problem ? err_ : out_).flush();
    if (live_) redraw(now, /*force=*/true);
    return;
  }
  if (live_) redraw(now, /*force=*/false);
}

void ForwardPrinter::tick(StatusClock::time_point now) {
  if (live_) redraw(now, /*force=*/false);
}

void ForwardPrinter::finish(StatusClock::time_point now) {
  if (!live_) return;
  redraw(now, /*force=*/true);
  block_.finish();
}

void ForwardPrinter::redraw(StatusClock::time_point now, bool force) {
  if (!force && drawn_once_ && now - last_draw_ < kRedrawInterval) return;
  block_.draw(status_.lines(now));
  drawn_once_ = true;
  last_draw_ = now;
}

}  // namespace orka::streaming
