#include "support/twin_servers.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <regex>

namespace apiserver::test {
namespace {

// A Link header with its cursors blanked: a cursor is opaque, only where it leads matters.
std::optional<std::string> without_cursors(const std::optional<std::string>& link) {
  if (!link) return link;
  static const std::regex cursor("cursor=[^&>]*");
  return std::regex_replace(*link, cursor, "cursor=...");
}

}  // namespace

TwinServers::TwinServers(const std::string& document, const std::string& database_url,
                         const std::vector<std::string>& extra_args)
    : sqlite_([&] {
        std::vector<std::string> args = {document, "--db", dir_.file("twin.db")};
        args.insert(args.end(), extra_args.begin(), extra_args.end());
        return args;
      }()),
      other_([&] {
        std::vector<std::string> args = {document, "--db", database_url};
        args.insert(args.end(), extra_args.begin(), extra_args.end());
        return args;
      }()),
      sqlite_client_(sqlite_.port()),
      other_client_(other_.port()) {}

HttpResponse TwinServers::send(const std::string& method, const std::string& target,
                               const std::string& body, const Headers& headers) {
  SCOPED_TRACE(method + " " + target + (body.empty() ? "" : " " + body));
  const HttpResponse expected = sqlite_client_.request(method, target, body, headers);
  const HttpResponse actual = other_client_.request(method, target, body, headers);
  EXPECT_EQ(actual.status, expected.status) << "SQLite answered " << expected.body;
  for (const char* name : {"content-type", "location", "x-total-count"}) {
    EXPECT_EQ(actual.header(name), expected.header(name)) << name;
  }
  EXPECT_EQ(without_cursors(actual.header("link")), without_cursors(expected.header("link")));
  EXPECT_EQ(actual.body, expected.body);
  return actual;
}

}  // namespace apiserver::test
