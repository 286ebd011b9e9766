// Unit tests of reading declared parameters from a request: coerce_text (text to the schema's
// type), and read_parameters on a compiled document for path, query, header and cookie values,
// the array styles (form exploded or not, spaceDelimited, pipeDelimited, simple), deepObject,
// JSON-encoded content, defaults, required parameters and schema errors.
#include "pipeline/parameters.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "http/uri.hpp"
#include "unit/compile/compiled_document.hpp"

namespace apiserver::pipeline {
namespace {

using compile::testing::Compiled;
using model::ParamLocation;
using model::ValueShape;
using HeaderList = std::vector<std::pair<std::string, std::string>>;

// --- coerce_text -------------------------------------------------------------------------

struct CoerceRow {
  const char* sentence;
  const char* text;
  ValueShape shape;
  const char* json;  // the dump of the coerced value: 1 and 1.0 differ
};

TEST(CoerceText, TurnsTextIntoTheSchemaTypeOnlyWhenItParsesWhole) {
  const CoerceRow rows[] = {
      {"digits become an integer", "42", ValueShape::kInteger, "42"},
      {"a minus sign is part of an integer", "-7", ValueShape::kInteger, "-7"},
      {"leading zeros are read as decimal", "007", ValueShape::kInteger, "7"},
      {"the largest int64 is an integer", "9223372036854775807", ValueShape::kInteger,
       "9223372036854775807"},
      {"an integer past int64 stays text", "9223372036854775808", ValueShape::kInteger,
       R"("9223372036854775808")"},
      {"more than 20 characters stay text", "000000000000000000001", ValueShape::kInteger,
       R"("000000000000000000001")"},
      {"a plus sign keeps an integer text", "+7", ValueShape::kInteger, R"("+7")"},
      {"a lone minus sign stays text", "-", ValueShape::kInteger, R"("-")"},
      {"an empty integer stays text", "", ValueShape::kInteger, R"("")"},
      {"a decimal point keeps an integer text", "4.0", ValueShape::kInteger, R"("4.0")"},
      {"a blank keeps an integer text", " 4", ValueShape::kInteger, R"(" 4")"},
      {"a decimal becomes a number", "1.5", ValueShape::kNumber, "1.5"},
      {"an exponent becomes a number", "1e3", ValueShape::kNumber, "1000.0"},
      {"a number without a fraction stays an integer", "10", ValueShape::kNumber, "10"},
      {"a negative number is read", "-0.25", ValueShape::kNumber, "-0.25"},
      {"a fraction without a leading digit is read", ".5", ValueShape::kNumber, "0.5"},
      {"a number too large for a double stays text", "1e999", ValueShape::kNumber, R"("1e999")"},
      {"nan stays text", "nan", ValueShape::kNumber, R"("nan")"},
      {"infinity stays text", "inf", ValueShape::kNumber, R"("inf")"},
      {"a leading blank keeps a number text", " 1.5", ValueShape::kNumber, R"(" 1.5")"},
      {"trailing text keeps a number text", "1.5x", ValueShape::kNumber, R"("1.5x")"},
      {"an empty number stays text", "", ValueShape::kNumber, R"("")"},
      {"hexadecimal stays text", "0x10", ValueShape::kNumber, R"("0x10")"},
      {"true becomes a boolean", "true", ValueShape::kBoolean, "true"},
      {"false becomes a boolean", "false", ValueShape::kBoolean, "false"},
      {"a capital True stays text", "True", ValueShape::kBoolean, R"("True")"},
      {"1 is not a boolean", "1", ValueShape::kBoolean, R"("1")"},
      {"a string stays a string even when it looks like a number", "42", ValueShape::kString,
       R"("42")"},
      {"an array shape leaves the text alone", "1,2", ValueShape::kArray, R"("1,2")"},
      {"an object shape leaves the text alone", "a", ValueShape::kObject, R"("a")"},
      {"any shape leaves the text alone", "true", ValueShape::kAny, R"("true")"},
  };
  for (const CoerceRow& row : rows) {
    SCOPED_TRACE(row.sentence);
    EXPECT_EQ(coerce_text(row.text, row.shape).dump(), row.json);
  }
}

// --- read_parameters ---------------------------------------------------------------------

const char* const kDocument = R"(openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /items/{id}:
    get:
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer, minimum: 1}}
        - {name: limit, in: query, schema: {type: integer, maximum: 100, default: 20}}
        - {name: ratio, in: query, schema: {type: number}}
        - {name: flag, in: query, schema: {type: boolean}}
        - {name: word, in: query, schema: {type: string}}
        - {name: tags, in: query, schema: {type: array, items: {type: string}}}
        - {name: ids, in: query, explode: false, schema: {type: array, items: {type: integer}}}
        - name: spaced
          in: query
          style: spaceDelimited
          schema: {type: array, items: {type: integer}}
        - name: piped
          in: query
          style: pipeDelimited
          schema: {type: array, items: {type: integer}}
        - name: filter
          in: query
          style: deepObject
          schema:
            type: object
            properties: {min: {type: integer}, name: {type: string}}
        - name: where
          in: query
          content: {application/json: {schema: {type: object, required: [a]}}}
        - {name: X-Trace, in: header, required: true, schema: {type: string}}
        - {name: x-sizes, in: header, schema: {type: array, items: {type: integer}}}
        - {name: x-count, in: header, schema: {type: integer}}
        - {name: session, in: cookie, schema: {type: string, minLength: 3}}
        - {name: theme, in: cookie, schema: {type: string, default: light}}
      responses:
        '200': {description: ok}
  /pairs/{a}/{b}:
    get:
      parameters:
        - {name: a, in: path, required: true, schema: {type: array, items: {type: integer}}}
        - {name: b, in: path, required: true, schema: {type: boolean}}
      responses:
        '200': {description: ok}
)";

