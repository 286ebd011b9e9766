// The compiled API: everything the request pipeline needs, derived from the
// document once at start-up and never modified afterwards, so every server
// thread reads it without locks.
#pragma once

#include <array>
#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "model/error_plan.hpp"
#include "route/router.hpp"
#include "spec/document.hpp"
#include "validate/compiled_schema.hpp"

namespace apiserver::auth {
struct Schemes;
}

namespace apiserver::model {

enum class ParamLocation { kPath, kQuery, kHeader, kCookie };

const char* to_string(ParamLocation location);

// The JSON type a parameter's text is coerced to before validation.
enum class ValueShape { kString, kInteger, kNumber, kBoolean, kArray, kObject, kAny };

enum class ParamStyle { kForm, kSimple, kSpaceDelimited, kPipeDelimited, kDeepObject };

struct Parameter {
  std::string name;  // header names lower-cased: HTTP field names are case-insensitive
  ParamLocation in = ParamLocation::kQuery;
  bool required = false;
  ParamStyle style = ParamStyle::kForm;
  bool explode = true;
  ValueShape shape = ValueShape::kString;
  ValueShape item_shape = ValueShape::kString;  // for arrays
  bool json_encoded = false;  // declared with `content: application/json`: the text is JSON
  // deepObject parameters: the type of each property, for coercion.
  std::map<std::string, ValueShape> property_shapes;
  std::shared_ptr<const validate::CompiledSchema> schema;  // null: anything goes
  std::optional<nlohmann::json> default_value;
};

// A field of an application/x-www-form-urlencoded body: the JSON type its text is coerced to.
// An array field takes every occurrence of its name (explode, the default), or one occurrence
// split at `separator` (explode: false).
struct FormField {
  ValueShape shape = ValueShape::kString;
  ValueShape item_shape = ValueShape::kString;  // for arrays
  bool explode = true;
  char separator = ',';
  // multipart/form-data only: a file part (format: binary, contentMediaType or
  // contentEncoding; an array of them takes several), at most `max_bytes` each (the schema's
  // maxLength; 0: the body limit only), of one of `content_types` (the encoding's contentType;
  // empty: any).
  bool is_file = false;
  size_t max_bytes = 0;
  std::vector<std::string> content_types;
};

struct BodyMediaType {
  std::string media_type;  // lower-case, without parameters; may be a range like "application/*"
  bool is_json = false;
  // application/x-www-form-urlencoded with an object schema: read into a JSON object (its
  // declared properties coerced by form_fields, others kept as text) and validated like JSON.
  bool is_form = false;
  // multipart/form-data with an object schema: read the same way, part by part; file parts
  // are checked for size and type and stand in the object as "" (their bytes are forwarded,
  // never stored).
  bool is_multipart = false;
  bool has_file_fields = false;
  std::map<std::string, FormField> form_fields;
  // null when neither JSON nor a form, or without a schema
  std::shared_ptr<const validate::CompiledSchema> schema;
};

struct RequestBody {
  bool required = false;
  std::vector<BodyMediaType> media_types;
};

// kUpdateMany, kDeleteMany: a merge patch to, or a delete of, every item a filter selects on the
// collection path; only where x-apiserver-crud names them.
enum class CrudAction {
  kNone,
  kList,
  kCreate,
  kRead,
  kReplace,
  kUpdate,
  kDelete,
  kUpdateMany,
  kDeleteMany
};

const char* to_string(CrudAction action);

enum class ColumnType { kInteger, kReal, kText, kBoolean, kJson };

// One stored property.
struct Column {
  std::string property;  // JSON name
  std::string name;      // SQL column name (quoted when used)
  ColumnType type = ColumnType::kText;
  bool not_null = false;
  bool read_only = false;
  bool write_only = false;
  bool nullable = false;  // the schema allows null
  bool in_schema = true;  // false for an implicit key the schema does not show
  // The row version the store keeps (a fresh random number at every write), behind ETag; never
  // shown, never taken from a client.
  bool version = false;
  std::optional<nlohmann::json> default_value;
  // Whether a list may filter and sort by it: every filterable() property, unless the resource
  // names them (x-apiserver-filter, x-apiserver-sort); then only those.
  bool filter_allowed = true;
  bool sort_allowed = true;
  // The table has an index on (this column, key): declared filter and sort properties get one.
  bool indexed = false;

