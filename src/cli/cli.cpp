#include "cli/cli.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/config_file.hpp"
#include "cli/log_format.hpp"

namespace apiserver::cli {
int run(int argc, char** argv) {
  CLI::App app{
      "apiserver: serves an OpenAPI 3.0/3.1 document as a validated HTTP API with SQLite "
      "storage.\n\n  apiserver SPEC            serve the document\n"
      "  apiserver routes SPEC     show what each operation became\n"
      "  apiserver validate SPEC   check the document and report problems",
      "apiserver"};
  app.set_version_flag("--version", std::string("apiserver ") + APISERVER_VERSION);
  app.require_subcommand(0, 1);
  app.fallthrough();

  Options options;
  // Not required by the parser: the subcommands take their own SPEC.
  app.add_option("spec", options.spec, "OpenAPI 3.0/3.1 document (YAML or JSON)")
      ->envname("APISERVER_SPEC");
  app.add_option("--host", options.host, "address to listen on")
      ->envname("APISERVER_HOST")
      ->capture_default_str();
  app.add_option("--port", options.port, "TCP port (0 picks a free one)")
      ->envname("APISERVER_PORT")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  app.add_option("--db", options.database,
                 "SQLite file, or a postgresql:// URI (default: x-apiserver.database of the "
                 "document, else SPEC-NAME.db in the working directory; ':memory:' for a "
                 "throwaway database)")
      ->envname("APISERVER_DB");
  app.add_option(
         "--threads", options.threads,
         "event-loop threads (default: one per CPU the process may use: its affinity mask and "
         "cgroup CPU quota)")
      ->envname("APISERVER_THREADS")
      ->check(CLI::Range(0, 256));
  app.add_option("--synchronous", options.synchronous,
                 "normal: a committed write survives a crash of the server; full: a power loss "
                 "too, each commit waiting for the disk (SQLite's synchronous setting)")
      ->envname("APISERVER_SYNCHRONOUS")
      ->capture_default_str()
      ->check(CLI::IsMember({"normal", "full"}));
  app.add_option("--max-body", options.max_body,
                 "largest request body accepted, e.g. 1MiB (default: the document's "
                 "x-apiserver.limits.max-body, else 1MiB)")
      ->envname("APISERVER_MAX_BODY");
  app.add_flag("--mock", options.mock,
               "throwaway backend: every operation answers from the document, except those of "
               "resources with x-apiserver-seed rows, stored in a temporary database removed at "
               "exit; CORS open to any origin unless the document declares it")
      ->envname("APISERVER_MOCK");
  app.add_flag("--validate-responses", options.validate_responses,
               "check every answer, stored and mocked ones too, against the responses its "
               "operation declares: an answer that breaks them is logged, counted in /metrics "
               "and flagged with Apiserver-Response-Violations (forwarded answers always are, "
               "unless the document says otherwise)")
      ->envname("APISERVER_VALIDATE_RESPONSES");
  app.add_option("--access-log", options.access_log,
                 "json: one JSON line per request on stdout (time, request id, method, route, "
                 "status, duration, bytes, client); off")
      ->envname("APISERVER_ACCESS_LOG")
      ->capture_default_str()
      ->check(CLI::IsMember({"json", "off"}));
  app.add_option("--log-level", options.log_level, "trace, debug, info, warn, error or off")
      ->envname("APISERVER_LOG_LEVEL")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  app.add_option("--log-format", options.log_format,
                 "server messages on stderr: text, or json (one object a line: time, level, msg)")
      ->envname("APISERVER_LOG_FORMAT")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));

  std::string config_file;
  CLI::Option* config_option =
      app.add_option("--config", config_file,
                     std::string("settings file of `name = value` lines named after these "
                                 "options (default: ") +
                         kDefaultConfigFile + " when it exists)")
          ->envname("APISERVER_CONFIG");

  Options sub_options;
  CLI::App* routes = app.add_subcommand("routes", "print each route and what it became");
  CLI::App* validate = app.add_subcommand("validate", "check a document; non-zero exit on errors");
  for (CLI::App* sub : {routes, validate}) {
    sub->add_option("spec", sub_options.spec, "OpenAPI document")->required();
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; a usage error exits 2, like a bad document.
    return app.exit(e) == 0 ? 0 : 2;
  }
  const bool config_named = config_option->count() > 0;
  if (auto error =
          apply_config_file(app, config_named ? config_file : kDefaultConfigFile, config_named)) {
    std::cerr << "error: " << *error << "\n";
    return 2;
  }
  // Logs go to stderr, so that stdout carries only command output (routes, validate).
  install_logger(options.log_format, options.log_level);
  if (routes->parsed()) return print_routes(sub_options.spec);
  if (validate->parsed()) return validate_document(sub_options.spec);
  if (options.spec.empty()) {
    std::cerr << app.help() << "\nerror: give the OpenAPI document to serve\n";
    return 2;
  }
  return serve(options);
}

}  // namespace apiserver::cli
