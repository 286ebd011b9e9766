// Which declared response answers a status (model/declared_status.hpp): the exact code, else
// its class, else default.
#include "model/declared_status.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace apiserver::model {
namespace {

struct Declared {
  std::string declared;
};

TEST(DeclaredForStatus, PrefersTheCodeThenItsClassThenDefault) {
  std::vector<Declared> responses = {{"default"}, {"4xx"}, {"404"}, {"2XX"}};
  EXPECT_EQ(declared_for_status(responses, 404)->declared, "404");
  EXPECT_EQ(declared_for_status(responses, 409)->declared, "4xx");
  EXPECT_EQ(declared_for_status(responses, 201)->declared, "2XX");
  EXPECT_EQ(declared_for_status(responses, 503)->declared, "default");
  std::vector<Declared> none = {{"200"}, {"x-extension"}};
  EXPECT_EQ(declared_for_status(none, 500), nullptr);
}

}  // namespace
}  // namespace apiserver::model
