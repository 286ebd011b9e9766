// Values suggested by property names (see name_hints.hpp).
#include "mock/name_hints.hpp"

#include <cctype>

#include "text/utf8.hpp"

namespace apiserver::mock::detail {
namespace {

std::string lower_alnum(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)))
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool contains(const std::string& s, const char* part) {
  return s.find(part) != std::string::npos;
}

// "id", "userId", "user_id", "ID": names of identifiers, not words ending in "id" ("paid").
bool is_id_name(const std::string& name) {
  std::string l = lower_alnum(name);
  return l == "id" || ends_with(name, "Id") || ends_with(name, "ID") || ends_with(name, "_id") ||
         ends_with(name, "-id") || contains(l, "uuid") || contains(l, "guid");
}

const char* const kFirstNames[] = {"Alice", "Bob",   "Carol", "Dave",
                                   "Erin",  "Frank", "Grace", "Heidi"};
const char* const kLastNames[] = {"Smith", "Jones", "Garcia", "Miller", "Davis", "Lopez", "Wilson"};
const char* const kWords[] = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf"};
const char* const kSentences[] = {"A short description.", "Lorem ipsum dolor sit amet.",
                                  "Everything works as expected.", "Sample text for testing.",
                                  "The quick brown fox jumps over the lazy dog."};
const char* const kFiller = " lorem ipsum dolor sit amet consectetur adipiscing elit";

}  // namespace

const char* random_word(Rng& rng) {
  return pick(kWords, rng);
}

std::string hex(Rng& rng, size_t digits) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < digits; ++i) out += kHex[rng.below(16)];
  return out;
}

std::string fit_length(std::string text, size_t min_len, size_t max_len) {
  const std::string filler = kFiller;
  size_t length = text::code_point_count(text);
  for (size_t i = 0; length < min_len; ++i, ++length) text += filler[i % filler.size()];
  if (length > max_len) {
    size_t points = 0;
    size_t cut = 0;
    for (; cut < text.size(); ++cut) {
      if ((static_cast<unsigned char>(text[cut]) & 0xC0) != 0x80 && points++ == max_len) break;
    }
    text.resize(cut);
  }
  return text;
}

std::string hint_string(const std::string& name, Rng& rng) {
  std::string l = lower_alnum(name);
  const std::string first = pick(kFirstNames, rng);
  const std::string last = pick(kLastNames, rng);
  const std::string word = pick(kWords, rng);
  const std::string n = std::to_string(rng.between(1, 999));
  if (contains(l, "email") || contains(l, "mail")) return lower_alnum(first) + n + "@example.com";
  if (contains(l, "url") || contains(l, "uri") || contains(l, "href") || contains(l, "link") ||
      contains(l, "website") || contains(l, "image") || contains(l, "avatar") ||
      contains(l, "photo"))
    return "https://example.com/" + word + "/" + n;
  if (is_id_name(name)) {
    return hex(rng, 8) + "-" + hex(rng, 4) + "-4" + hex(rng, 3) + "-a" + hex(rng, 3) + "-" +
           hex(rng, 12);
  }
  if (contains(l, "phone") || contains(l, "mobile") || contains(l, "fax"))
    return "+1-202-555-0" + std::to_string(rng.between(100, 199));
  if (contains(l, "firstname") || contains(l, "givenname")) return first;
  if (contains(l, "lastname") || contains(l, "surname") || contains(l, "familyname")) return last;
  if (contains(l, "username") || contains(l, "login") || contains(l, "nickname") || l == "user")
    return lower_alnum(first) + n;
  if (contains(l, "fullname") || l == "name" || l == "displayname" || l == "author" || l == "owner")
    return first + " " + last;
  if (contains(l, "password") || contains(l, "secret")) return "s3cret-" + word + "-" + n;
  if (contains(l, "token") || contains(l, "apikey")) return "tok_" + hex(rng, 24);
  if (ends_with(l, "at") || contains(l, "timestamp") || contains(l, "datetime"))
    return "2024-0" + std::to_string(rng.between(1, 9)) + "-1" + std::to_string(rng.between(0, 9)) +
           "T1" + std::to_string(rng.between(0, 9)) + ":30:00Z";
  if (contains(l, "date") || contains(l, "birthday"))
    return "2024-0" + std::to_string(rng.between(1, 9)) + "-1" + std::to_string(rng.between(0, 9));
  if (contains(l, "description") || contains(l, "summary") || contains(l, "comment") ||
      contains(l, "message") || contains(l, "text") || contains(l, "body") || l == "bio" ||
      contains(l, "note") || contains(l, "content"))
    return pick(kSentences, rng);
  if (contains(l, "title") || contains(l, "subject") || contains(l, "headline"))
    return "Getting started with " + word;
  if (contains(l, "status") || l == "state") return "active";
  if (contains(l, "city") || contains(l, "town")) return "Springfield";
  if (contains(l, "country")) return "US";
  if (contains(l, "zip") || contains(l, "postal") || contains(l, "postcode"))
    return "1" + std::to_string(rng.between(1000, 9999));
  if (contains(l, "street") || contains(l, "address") || contains(l, "line1"))
    return n + " Main Street";
  if (contains(l, "currency")) return "USD";
  if (contains(l, "language") || contains(l, "locale") || l == "lang") return "en";
  if (contains(l, "color") || contains(l, "colour")) return "blue";
  if (contains(l, "slug")) return word + "-" + n;
  if (contains(l, "version")) return "1." + std::to_string(rng.between(0, 9)) + ".0";
  if (contains(l, "host") || contains(l, "domain")) return "api.example.com";
  if (contains(l, "name")) return first;
  if (contains(l, "code")) return "ABC" + n;
  return word;
}

// The range of integers realistic for a property called `name`.
std::pair<int64_t, int64_t> integer_hint(const std::string& name) {
  std::string l = lower_alnum(name);
  if (is_id_name(name)) return {1, 1000};
  if (l == "age" || ends_with(l, "age")) return {18, 80};
  if (contains(l, "year")) return {2000, 2025};
  if (contains(l, "port")) return {1024, 9999};
  if (contains(l, "page")) return {1, 10};
  if (contains(l, "limit") || contains(l, "size")) return {10, 50};
  if (contains(l, "count") || contains(l, "quantity") || contains(l, "qty")) return {1, 20};
  if (contains(l, "price") || contains(l, "amount") || contains(l, "cost") || contains(l, "total"))
    return {1, 500};
  return {1, 100};
}

std::pair<double, double> number_hint(const std::string& name) {
  std::string l = lower_alnum(name);
  if (l == "lat" || contains(l, "latitude")) return {-90, 90};
  if (l == "lon" || l == "lng" || contains(l, "longitude")) return {-180, 180};
  if (contains(l, "rating") || contains(l, "score")) return {0, 5};
  if (contains(l, "percent") || contains(l, "ratio") || contains(l, "rate")) return {0, 1};
  auto [lo, hi] = integer_hint(name);
  return {static_cast<double>(lo), static_cast<double>(hi)};
}

}  // namespace apiserver::mock::detail