  // What answers show: properties of the schema, but not write-only ones.
  bool shown() const { return in_schema && !write_only; }
  // What a stored list may filter and sort by at all: shown, scalar properties.
  bool filterable() const { return shown() && type != ColumnType::kJson; }
  bool can_filter() const { return filterable() && filter_allowed; }
  bool can_sort() const { return filterable() && sort_allowed; }
};

enum class KeyKind { kInteger, kUuid, kString };

struct Resource;

// What deleting a row does to the rows holding its key (x-apiserver-on-parent-delete,
// x-apiserver-references).
enum class OnDelete { kRestrict, kCascade };

// Rows that hold a resource's key in `column`: a nested collection's children, or the rows of a
// property that references it.
struct Dependent {
  const Resource* resource = nullptr;
  size_t column = 0;
  OnDelete on_delete = OnDelete::kRestrict;
};

// A property holding the key of a row of `target` (x-apiserver-references).
struct Reference {
  size_t column = 0;
  const Resource* target = nullptr;
};

struct ParentLink {
  const Resource* resource = nullptr;
  size_t column = 0;  // the child's column holding its parent's key
  OnDelete on_delete = OnDelete::kRestrict;
};

// A readOnly property an answer fills only when asked (`embed=NAME`), never stored: the row a
// reference names (author, for authorId), or a nested collection's children (comments).
struct Embed {
  std::string name;    // the property
  std::string member;  // its opening as a JSON member, quoted once: "author":
  const Resource* target = nullptr;
  // A reference: the holder's column with the target's key. Children: the child's column with
  // the holder's key.
  size_t column = 0;
  bool children = false;
};

// The deepest `embed` reaches: comments.author.posts.
inline constexpr size_t kMaxEmbedDepth = 3;

// A schema stored as a table.
struct Resource {
  std::string name;   // schema or collection name, for messages
  std::string table;  // SQL table name
  std::vector<Column> columns;
  size_t key = 0;  // index of the key column
  KeyKind key_kind = KeyKind::kInteger;
  // x-apiserver-key {property, from}: the text property whose slug is the key of an item created
  // without one ("title": "Hello World" -> "hello-world"); empty: none.
  std::string key_from;
  int version_column = -1;  // index of the row version column; -1: none
  // x-apiserver-if-match: required: replace, update and delete need If-Match (else 428).
  bool if_match_required = false;
  std::string collection_path;  // "/todos", for Location and Link headers
  // Nested collections: the parent (none for a top-level one), and the resources nested here.
  std::optional<ParentLink> parent;
  std::vector<const Resource*> children;
  // What a write checks: every non-null reference names a row of its target.
  std::vector<Reference> references;
  // What a delete looks at first: the rows holding this one's key, children included.
  std::vector<Dependent> dependents;
  // What `embed` may ask for (x-apiserver-embed rules in specs/storage.md, "Embedding").
  std::vector<Embed> embeds;
  // Validates a whole item as a client sends it (readOnly not required).
  std::shared_ptr<const validate::CompiledSchema> item_schema;

  const Column& key_column() const { return columns[key]; }
  // Index of the column for `property`, or -1.
  int column_of(const std::string& property) const;
  // Rows loaded into the table when it is created (x-apiserver-seed).
  std::vector<nlohmann::json> seed_rows;
  // x-apiserver-owner: the column stamped with the caller's identity (-1: not owned), and who
  // sees every row.
  int owner_column = -1;
  std::vector<std::string> owner_admins;
  std::string owner_admin_scope;

