// ISO-8601 formatting and parsing with std::chrono's civil calendar (no locale, no time zone db).
#include "domain/time.hpp"

#include <chrono>
#include <cstdio>

namespace actorshop::domain {
namespace {

using namespace std::chrono;

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size())
    return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

std::optional<timestamp> from_civil(int y, int mo, int d, int h, int mi, int s, int ms) {
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 59)
    return std::nullopt;
  auto tp = sys_days{ymd} + hours{h} + minutes{mi} + seconds{s} + milliseconds{ms};
  return duration_cast<milliseconds>(tp.time_since_epoch()).count();
}

// Parses the part after the seconds: optional fraction, then Z or an offset. Returns the
// milliseconds of the fraction and the offset in minutes, or nothing.
bool parse_tail(std::string_view s, std::size_t pos, int& ms, int& offset_min) {
  ms = 0;
  offset_min = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int n = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (n < 3)
        ms = ms * 10 + (s[pos] - '0');
      ++n;
      ++pos;
    }
    if (n == 0)
      return false;
    for (int i = n; i < 3; ++i)
      ms *= 10;
  }
  if (pos == s.size())
    return true; // no zone: taken as UTC
  if (s[pos] == 'Z' && pos + 1 == s.size())
    return true;
  if ((s[pos] == '+' || s[pos] == '-') && pos + 6 == s.size() && s[pos + 3] == ':') {
    int oh, om;
    if (!digits(s, pos + 1, 2, oh) || !digits(s, pos + 4, 2, om) || oh > 23 || om > 59)
      return false;
    offset_min = (s[pos] == '+' ? 1 : -1) * (oh * 60 + om);
    return true;
  }
  return false;
}

} // namespace

namespace {

// Writes `v` as exactly `width` decimal digits (v >= 0 and fits).
char* put_digits(char* out, unsigned v, int width) {
  for (int i = width - 1; i >= 0; --i, v /= 10)
    out[i] = static_cast<char>('0' + v % 10);
  return out + width;
}

} // namespace

// Hand-formatted: the payment and order units format several timestamps each on the writer
// thread, where snprintf showed up in profiles.
std::string format_iso8601(timestamp t) {
  auto tp = sys_time<milliseconds>{milliseconds{t}};
  auto day_point = floor<days>(tp);
  year_month_day ymd{day_point};
  hh_mm_ss hms{tp - day_point};
  const int year = int(ymd.year());
  char buf[40];
  if (year < 0 || year > 9999) {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", year,
                  unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                  int(hms.minutes().count()), int(hms.seconds().count()),
                  int(hms.subseconds().count()));
    return buf;
  }
  char* p = put_digits(buf, static_cast<unsigned>(year), 4);
  *p++ = '-';
  p = put_digits(p, unsigned(ymd.month()), 2);
  *p++ = '-';
  p = put_digits(p, unsigned(ymd.day()), 2);
  *p++ = 'T';
  p = put_digits(p, static_cast<unsigned>(hms.hours().count()), 2);
  *p++ = ':';
  p = put_digits(p, static_cast<unsigned>(hms.minutes().count()), 2);
  *p++ = ':';
  p = put_digits(p, static_cast<unsigned>(hms.seconds().count()), 2);
  *p++ = '.';
  p = put_digits(p, static_cast<unsigned>(hms.subseconds().count()), 3);
  *p++ = 'Z';
  return std::string(buf, p);
}

std::string format_day(timestamp t) { return format_iso8601(t).substr(0, 10); }

std::optional<timestamp> parse_iso8601(std::string_view s) {
  int y, mo, d;
  if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d))
    return std::nullopt;
  if (s.size() == 10)
    return from_civil(y, mo, d, 0, 0, 0, 0);
  int h, mi, sec, ms, offset;
  if (s.size() < 19 || (s[10] != 'T' && s[10] != ' ') || !digits(s, 11, 2, h) || s[13] != ':' ||
      !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, sec) ||
      !parse_tail(s, 19, ms, offset))
    return std::nullopt;
  auto t = from_civil(y, mo, d, h, mi, sec, ms);
  if (!t)
    return std::nullopt;
  return *t - static_cast<timestamp>(offset) * 60'000;
}

timestamp now_ms() {
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace actorshop::domain
