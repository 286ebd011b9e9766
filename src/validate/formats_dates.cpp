// The `format` checkers for dates, times and durations (RFC 3339 section 5.6 and Appendix A).
#include "validate/formats_checks.hpp"

namespace apiserver::validate::format_checks {
namespace {

// Reads exactly `count` ASCII digits at s[pos..]; false if any is missing or not a digit.
bool read_digits(string_view s, size_t pos, size_t count, int* out) {
  if (pos > s.size() || s.size() - pos < count) return false;
  int v = 0;
  for (size_t k = 0; k < count; ++k) {
    const char c = s[pos + k];
    if (!is_digit(c)) return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

bool is_leap_year(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap_year(y) ? 29 : kDays[m - 1];
}

}  // namespace

// full-date = date-fullyear "-" date-month "-" date-mday
bool is_date(string_view s) {
  int y, m, d;
  return s.size() == 10 && read_digits(s, 0, 4, &y) && s[4] == '-' && read_digits(s, 5, 2, &m) &&
         s[7] == '-' && read_digits(s, 8, 2, &d) && m >= 1 && m <= 12 && d >= 1 &&
         d <= days_in_month(y, m);
}

// full-time = hh ":" mm ":" ss ["." 1*DIGIT] ("Z" / ("+" / "-") hh ":" mm)
bool is_time(string_view s) {
  int h, mi, sec;
  if (!read_digits(s, 0, 2, &h) || s.size() < 9 || s[2] != ':' || !read_digits(s, 3, 2, &mi) ||
      s[5] != ':' || !read_digits(s, 6, 2, &sec) || h > 23 || mi > 59 || sec > 60) {
    return false;
  }
  size_t i = 8;
  if (s[i] == '.') {
    const size_t start = ++i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == start) return false;
  }
  if (i >= s.size()) return false;
  int offset = 0;  // Minutes east of UTC.
  if (s[i] == 'Z' || s[i] == 'z') {
    ++i;
  } else if (s[i] == '+' || s[i] == '-') {
    int oh, om;
    if (s.size() - i != 6 || !read_digits(s, i + 1, 2, &oh) || s[i + 3] != ':' ||
        !read_digits(s, i + 4, 2, &om) || oh > 23 || om > 59) {
      return false;
    }
    offset = (s[i] == '+' ? 1 : -1) * (oh * 60 + om);
    i += 6;
  } else {
    return false;
  }
  if (i != s.size()) return false;
  if (sec == 60) {
    // Leap seconds are inserted at the end of a UTC day only.
    const int utc = ((h * 60 + mi - offset) % 1440 + 1440) % 1440;
    if (utc != 23 * 60 + 59) return false;
  }
  return true;
}

// date-time = full-date "T" full-time; RFC 3339 permits a lower-case "t".
bool is_date_time(string_view s) {
  return s.size() > 11 && (s[10] == 'T' || s[10] == 't') && is_date(s.substr(0, 10)) &&
         is_time(s.substr(11));
}

// duration = "P" (dur-date / dur-time / dur-week) as in the ABNF of RFC 3339 Appendix A:
// units come in order without gaps (P1Y2M, not P1Y2D) and weeks stand alone. ABNF literals are
// case-insensitive, so lower-case designators are accepted too.
bool is_duration(string_view s) {
  if (s.size() < 3 || to_upper(s[0]) != 'P') return false;
  size_t i = 1;
  // Reads one "1*DIGIT designator" element; returns the upper-cased designator, 0 if malformed.
  const auto element = [&s, &i]() -> char {
    const size_t start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == start || i == s.size()) return 0;
    return to_upper(s[i++]);
  };
  // Consumes consecutive elements whose units follow each other in `units`; counts them.
  const auto run = [&](string_view units, size_t* count) -> bool {
    size_t expect = npos;  // Index in `units` the next element must use; npos: any.
    while (i < s.size() && to_upper(s[i]) != 'T') {
      const char unit = element();
      const size_t pos = unit == 0 ? npos : units.find(unit);
      if (pos == npos || (expect != npos && pos != expect)) return false;
      expect = pos + 1;
      ++*count;
    }
    return true;
  };
  if (to_upper(s[1]) != 'T') {
    // A week count is the only element of its duration.
    const size_t start = i;
    if (element() == 'W' && i == s.size()) return true;
    i = start;
  }
  size_t date_count = 0;
  if (!run("YMD", &date_count)) return false;
  if (i == s.size()) return date_count > 0;
  ++i;  // The "T" before the time units.
  size_t time_count = 0;
  return run("HMS", &time_count) && i == s.size() && time_count > 0;
}

}  // namespace apiserver::validate::format_checks
