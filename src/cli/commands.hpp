// The commands behind the command line: serve, routes, validate.
#pragma once

#include <string>

namespace apiserver::cli {

struct Options {
  std::string spec;
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string database;
  unsigned threads = 0;
  // SQLite's synchronous setting of the writer: normal (a committed write survives a crash of
  // the server) or full (it survives a power loss too; every commit waits for an fsync).
  std::string synchronous = "normal";
  std::string max_body;
  std::string log_level = "info";
  std::string log_format = "text";  // of server messages on stderr: text or json
  bool mock = false;  // mocks (seeded resources on a throwaway database), permissive CORS
  // Every operation's answers checked against its declared responses (reported), where the
  // document does not say otherwise; without it only forwarded operations' are.
  bool validate_responses = false;
  std::string access_log = "json";  // json: one line per request on stdout; off
};

// Loads, compiles, opens the database and serves until SIGINT or SIGTERM.
int serve(const Options& options);
// Prints the route table of `spec`.
int print_routes(const std::string& spec);
// Checks `spec` and prints every diagnostic; exit code 0 only without errors.
int validate_document(const std::string& spec);

}  // namespace apiserver::cli
