// Parses YAML (and therefore JSON) text into JSON values, remembering where
// each node came from so that later errors can name the line.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>

namespace apiserver::spec {

struct SourcePosition {
  int line = 0;  // 1-based
  int column = 0;
};

struct ParsedText {
  nlohmann::ordered_json root;
  // JSON pointer of every node -> where it starts in the text.
  std::unordered_map<std::string, SourcePosition> positions;
};

struct ParseFailure {
  SourcePosition position;
  std::string message;
};

// Parses `text`. Plain scalars follow the YAML 1.2 core schema (null, booleans,
// integers, floats); quoted scalars are strings; mapping keys are always
// strings (so `200:` is "200"). Returns false and fills `failure` on a syntax
// error, an alias cycle, or a document too deep or too large to be sane.
bool parse_yaml_text(const std::string& text, ParsedText& out, ParseFailure& failure);

}  // namespace apiserver::spec
