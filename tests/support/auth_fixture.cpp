#include "support/auth_fixture.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "support/jwt_signer.hpp"

namespace apiserver::test {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string render_fixture(const TempDir& dir, std::string_view fixture,
                           const std::map<std::string, std::string>& vars) {
  std::string text = read_text(test_data_path("e2e/specs/" + std::string(fixture)));
  std::map<std::string, std::string> all = vars;
  all.emplace("DIR", dir.path());
  for (const auto& [name, value] : all) {
    const std::string placeholder = "@" + name + "@";
    for (size_t at = text.find(placeholder); at != std::string::npos;
         at = text.find(placeholder, at + value.size()))
      text.replace(at, placeholder.size(), value);
  }
  // Placeholders are upper-case words between @ signs; anything left means a missing value.
  for (size_t at = text.find('@'); at != std::string::npos; at = text.find('@', at + 1)) {
    size_t end = text.find('@', at + 1);
    if (end == std::string::npos) break;
    std::string name = text.substr(at + 1, end - at - 1);
    bool placeholder =
        !name.empty() &&
        name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789") == std::string::npos;
    if (placeholder) throw std::runtime_error("render_fixture: no value for @" + name + "@");
  }
  return write_file(dir, fixture, text);
}

std::pair<std::string, std::string> bearer(std::string_view token) {
  return {"Authorization", "Bearer " + std::string(token)};
}

std::pair<std::string, std::string> basic(std::string_view user, std::string_view password) {
  return {"Authorization", "Basic " + base64(std::string(user) + ":" + std::string(password))};
}

std::vector<std::string> challenges(const HttpResponse& response) {
  return response.header_values("www-authenticate");
}

}  // namespace apiserver::test