  bool owned() const { return owner_column >= 0; }
  // The properties the server writes the time into (compile/time_stamps.hpp), RFC 3339 UTC:
  // `created` at an item's first write, `updated` at every write. Empty: none.
  std::string created_property;
  std::string updated_property;
  int created_column = -1;  // created_property's column (-1: none)
  // Properties answered as mocks, not stored (x-apiserver-mock: true on the property): each
  // answer holds the value generated once at start-up (compile/mocked_properties.hpp).
  struct MockedProperty {
    std::string name;
    nlohmann::json value;
  };
  std::vector<MockedProperty> mocked_properties;
  // x-apiserver-search: the text columns `q=` searches (an FTS5 index over them); empty: none.
  std::vector<size_t> search_columns;
};

// Mock knobs: an answer delay (uniform in [min, max]) and a share of answers
// replaced by a declared error, for testing a client's patience and its
// error paths.
struct MockKnobs {
  std::chrono::milliseconds delay_min{0};
  std::chrono::milliseconds delay_max{0};
  double error_rate = 0;
};

struct CorsSettings {
  bool enabled = false;
  std::vector<std::string> allow_origins;  // "*" allows any
  std::vector<std::string> allow_headers;  // empty: whatever the preflight asks for
  std::vector<std::string> expose_headers;
  bool allow_credentials = false;
  long long max_age_seconds = 600;
};

struct ListSettings {
  long long default_limit = 20;
  long long max_limit = 100;
};

// Where the server's own endpoints live; an empty path turns one off.
struct EndpointPaths {
  std::string health = "/healthz";
  std::string ready = "/readyz";
  std::string metrics = "/metrics";
  std::string openapi = "/openapi";  // serves OPENAPI.json and OPENAPI.yaml
  // Swagger UI and ReDoc pages for OPENAPI.json, their files below them (DOCS/NAME); off
  // whenever `openapi` is.
  std::string docs = "/docs";
  std::string redoc = "/redoc";
};

// The files the docs pages load from below their own path, besides the page itself.
inline constexpr const char* kSwaggerUiFiles[] = {"swagger-ui-bundle.js", "swagger-ui.css",
                                                  "swagger-init.js"};
inline constexpr const char* kRedocFiles[] = {"redoc.standalone.js", "redoc-init.js"};

// Where the docs page at `page` serves `file`.
inline std::string docs_file_path(const std::string& page, const char* file) {
  return page + (page.back() == '/' ? "" : "/") + file;
}

// Server-wide settings from `x-apiserver` at the document root.
struct Settings {
  std::string database;  // SQLite file; empty: derived from the spec name
  bool mock_only = false;
  size_t max_body_bytes = 1024 * 1024;
  // How long a stored list may read before it answers 503 (limits.query-time).
  std::chrono::milliseconds query_time_limit{5000};
  bool refuse_read_only = false;  // readOnly properties in input: refused, else ignored
  ListSettings list;
  MockKnobs mock;  // defaults for every mocked operation
  CorsSettings cors;
  EndpointPaths endpoints;
};

// One answer a mocked operation can give, precomputed from the document.
struct MockBody {
  std::string name;  // example name; empty for the unnamed `example`
  std::string text;
};

struct MockContent {
  std::string media_type;
  bool is_json = false;
  spec::NodeRef schema;            // for Prefer: dynamic=true (may be invalid)
  std::vector<MockBody> examples;  // named and unnamed examples, in document order
  std::string default_body;        // the deterministic answer
};

struct MockHeader {
  std::string name;
  std::string value;
};

struct MockResponse {
  std::string declared;               // "200", "4XX" or "default", as in the document
  int status = 200;                   // what is sent when this response is picked
  std::vector<MockContent> contents;  // empty: no body
  std::vector<MockHeader> headers;
};

struct MockPlan {
  std::vector<MockResponse> responses;
  size_t default_response = 0;  // index of the lowest 2xx (else the first declared)
  MockKnobs knobs;
  uint64_t seed = 0;  // of the generated answers; dynamic=true draws a new one
};

inline constexpr size_t kMaxRateLimitsPerOperation = 8;

// What a rate limit counts requests by.
enum class RateLimitKey { kIp, kIdentity, kHeader, kGlobal };

// One declared rate-limit policy: `requests` per `per`, up to `burst` at once (GCRA). Every
// operation the declaration covers shares its budget.
struct RateLimitPolicy {
  std::string name;  // for the RateLimit fields: "default", "todos-post", ...
  long long requests = 0;
  std::chrono::milliseconds per{0};
  long long burst = 0;
  RateLimitKey key = RateLimitKey::kIp;
  std::string header;        // kHeader: the header name, lower-case
  size_t max_keys = 100000;  // clients tracked at once; idle ones are dropped first
};

// x-apiserver.rate-limit-store: a Redis server that holds every policy's state, so that
// several instances together admit what one would. Absent: each process counts alone.
struct SharedRateLimitStore {
  std::string shown;  // the URL as logged: the password replaced by ***
  std::string host;   // TCP; empty when `socket` is set
  int port = 6379;
  std::string socket;                      // a Unix socket path (unix:///path)
  std::string user;                        // Redis 6 ACL user; empty: the default user
  std::string password;                    // empty: no AUTH
  int database = 0;                        // SELECT
  std::chrono::milliseconds timeout{250};  // connecting, and each round trip
  bool admit_when_unreachable = true;      // else 503 with Retry-After
  std::string key_prefix = "apiserver:rl:";
};

// An address range (CIDR) whose peers may set X-Forwarded-For / Forwarded.
struct AddressRange {
  std::array<unsigned char, 16> address{};  // IPv4 as IPv4-mapped IPv6
  int prefix = 128;
};

// The header trusted proxies record the client in. Only that one is read: a proxy appends to
// the header it writes and passes the other through as the client sent it.
enum class ForwardedHeader { kXForwardedFor, kForwarded };

struct TrustedProxies {
  std::vector<AddressRange> ranges;
  ForwardedHeader header = ForwardedHeader::kXForwardedFor;
};

// A backend an operation is forwarded to (x-apiserver: {upstream}, x-apiserver-upstream on a
// Path Item or an Operation). One declaration is one upstream: the operations it covers share
// its bound on requests in flight.
struct Upstream {
  std::string url;           // scheme://host[:port][/base path], without a trailing slash
  std::string strip_prefix;  // removed from the start of the request path before it is appended
  std::chrono::milliseconds connect_timeout{2000};
  // The whole exchange, connect included; for a streamed answer, until its head is in.
  std::chrono::milliseconds timeout{30000};
  // The whole exchange of a streamed answer (one without a Content-Length, or an event
  // stream): past it the stream is cut.
  std::chrono::milliseconds max_stream_duration{300000};
  int max_in_flight = 256;        // more at once are answered 503
  std::string identity_header;    // carries the authenticated caller's subject; empty: none
  bool pass_credentials = false;  // the caller's credentials go on as sent (else removed)
  // PEM certificates an https upstream's certificate must chain to (ca-file, read at load);
  // none: the system's.
  std::shared_ptr<const std::string> ca_certificates;
  std::string declared_at;  // "file:line", for logs and `apiserver routes`
};

// How one operation is forwarded: its upstream, and what of the request must not reach it.
struct Forwarding {
  std::shared_ptr<const Upstream> upstream;
  // The credentials the operation's security schemes read, removed unless pass_credentials:
  // header names (lower-case) and query parameter names, and cookie names.
  std::vector<std::string> credential_headers;
  std::vector<std::string> credential_query;
  std::vector<std::string> credential_cookies;
};

// What is done with an answer that breaks the responses its operation declares.
enum class ResponseCheck {
  kOff,
  kReport,   // sent as it is, flagged, logged and counted
  kEnforce,  // replaced: a forwarded answer by a 502, any other by a 500, listing what is wrong
};

// One declared response, as answers are checked against it.
struct DeclaredContent {
  std::string media_type;  // lower-case, without parameters; may be "type/*" or "*/*"
  bool is_json = false;
  std::shared_ptr<const validate::CompiledSchema> schema;  // null: any body
};
struct DeclaredResponse {
  std::string declared;                       // "200", "2XX" or "default", as in the document
  std::vector<DeclaredContent> contents;      // empty: no body
  std::vector<std::string> required_headers;  // lower-case
};
struct ResponseContract {
  ResponseCheck check = ResponseCheck::kReport;
  std::vector<DeclaredResponse> responses;
};

// One scheme of a security requirement, with the scopes it must carry.
struct RequiredScheme {
  size_t scheme = 0;  // index into auth::Schemes::schemes
  std::vector<std::string> scopes;
};
// Every scheme of a requirement must succeed.
using SecurityRequirement = std::vector<RequiredScheme>;

// A stored operation's bodies that wrap the item in one property ({"article": {...}}), or a
// list in one array property with its count ({"articles": [...], "articlesCount": 2}).
struct Envelope {
  std::string request;   // the request body's wrapping property; empty: the item itself
  std::string response;  // the answer's wrapping (or list) property; empty: the item itself
  std::string count;     // lists: the property holding the total; empty: none
  // What answers are written with, quoted once: {"article":  and  ,"articlesCount":
  std::string response_opening;
  std::string count_member;
};

struct Operation {
  int index = -1;      // position in Api::operations
  std::string method;  // upper-case
  std::string path_template;
  std::string operation_id;
  std::string summary;
  std::vector<Parameter> parameters;
  std::optional<RequestBody> body;
  CrudAction crud = CrudAction::kNone;
  const Resource* resource = nullptr;
  std::string key_parameter;  // item actions: the path parameter holding the key
  // Nested collections: the path parameters holding the keys of the resource's parent, its
  // parent's parent and so on (the parent first).
  std::vector<std::string> lineage_parameters;
  Envelope envelope;              // stored operations (envelopes.hpp)
  std::string not_stored_reason;  // why `crud` is kNone, for `apiserver routes`
  int success_status = 200;       // the first 2xx response declared
  // A stored create whose body may be an array of items, stored all or none (batch_creates.hpp).
  bool batch_create = false;
  // update-many, delete-many: the success answer is the array of the items written (else none).
  bool answers_items = false;
  bool declares_no_content = false;  // a 204 (or 2XX) response: Prefer: return=minimal may apply
  std::vector<std::string> response_media_types;  // of 2xx responses
  spec::NodeRef node;                             // the Operation Object, for mocks and docs
  std::optional<MockPlan> mock;                   // how it answers when it is not stored
  // Alternatives: any one requirement suffices. Empty, or holding an empty requirement: public.
  std::vector<SecurityRequirement> security;
  // Indices into Api::rate_limits of the policies a request must all pass (at most
  // kMaxRateLimitsPerOperation), and the RateLimit-Policy field that describes them.
  std::vector<size_t> rate_limits;
  std::string rate_limit_policy_field;
  // How the errors the server raises are answered, as the operation declares them; null when
  // it declares no error response (every error is then problem+json).
  std::shared_ptr<const ErrorPlan> errors;
  // Set when the operation is answered by a backend rather than stored or mocked.
  std::optional<Forwarding> forwarding;
  // How its answers are checked against its declared responses; null: they are not.
  std::shared_ptr<const ResponseContract> response_contract;

  bool stored() const { return resource != nullptr && crud != CrudAction::kNone; }
};

// A path template and the operations declared on it.
struct PathItem {
  std::string path_template;
  std::vector<Operation> operations;
  std::string allow;  // value of the Allow header: declared methods plus HEAD and OPTIONS
  const Operation* find(const std::string& method) const;
};

struct Api {
  std::shared_ptr<const spec::Document> document;
  Settings settings;
  std::vector<std::unique_ptr<Resource>> resources;
  std::vector<PathItem> paths;
  std::vector<const Operation*> operations;   // every operation, by Operation::index
  route::Router router;                       // matches a request path to an index into `paths`
  std::shared_ptr<const auth::Schemes> auth;  // the document's security schemes (may be null)
  std::vector<RateLimitPolicy> rate_limits;
  std::optional<SharedRateLimitStore> rate_limit_store;
  TrustedProxies trusted_proxies;
};

}  // namespace apiserver::model
