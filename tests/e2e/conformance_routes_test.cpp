// The real binary on the thirty conformance documents (tests/conformance/openapi, README there):
// `apiserver routes DOC` exits 0 and prints one line per operation, as many as the document has
// get|put|post|delete|patch|head|options|trace keys under `paths`; `apiserver validate DOC`
// exits 0 and reports the same number. Each command must finish within the 30 s the helper
// allows; the time each took is printed, but not asserted: under a loaded `ctest --parallel` a
// bound on speed only measures the machine (timings belong to bench/).
//
// The expected counts were computed with PyYAML from the same files (this executable does not
// link a YAML parser); for the JSON documents they are recomputed here with nlohmann::json, and
// the printed route set (METHOD path) must equal the one read from the file.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/conformance_documents.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

namespace fs = std::filesystem;

const std::map<std::string, size_t>& kExpected = expected_operation_counts();

std::string param_name(const testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// "METHOD path" of every operation of a JSON document, read with nlohmann::json.
std::multiset<std::string> json_document_routes(const std::string& path) {
  std::ifstream in(path);
  nlohmann::json doc = nlohmann::json::parse(in);
  std::multiset<std::string> routes;
  if (!doc.contains("paths")) return routes;
  for (const auto& [p, item] : doc["paths"].items()) {
    for (const auto& [key, value] : item.items()) {
      (void)value;
      if (is_openapi_method(key)) routes.insert(upper(key) + " " + p);
    }
  }
  return routes;
}

struct Timed {
  RunResult result;
  std::chrono::milliseconds elapsed;
};

Timed run_timed(std::vector<std::string> args) {
  auto start = std::chrono::steady_clock::now();
  // The helper kills the command and throws after this limit, which is there for a hang only:
  // the large documents under AddressSanitizer on a busy machine took over 30 s.
  RunResult result = ServerProcess::run(std::move(args), std::chrono::seconds(120));
  return {std::move(result), std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::steady_clock::now() - start)};
}

class ConformanceRoutes : public testing::TestWithParam<std::string> {};

TEST_P(ConformanceRoutes, RoutesPrintsOneLinePerOperation) {
  const std::string& relative = GetParam();
  ASSERT_TRUE(kExpected.count(relative)) << relative << " is not in kExpected";
  const size_t expected = kExpected.at(relative);
  const std::string path = conformance_openapi_root() + "/" + relative;

  Timed routes = run_timed({"routes", path});
  EXPECT_EQ(routes.result.exit_code, 0) << routes.result.err;
  EXPECT_EQ(routes.result.err, "") << "routes is quiet about warnings";

  static const std::regex kRouteLine(R"(^(GET|PUT|POST|DELETE|PATCH|HEAD|OPTIONS|TRACE)\s+(\S+))");
  std::multiset<std::string> printed;
  std::istringstream lines(routes.result.out);
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (std::regex_search(line, m, kRouteLine)) printed.insert(m[1].str() + " " + m[2].str());
  }
  EXPECT_EQ(printed.size(), expected) << routes.result.out;
  if (fs::path(relative).extension() == ".json") {
    const std::multiset<std::string> oracle = json_document_routes(path);
    EXPECT_EQ(oracle.size(), expected) << "kExpected disagrees with the JSON file";
    EXPECT_EQ(printed, oracle);
  }

  Timed validate = run_timed({"validate", path});
  // Documents with constructs validate refuses: what it must say, and how many errors in all.
  struct Refusal {
    std::vector<std::string> says;
    int errors;
  };
  static const std::map<std::string, Refusal> kRefused = {
      {"real-world-large/box-openapi.json",
       {{"error: array parameter 'mdfilters' has object items, which no parameter style "
         "serializes; its items are taken as strings",
         "error: path '/files/{file_id}#add_shared_link' contains '#', which begins a URI "
         "fragment"},
        1 + 19}},  // mdfilters, and 19 path keys with a '#fragment'
  };
  if (auto refused = kRefused.find(relative); refused != kRefused.end()) {
    EXPECT_EQ(validate.result.exit_code, 1) << validate.result.out << validate.result.err;
    for (const std::string& message : refused->second.says)
      EXPECT_NE(validate.result.out.find(message), std::string::npos) << validate.result.out;
    const std::regex errors(": " + std::to_string(refused->second.errors) +
                            R"( error\(s\), \d+ warning\(s\))");
    EXPECT_TRUE(std::regex_search(validate.result.out, errors)) << validate.result.out;
  } else {
    EXPECT_EQ(validate.result.exit_code, 0) << validate.result.out << validate.result.err;
    static const std::regex kSummary(R"(: OK, OpenAPI (3\.[01]\.\d+), (\d+) operation\(s\))");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(validate.result.out, m, kSummary)) << validate.result.out;
    EXPECT_EQ(std::stoul(m[2].str()), expected);
    EXPECT_EQ(validate.result.out.find(": error:"), std::string::npos) << validate.result.out;
  }

  std::cout << "[  routes  ] " << relative << ": " << printed.size() << " route line(s), routes "
            << routes.elapsed.count() << " ms, validate " << validate.elapsed.count() << " ms\n";
}

INSTANTIATE_TEST_SUITE_P(OpenApi, ConformanceRoutes, testing::ValuesIn(conformance_documents()),
                         param_name);

TEST(ConformanceRoutesData, ThirtyDocuments) {
  const std::vector<std::string> documents = conformance_documents();
  EXPECT_EQ(documents.size(), 32u);
  EXPECT_EQ(documents.size(), kExpected.size());
  for (const std::string& d : documents) EXPECT_TRUE(kExpected.count(d)) << d;
}

}  // namespace
}  // namespace apiserver::test