// What read_parameters found: the values, and each error as "in name pointer: detail".
struct Read {
  ParameterValues values;
  std::vector<std::string> errors;

  std::string value(ParamLocation in, const std::string& name) const {
    const nlohmann::json* found = values.find(in, name);
    return found == nullptr ? "<absent>" : found->dump();
  }
};

class ReadParameters : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    compiled_ = new Compiled(compile::testing::compile_text(kDocument));
  }
  static void TearDownTestSuite() {
    delete compiled_;
    compiled_ = nullptr;
  }

  // Reads the parameters of GET /items/{id} with `id`, the raw query `query` and `headers`
  // (names lower-case, as the parser leaves them).
  Read read(const std::string& id, const std::string& query,
            const HeaderList& headers = {{"x-trace", "t1"}}) {
    return read_operation("/items/{id}", {"id"}, {id}, query, headers);
  }

  Read read_operation(const std::string& path_template, const std::vector<std::string>& names,
                      const std::vector<std::string>& values, const std::string& query,
                      const HeaderList& headers) {
    Read r;
    const model::Operation* op = compiled_->op("GET", path_template);
    EXPECT_NE(op, nullptr) << compiled_->messages();
    if (op == nullptr) return r;
    http::QueryParams params;
    EXPECT_TRUE(http::parse_query(query, params)) << query;
    http::Request request;
    request.method = "GET";
    request.headers = headers;
    RawParameters raw;
    raw.path_names = &names;
    raw.path_values = &values;
    raw.query = &params;
    raw.request = &request;
    std::vector<FieldError> errors;
    read_parameters(*op, raw, r.values, errors);
    for (const FieldError& e : errors)
      r.errors.push_back(std::string(to_string(e.source)) + " " + e.name + " " + e.pointer + ": " +
                         e.detail);
    return r;
  }

  static Compiled* compiled_;
};

Compiled* ReadParameters::compiled_ = nullptr;

TEST_F(ReadParameters, CompilesTheDocumentWithoutErrors) {
  EXPECT_FALSE(compiled_->diagnostics.has_errors()) << compiled_->messages();
}

struct QueryRow {
  const char* sentence;
  const char* query;
  const char* name;   // the query parameter looked at
  const char* value;  // its dump, or <absent>
  std::vector<std::string> errors;
};

TEST_F(ReadParameters, ReadsQueryValuesByTheirTypeAndStyle) {
  const QueryRow rows[] = {
      {"an integer is coerced", "limit=5", "limit", "5", {}},
      {"an absent parameter takes its default", "", "limit", "20", {}},
      {"an absent parameter without default stays absent", "", "ratio", "<absent>", {}},
      {"a repeated scalar keeps the last value", "limit=5&limit=7", "limit", "7", {}},
      {"a number is coerced", "ratio=0.5", "ratio", "0.5", {}},
      {"a boolean is coerced", "flag=true", "flag", "true", {}},
      {"a string that looks like a number stays a string", "word=12", "word", R"("12")", {}},
      {"a percent-decoded string is kept as decoded", "word=a%20b+c", "word", R"("a b c")", {}},
      {"an exploded form array collects every repetition",
       "tags=a&tags=b,c",
       "tags",
       R"(["a","b,c"])",
       {}},
      {"a single exploded value is an array of one", "tags=x", "tags", R"(["x"])", {}},
      {"an unexploded form array splits on commas and coerces items",
       "ids=1,2,3",
       "ids",
       "[1,2,3]",
       {}},
      {"an unexploded form array keeps empty items as text",
       "ids=1,,3",
       "ids",
       "<absent>",
       {"query ids /1: must be an integer"}},
      {"a spaceDelimited array splits on spaces", "spaced=1%202%203", "spaced", "[1,2,3]", {}},
      {"a spaceDelimited array also splits a plus", "spaced=4+5", "spaced", "[4,5]", {}},
      {"a pipeDelimited array splits on pipes", "piped=1|2", "piped", "[1,2]", {}},
      {"a deepObject collects its bracketed properties with their types",
       "filter[min]=3&filter[name]=x",
       "filter",
       R"({"min":3,"name":"x"})",
       {}},
      {"a deepObject property the schema lacks is kept as text",
       "filter[extra]=5",
       "filter",
       R"({"extra":"5"})",
       {}},
      {"a deepObject needs a property name inside the brackets",
       "filter[]=5&filter=7",
       "filter",
       "<absent>",
       {}},
      {"JSON content is parsed", R"(where={"a":1})", "where", R"({"a":1})", {}},
      {"JSON content that is not JSON is refused",
       "where={a",
       "where",
       "<absent>",
       {"query where : is not valid JSON"}},
      {"JSON content is validated against its schema",
       R"(where={"b":1})",
       "where",
       "<absent>",
       {"query where /a: is required"}},
      {"an integer over the maximum is refused and not kept",
       "limit=500",
       "limit",
       "<absent>",
       {"query limit : must be <= 100"}},
      {"text where an integer belongs is refused",
       "limit=ten",
       "limit",
       "<absent>",
       {"query limit : must be an integer"}},
      {"a boolean written otherwise is refused",
       "flag=yes",
       "flag",
       "<absent>",
       {"query flag : must be a boolean"}},
  };
  for (const QueryRow& row : rows) {
    SCOPED_TRACE(row.sentence);
    Read r = read("1", row.query);
    EXPECT_EQ(r.errors, row.errors);
    EXPECT_EQ(r.value(ParamLocation::kQuery, row.name), row.value);
  }
}

