#include "auth/authenticator.hpp"

#include <algorithm>
#include <chrono>

#include "text/base64.hpp"

namespace apiserver::auth {
namespace {

enum class Outcome { kOk, kMissing, kInvalid };

struct SchemeResult {
  bool evaluated = false;
  Outcome outcome = Outcome::kMissing;
  std::string reason;  // kInvalid: why, safe to show
  std::string subject;
  std::vector<std::string> scopes;
  // Presence-only (--mock): there is no token to read scopes from, so none is lacking.
  bool any_scope = false;
};

bool iequals_prefix(const std::string& text, const char* prefix) {
  size_t n = std::char_traits<char>::length(prefix);
  if (text.size() < n) return false;
  for (size_t i = 0; i < n; ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

// The credentials of `Authorization: <scheme> <credentials>` for a lower-case `scheme`, or
// nullopt when the header is absent or names another scheme.
std::optional<std::string> authorization(const http::Request& request, const char* scheme) {
  const std::string* header = request.header("authorization");
  if (header == nullptr) return std::nullopt;
  std::string prefix = std::string(scheme) + " ";
  if (!iequals_prefix(*header, prefix.c_str())) return std::nullopt;
  size_t start = header->find_first_not_of(' ', prefix.size());
  return start == std::string::npos ? std::string() : header->substr(start);
}

std::optional<std::string> cookie(const http::Request& request, const std::string& name) {
  const std::string* header = request.header("cookie");
  if (header == nullptr) return std::nullopt;
  size_t start = 0;
  while (start < header->size()) {
    size_t end = header->find(';', start);
    if (end == std::string::npos) end = header->size();
    size_t first = header->find_first_not_of(' ', start);
    if (first < end) {
      size_t equals = header->find('=', first);
      if (equals < end && header->compare(first, equals - first, name) == 0)
        return header->substr(equals + 1, end - equals - 1);
    }
    start = end + 1;
  }
  return std::nullopt;
}

std::optional<std::string> api_key(const Scheme& scheme, const http::Request& request,
                                   const http::QueryParams& query) {
  switch (scheme.in) {
    case KeyLocation::kHeader:
      if (const std::string* value = request.header(scheme.parameter)) return *value;
      return std::nullopt;
    case KeyLocation::kQuery:
      for (const auto& [key, value] : query) {
        if (key == scheme.parameter) return value;
      }
      return std::nullopt;
    case KeyLocation::kCookie:
      return cookie(request, scheme.parameter);
  }
  return std::nullopt;
}

void evaluate(const Scheme& scheme, const http::Request& request, const http::QueryParams& query,
              SchemeResult& result) {
  result.evaluated = true;
  auto invalid = [&](std::string reason) {
    result.outcome = Outcome::kInvalid;
    result.reason = std::move(reason);
  };
  std::optional<std::string> credential;
  switch (scheme.kind) {
    case SchemeKind::kApiKey:
      credential = api_key(scheme, request, query);
      break;
    case SchemeKind::kBasic:
      credential = authorization(request, "basic");
      break;
    case SchemeKind::kJwt:
      credential = authorization(request, "bearer");
      break;
    case SchemeKind::kUnsupported:
      return invalid("the scheme " + scheme.name + " is not supported by this server");
  }
  if (!credential) return;  // kMissing
  if (scheme.presence_only) {
    result.outcome = Outcome::kOk;
    result.subject = "anonymous";
    result.any_scope = true;
    return;
  }
  if (!scheme.configured) return invalid("the scheme " + scheme.name + " is not configured");
  switch (scheme.kind) {
    case SchemeKind::kApiKey: {
      std::optional<std::string> name = scheme.keys->find(*credential);
      if (!name) return invalid("unknown API key");
      result.subject = *name;
      break;
    }
    case SchemeKind::kBasic: {
      std::optional<std::string> decoded = text::base64_decode(*credential);
      size_t colon = decoded ? decoded->find(':') : std::string::npos;
      if (colon == std::string::npos) return invalid("malformed Basic credentials");
      std::string user = decoded->substr(0, colon);
      if (!scheme.users->check(user, decoded->substr(colon + 1)))
        return invalid("wrong user name or password");
      result.subject = std::move(user);
      break;
    }
    case SchemeKind::kJwt: {
      long long now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
      VerifiedToken token;
      TokenRefusal refusal;
      if (!scheme.jwt->verify(*credential, now, token, refusal)) return invalid(refusal.reason);
      result.subject = std::move(token.subject);
      result.scopes = std::move(token.scopes);
      break;
    }
    case SchemeKind::kUnsupported:
      return;
  }
  result.outcome = Outcome::kOk;
}

bool has_scopes(const SchemeResult& result, const std::vector<std::string>& required) {
  if (result.any_scope) return true;
  for (const std::string& scope : required) {
    if (std::find(result.scopes.begin(), result.scopes.end(), scope) == result.scopes.end())
      return false;
  }
  return true;
}

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

}  // namespace

std::optional<Problem> authenticate(const Schemes& schemes,
                                    const std::vector<model::SecurityRequirement>& requirements,
                                    const http::Request& request, const http::QueryParams& query,
                                    Identity& identity) {
  if (requirements.empty()) return std::nullopt;
  std::vector<SchemeResult> results(schemes.schemes.size());
  // A requirement whose schemes all identified the caller but lacked scopes: 403, not 401.
  const model::SecurityRequirement* short_of_scopes = nullptr;
  for (const model::SecurityRequirement& requirement : requirements) {
    if (requirement.empty()) return std::nullopt;  // `{}`: anonymous access allowed
    bool all_identified = true;
    bool all_scoped = true;
    for (const model::RequiredScheme& required : requirement) {
      SchemeResult& result = results[required.scheme];
      if (!result.evaluated) evaluate(schemes.schemes[required.scheme], request, query, result);
      // Every scheme is looked at, so a 401 can say why each presented credential failed.
      if (result.outcome != Outcome::kOk) {
        all_identified = false;
        continue;
      }
      if (!has_scopes(result, required.scopes)) all_scoped = false;
    }
    if (!all_identified) continue;
    if (!all_scoped) {
      if (short_of_scopes == nullptr) short_of_scopes = &requirement;
      continue;
    }
    const SchemeResult& first = results[requirement.front().scheme];
    identity.authenticated = true;
    identity.subject = first.subject;
    for (const model::RequiredScheme& required : requirement) {
      const SchemeResult& result = results[required.scheme];
      const std::vector<std::string>& held = result.any_scope ? required.scopes : result.scopes;
      for (const std::string& scope : held) identity.scopes.push_back(scope);
    }
    return std::nullopt;
  }

  if (short_of_scopes != nullptr) {
    std::vector<std::string> needed;
    // Each scheme's scopes are checked against what that scheme's credential holds.
    for (const model::RequiredScheme& required : *short_of_scopes) {
      const std::vector<std::string>& held = results[required.scheme].scopes;
      for (const std::string& scope : required.scopes) {
        if (std::find(held.begin(), held.end(), scope) == held.end()) needed.push_back(scope);
      }
    }
    std::string all_scopes;
    for (const model::RequiredScheme& required : *short_of_scopes)
      for (const std::string& scope : required.scopes)
        all_scopes += (all_scopes.empty() ? "" : " ") + scope;
    return Problem::make(ProblemCode::kForbidden,
                         "the caller lacks the required scope(s): " + join(needed, ", "))
        .with_header("WWW-Authenticate",
                     "Bearer error=\"insufficient_scope\", scope=\"" + all_scopes + "\"");
  }

  std::vector<std::string> refused;
  std::vector<std::string> expected;
  std::vector<size_t> challenged;
  for (const model::SecurityRequirement& requirement : requirements) {
    for (const model::RequiredScheme& required : requirement) {
      if (std::find(challenged.begin(), challenged.end(), required.scheme) != challenged.end())
        continue;
      challenged.push_back(required.scheme);
      const Scheme& scheme = schemes.schemes[required.scheme];
      const SchemeResult& result = results[required.scheme];
      if (result.evaluated && result.outcome == Outcome::kInvalid)
        refused.push_back(scheme.name + ": " + result.reason);
      expected.push_back(scheme.describe);
    }
  }
  std::string detail = refused.empty() ? "credentials are required: " + join(expected, ", or ")
                                       : "credentials refused: " + join(refused, "; ");
  Problem problem = Problem::make(ProblemCode::kUnauthorized, std::move(detail));
  for (size_t index : challenged) {
    const Scheme& scheme = schemes.schemes[index];
    const SchemeResult& result = results[index];
    std::string challenge = scheme.challenge;
    if (scheme.kind == SchemeKind::kJwt && result.evaluated && result.outcome == Outcome::kInvalid)
      challenge += ", error=\"invalid_token\"";
    problem.headers.emplace_back("WWW-Authenticate", std::move(challenge));
  }
  return problem;
}

}  // namespace apiserver::auth
