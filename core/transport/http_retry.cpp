#include "transport/http_retry.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <ctime>
#include <string>

#include "transport/http_message.hpp"

namespace orka::core {
namespace {

using namespace std::chrono;

// IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT" (the form servers must send).
std::optional<system_clock::time_point> parse_http_date(std::string_view text) {
  static constexpr std::array<std::string_view, 12> months = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto comma = text.find(", ");
  if (comma == std::string_view::npos) return std::nullopt;
  text.remove_prefix(comma + 2);
  if (text.size() != 24 || text.substr(20) != " GMT") return std::nullopt;
  auto number = [&](std::size_t pos, std::size_t len) -> std::optional<int> {
    int value = 0;
    auto [end, ec] = std::from_chars(text.data() + pos, text.data() + pos + len, value);
    if (ec != std::errc{} || end != text.data() + pos + len) return std::nullopt;
    return value;
  };
  auto day = number(0, 2), year = number(7, 4), hour = number(12, 2), minute = number(15, 2),
       second = number(18, 2);
  auto month = std::find(months.begin(), months.end(), text.substr(3, 3));
  if (!day || !year || !hour || !minute || !second || month == months.end()) return std::nullopt;
  year_month_day date{std::chrono::year(*year),
                      std::chrono::month(static_cast<unsigned>(month - months.begin() + 1)),
                      std::chrono::day(static_cast<unsigned>(*day))};
  if (!date.ok() || *hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
  return sys_days(date) + hours(*hour) + minutes(*minute) + seconds(*second);
}

bool retryable_status(int status) {
  if (status == 0 || status == 429) return true;
  return status >= 500 && status <= 599 && status != 501 && status != 505;
}

}  // namespace

std::optional<milliseconds> parse_retry_after(std::string_view value, system_clock::time_point now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::isdigit(static_cast<unsigned char>(value.front()))) {
    long long secs = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), secs);
    if (ec == std::errc::result_out_of_range) return milliseconds::max();
    if (ec != std::errc{} || end != value.data() + value.size()) return std::nullopt;
    if (secs > 86400LL * 365) return milliseconds::max();
    return duration_cast<milliseconds>(seconds(secs));
  }
  auto when = parse_http_date(value);
  if (!when) return std::nullopt;
  if (*when <= now) return milliseconds(0);
  return duration_cast<milliseconds>(*when - now);
}

std::optional<milliseconds> retry_delay(std::string_view method, int retries_done,
                                        const AttemptResult& result, const RetryPolicy& policy,
                                        system_clock::time_point now) {
  if (retries_done >= policy.max_retries || !retryable_status(result.status)) return std::nullopt;
  const bool idempotent = equals_ignore_case(method, "GET") || equals_ignore_case(method, "HEAD");
  const auto server_says = parse_retry_after(result.retry_after, now);
  if (!idempotent && (result.status == 0 || !server_says)) return std::nullopt;
  milliseconds delay;
  if (server_says) {
    delay = *server_says;
  } else {
    int shift = std::min(retries_done, 16);
    delay = policy.base_delay * (1LL << shift);
  }
  return std::min(delay, policy.max_delay);
}

}  // namespace orka::core