TEST_F(ReadParameters, ReadsThePathParameterAsItsType) {
  Read r = read("17", "");
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.value(ParamLocation::kPath, "id"), "17");
}

TEST_F(ReadParameters, RefusesAPathParameterBreakingItsSchema) {
  EXPECT_EQ(read("0", "").errors, std::vector<std::string>{"path id : must be >= 1"});
  EXPECT_EQ(read("abc", "").errors, std::vector<std::string>{"path id : must be an integer"});
}

TEST_F(ReadParameters, SplitsASimplePathArrayOnCommas) {
  Read r = read_operation("/pairs/{a}/{b}", {"a", "b"}, {"1,2", "true"}, "", {});
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.value(ParamLocation::kPath, "a"), "[1,2]");
  EXPECT_EQ(r.value(ParamLocation::kPath, "b"), "true");
}

TEST_F(ReadParameters, RefusesAMissingRequiredHeader) {
  Read r = read("1", "", {});
  EXPECT_EQ(r.errors, std::vector<std::string>{"header x-trace : is required"});
  EXPECT_EQ(r.value(ParamLocation::kHeader, "x-trace"), "<absent>");
}

TEST_F(ReadParameters, ReadsAHeaderByItsLowerCaseName) {
  Read r = read("1", "", {{"x-trace", "abc"}, {"x-count", "3"}});
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.value(ParamLocation::kHeader, "x-trace"), R"("abc")");
  EXPECT_EQ(r.value(ParamLocation::kHeader, "x-count"), "3");
}

TEST_F(ReadParameters, JoinsARepeatedHeaderWithCommasBeforeReadingIt) {
  Read r = read("1", "", {{"x-trace", "a"}, {"x-sizes", "1, 2"}, {"x-sizes", " 3 "}});
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.value(ParamLocation::kHeader, "x-sizes"), "[1,2,3]");
}

TEST_F(ReadParameters, JoinsARepeatedScalarHeaderIntoOneValue) {
  Read r = read("1", "", {{"x-trace", "a"}, {"x-trace", "b"}});
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.value(ParamLocation::kHeader, "x-trace"), R"("a, b")");
}

TEST_F(ReadParameters, ReadsACookieFromAnyCookieHeader) {
  Read r =
      read("1", "", {{"x-trace", "t"}, {"cookie", "a=1; session = abcd ;b=2"}, {"cookie", "c=3"}});
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.value(ParamLocation::kCookie, "session"), R"("abcd")");
}

TEST_F(ReadParameters, GivesAnAbsentCookieItsDefault) {
  Read r = read("1", "", {{"x-trace", "t"}, {"cookie", "theme_x=dark"}});
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.value(ParamLocation::kCookie, "theme"), R"("light")");
  EXPECT_EQ(r.value(ParamLocation::kCookie, "session"), "<absent>");
}

TEST_F(ReadParameters, RefusesACookieBreakingItsSchema) {
  Read r = read("1", "", {{"x-trace", "t"}, {"cookie", "session=ab"}});
  EXPECT_EQ(r.errors,
            std::vector<std::string>{"cookie session : must be at least 3 characters long"});
}

TEST_F(ReadParameters, ReportsEveryBadParameterAtOnceInDeclarationOrder) {
  Read r = read("x", "limit=big&flag=no", {});
  EXPECT_EQ(r.errors, (std::vector<std::string>{
                          "path id : must be an integer",
                          "query limit : must be an integer",
                          "query flag : must be a boolean",
                          "header x-trace : is required",
                      }));
}

}  // namespace
}  // namespace apiserver::pipeline
