#include "cli/commands.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "cli/cpu_budget.hpp"
#include "cli/file_limit.hpp"
#include "compile/compiler.hpp"
#include "compile/settings.hpp"
#include "http/server.hpp"
#include "ops/service.hpp"
#include "ops/swappable_handler.hpp"
#include "pipeline/pipeline.hpp"
#include "spec/document.hpp"
#include "spec/values.hpp"
#include "store/database.hpp"
#include "store/file_claim.hpp"
#include "store/sql.hpp"

namespace apiserver::cli {
namespace {

namespace fs = std::filesystem;

// Exit codes: 1 runtime failure (database, port), 2 the document is unusable.
constexpr int kExitRuntime = 1;
constexpr int kExitDocument = 2;
// How long a stop waits for requests in flight; a mock delay is at most 30 s, but a stop
// should not wait on one that long.
constexpr std::chrono::milliseconds kDrainTimeout{10'000};

void print_diagnostics(const spec::Diagnostics& diagnostics, std::ostream& out) {
  for (const spec::Diagnostic& d : diagnostics.items()) out << d.to_string() << "\n";
}

// Loads and compiles `spec`, printing diagnostics; null on errors.
std::unique_ptr<model::Api> load_api(const std::string& spec, bool quiet_warnings,
                                     compile::CompileOptions compile_options = {},
                                     bool reloading = false) {
  spec::Diagnostics diagnostics;
  std::shared_ptr<const spec::Document> document = spec::load_document(spec, diagnostics);
  std::unique_ptr<model::Api> api;
  if (document) api = compile::compile_api(document, diagnostics, compile_options);
  if (!api || !quiet_warnings) print_diagnostics(diagnostics, std::cerr);
  if (!api)
    std::cerr << spec << ": " << diagnostics.error_count() << " error(s); "
              << (reloading ? "the previous document stays in service" : "nothing is served")
              << "\n";
  return api;
}

// --db, else the document's x-apiserver.database, else SPEC-NAME.db here.
std::string database_path(const Options& options, const model::Api& api) {
  if (!options.database.empty()) return options.database;
  if (!api.settings.database.empty()) return api.settings.database;
  return fs::path(options.spec).stem().string() + ".db";
}

// ":memory:" would give every connection its own empty database; a file
// removed at exit behaves like one shared database instead.
struct ThrowawayFile {
  std::string path;
  ~ThrowawayFile() {
    if (path.empty()) return;
    std::remove(store::FileClaim::lock_path(path).c_str());
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
  }
};

// One compiled document with everything that serves it. A reload builds a new one beside
// the running one; members are destroyed in reverse order (service, pipeline, database, api).
struct Generation final : http::RequestHandler {
  std::unique_ptr<model::Api> api;
  std::unique_ptr<store::Database> database;
  std::unique_ptr<pipeline::Pipeline> pipeline;
  std::unique_ptr<ops::Service> service;

  void handle(const http::Request& request, http::Response& response) override {
    service->handle(request, response);
  }
  void answer_error(const Problem& problem, const http::Request& request,
                    http::Response& response) override {
    service->answer_error(problem, request, response);
  }
};

// Loads, compiles and opens everything `options` names. `throwaway` keeps the temporary
// database of --mock across reloads; `access_log` (null: none) outlives every generation. Null
// (reasons printed) when it cannot; `exit_code` says why for the first start. The database is
// opened again, so additive table changes of a reloaded document are migrated then.
std::shared_ptr<Generation> open_generation(const Options& options, ThrowawayFile& throwaway,
                                            ops::AccessLog* access_log,
                                            const std::shared_ptr<store::KeyCounters>& counters,
                                            bool reloading, int& exit_code) {
  auto generation = std::make_shared<Generation>();
  compile::CompileOptions compile_options;
  compile_options.mock = options.mock;
  compile_options.validate_responses = options.validate_responses;
  generation->api = load_api(options.spec, false, compile_options, reloading);
  exit_code = kExitDocument;
  if (!generation->api) return nullptr;
  model::Api& api = *generation->api;
  if (!options.max_body.empty() &&
      !spec::parse_byte_size(spec::Json(options.max_body), api.settings.max_body_bytes)) {
    std::cerr << "--max-body: '" << options.max_body << "' is not a size such as 1MiB or 4096\n";
    return nullptr;
  }
  if (options.mock && !api.settings.cors.enabled) {
    // The frontend a mock serves runs on another origin (a dev server).
    api.settings.cors.enabled = true;
    api.settings.cors.allow_origins = {"*"};
  }
  exit_code = kExitRuntime;
  if (!api.resources.empty()) {
    std::string path = options.mock ? ":memory:" : database_path(options, api);
    if (options.mock && !options.database.empty())
      spdlog::warn("--mock uses a throwaway database; --db {} is not used", options.database);
    if (path == ":memory:") {
      if (throwaway.path.empty()) {
        char name[] = "/tmp/apiserver-memory-XXXXXX";
        int fd = mkstemp(name);
        if (fd >= 0) close(fd);
        throwaway.path = name;
      }
      path = throwaway.path;
    }
    std::vector<std::string> notes;
    try {
      const store::Durability durability = options.synchronous == "full"
                                               ? store::Durability::kPowerLoss
                                               : store::Durability::kProcessCrash;
      generation->database =
          std::make_unique<store::Database>(path, api, notes, counters, durability);
    } catch (const store::DatabaseError& e) {
      std::cerr << e.what() << "\n";
      return nullptr;
    }
    for (const std::string& note : notes) spdlog::info("{}", note);
    spdlog::info("database {} ({} stored resource(s))", store::shown_location(path),
                 api.resources.size());
  }
  generation->pipeline = std::make_unique<pipeline::Pipeline>(api, generation->database.get());
  ops::ServiceOptions service_options;
  service_options.access_log = access_log;
  generation->service = std::make_unique<ops::Service>(api, generation->database.get(),
                                                       *generation->pipeline, service_options);
  exit_code = 0;
  return generation;
}

}  // namespace

int serve(const Options& options) {
  // Block the signals before any thread starts, so that every thread inherits the mask and
  // only sigwait() below sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  raise_open_file_limit();

  // Declared first, destroyed last: it writes what is still buffered once the server stopped.
  std::unique_ptr<ops::AccessLog> access_log;
  if (options.access_log == "json") access_log = std::make_unique<ops::AccessLog>(STDOUT_FILENO);
  ThrowawayFile throwaway;
  // One counter per table for every generation: the old one answers in-flight requests while
  // the reloaded one starts.
  auto key_counters = std::make_shared<store::KeyCounters>();
  int exit_code = 0;
  std::shared_ptr<Generation> generation =
      open_generation(options, throwaway, access_log.get(), key_counters, false, exit_code);
  if (!generation) return exit_code;
  auto handler = std::make_shared<ops::SwappableHandler>(generation);
  http::ServerOptions server_options;
  server_options.host = options.host;
  server_options.port = static_cast<uint16_t>(options.port);
  // One event loop per CPU the process may run on, not per core of the machine.
  server_options.threads = options.threads != 0 ? options.threads : usable_cpus();
  server_options.limits.max_body_bytes = generation->api->settings.max_body_bytes;
  http::Server server(server_options, *handler);
  try {
    server.start();
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return kExitRuntime;
  }
  std::string host =
      options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host;
  spdlog::info("listening on http://{}:{}", host, server.port());
  while (true) {
    int received = 0;
    sigwait(&signals, &received);
    if (received != SIGHUP) {
      spdlog::info("received {}, shutting down", received == SIGINT ? "SIGINT" : "SIGTERM");
      break;
    }
    spdlog::info("received SIGHUP, reloading {}", options.spec);
    int ignored = 0;
    std::shared_ptr<Generation> next =
        open_generation(options, throwaway, access_log.get(), key_counters, true, ignored);
    if (!next) {
      spdlog::error("reload failed: still serving the previous document (reasons above)");
      continue;
    }
    if (next->api->settings.max_body_bytes != server_options.limits.max_body_bytes)
      spdlog::warn("the body size limit changes only on restart");
    handler->swap(next);
    generation = std::move(next);
    spdlog::info("reloaded {}", options.spec);
  }
  // In-flight requests (mock answers waiting out a delay included) are answered before exit; a
  // second SIGINT or SIGTERM stops at once. systemd's TimeoutStopSec must exceed the bound.
  server.drain(kDrainTimeout, [&signals] {
    timespec no_wait{};
    int again = sigtimedwait(&signals, nullptr, &no_wait);
    return again == SIGINT || again == SIGTERM;
  });
  server.stop();
  return 0;
}

int print_routes(const std::string& spec) {
  std::unique_ptr<model::Api> api = load_api(spec, true);
  if (!api) return kExitDocument;
  size_t width = 4;
  for (const auto& item : api->paths) width = std::max(width, item.path_template.size());
  for (const auto& item : api->paths) {
    for (const auto& op : item.operations) {
      std::cout << std::left << std::setw(8) << op.method << std::setw(static_cast<int>(width) + 2)
                << op.path_template;
      if (op.forwarding) {
        const model::Upstream& upstream = *op.forwarding->upstream;
        std::cout << "forwarded to " << upstream.url;
        if (!upstream.strip_prefix.empty()) std::cout << " less " << upstream.strip_prefix;
      } else if (op.stored()) {
        std::cout << model::to_string(op.crud) << " " << op.resource->table;
        if (!op.key_parameter.empty()) std::cout << " by " << op.resource->key_column().property;
        const model::Envelope& envelope = op.envelope;
        if (!envelope.request.empty()) std::cout << ", body in {" << envelope.request << "}";
        if (!envelope.response.empty())
          std::cout << ", answer in {" << envelope.response
                    << (envelope.count.empty() ? "" : ", " + envelope.count) << "}";
      } else {
        std::cout << "not stored: "
                  << (op.not_stored_reason.empty() ? "no mapping" : op.not_stored_reason);
      }
      std::cout << "\n";
    }
  }
  for (const auto& resource : api->resources) {
    std::cout << "\ntable " << resource->table << " (" << resource->name << "):";
    for (size_t i = 0; i < resource->columns.size(); ++i) {
      const model::Column& c = resource->columns[i];
      std::cout << (i == 0 ? " " : ", ") << c.name;
      if (i == resource->key) std::cout << " [key]";
      if (c.not_null && i != resource->key) std::cout << " [required]";
      if (c.version) std::cout << " [row version]";
      if (c.in_schema && c.property == resource->created_property) std::cout << " [time created]";
      if (c.in_schema && c.property == resource->updated_property) std::cout << " [time updated]";
      if (c.indexed) std::cout << " [indexed]";
      if (resource->parent && i == resource->parent->column)
        std::cout << " [key of " << resource->parent->resource->table << "]";
      for (const model::Reference& reference : resource->references) {
        if (reference.column == i) std::cout << " [references " << reference.target->table << "]";
      }
    }
    if (resource->parent) {
      std::cout << "; nested under " << resource->parent->resource->table
                << " (x-apiserver-on-parent-delete: "
                << (resource->parent->on_delete == model::OnDelete::kCascade ? "cascade"
                                                                             : "restrict")
                << ")";
    }
    // What `embed` fills in place, not stored: a referenced row, or the first children.
    for (size_t i = 0; i < resource->embeds.size(); ++i) {
      const model::Embed& e = resource->embeds[i];
      std::cout << (i == 0 ? "; embeds " : ", ") << e.name << " ("
                << (e.children ? "children in " : "the row of ") << e.target->table << ")";
    }
    // What is not stored but answered as a mock (x-apiserver-mock on a property).
    for (size_t i = 0; i < resource->mocked_properties.size(); ++i) {
      const model::Resource::MockedProperty& m = resource->mocked_properties[i];
      std::cout << (i == 0 ? "; mocks " : ", ") << m.name << " (always " << m.value.dump() << ")";
    }
    // What lists may ask, where the schema narrows it (x-apiserver-filter, -sort, -search).
    std::string filters, sorts, searched;
    bool narrowed = false;
    for (const model::Column& c : resource->columns) {
      narrowed |= c.filterable() && (!c.filter_allowed || !c.sort_allowed);
      if (c.can_filter()) filters += (filters.empty() ? "" : ", ") + c.property;
      if (c.can_sort()) sorts += (sorts.empty() ? "" : ", ") + c.property;
    }
    for (size_t column : resource->search_columns)
      searched += (searched.empty() ? "" : ", ") + resource->columns[column].property;
    if (narrowed) std::cout << "; filters: " << filters << "; sorts: " << sorts;
    if (!searched.empty()) std::cout << "; q= searches " << searched;
    std::cout << "\n";
  }
  return 0;
}

int validate_document(const std::string& spec) {
  spec::Diagnostics diagnostics;
  std::shared_ptr<const spec::Document> document = spec::load_document(spec, diagnostics);
  std::unique_ptr<model::Api> api;
  if (document) api = compile::compile_api(document, diagnostics);
  // Stricter than serving: what the specification forbids fails here even where the server
  // copes with it (an undeclared path parameter).
  for (const spec::Diagnostic& d : diagnostics.items())
    std::cout << d.to_string_for_validate() << "\n";
  const size_t errors = diagnostics.validate_error_count();
  const size_t warnings = diagnostics.items().size() - errors;
  if (!api || errors > 0) {
    std::cout << spec << ": " << errors << " error(s), " << warnings << " warning(s)\n";
    return 1;
  }
  size_t operations = 0;
  size_t stored = 0;
  size_t forwarded = 0;
  for (const auto& item : api->paths) {
    for (const auto& op : item.operations) {
      ++operations;
      if (op.stored()) ++stored;
      if (op.forwarding) ++forwarded;
    }
  }
  std::cout << spec << ": OK, OpenAPI " << document->openapi_version() << ", " << operations
            << " operation(s), " << stored << " stored on " << api->resources.size()
            << " table(s), ";
  if (forwarded > 0) std::cout << forwarded << " forwarded, ";
  std::cout << warnings << " warning(s)\n";
  return 0;
}

}  // namespace apiserver::cli
