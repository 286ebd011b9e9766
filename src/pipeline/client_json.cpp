#include "pipeline/client_json.hpp"

#include <functional>
#include <set>
#include <vector>

#include "spec/json_pointer.hpp"

namespace apiserver::pipeline {
namespace {

// nlohmann's out_of_range id for "number overflow parsing '...'".
constexpr int kNumberOverflowId = 406;
// A number written with more characters is shown by its start and its length.
constexpr size_t kMaxShownNumber = 32;

// What one pass over the text tells before parsing: whether it nests deeper than the limit
// (validation and serialization recurse per level), and how many object members it writes (a
// string followed by ':'), to compare with what the parsed value holds. Brackets inside
// strings do not count.
struct TextShape {
  bool within_depth = true;
  size_t members = 0;
};

TextShape shape_of(const std::string& text, int depth_limit) {
  TextShape shape;
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
        size_t next = text.find_first_not_of(" \t\n\r", i + 1);
        if (next != std::string::npos && text[next] == ':') ++shape.members;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > depth_limit) {
        shape.within_depth = false;
        return shape;
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return shape;
}

// The members of every object in `value`: fewer than the text wrote when a name came twice
// in one object (the parser keeps one of them).
size_t members_in(const nlohmann::json& value) {
  size_t count = 0;
  if (value.is_object()) {
    count += value.size();
    for (const auto& [name, member] : value.items()) {
      if (member.is_structured()) count += members_in(member);
    }
  } else if (value.is_array()) {
    for (const auto& item : value) {
      if (item.is_structured()) count += members_in(item);
    }
  }
  return count;
}

// A second pass over text that overflowed: follows keys and array indexes without building
// anything, and notes the pointer and token when the parser reports the overflow. Only a
// failing body pays for it.
class OverflowLocator final : public nlohmann::json_sax<nlohmann::json> {
 public:
  bool found = false;
  std::string pointer;
  std::string token;

  bool null() override { return value_done(); }
  bool boolean(bool) override { return value_done(); }
  bool number_integer(number_integer_t) override { return value_done(); }
  bool number_unsigned(number_unsigned_t) override { return value_done(); }
  bool number_float(number_float_t, const string_t&) override { return value_done(); }
  bool string(string_t&) override { return value_done(); }
  bool binary(binary_t&) override { return value_done(); }
  bool start_object(std::size_t) override {
    frames_.push_back({false, "", 0});
    return true;
  }
  bool key(string_t& name) override {
    frames_.back().key = name;
    return true;
  }
  bool end_object() override {
    frames_.pop_back();
    return value_done();
  }
  bool start_array(std::size_t) override {
    frames_.push_back({true, "", 0});
    return true;
  }
  bool end_array() override {
    frames_.pop_back();
    return value_done();
  }
  bool parse_error(std::size_t, const std::string& last_token,
                   const nlohmann::detail::exception& error) override {
    if (error.id == kNumberOverflowId) {
      found = true;
      token = last_token;
      for (const Frame& frame : frames_)
        pointer =
            spec::append_pointer(pointer, frame.is_array ? std::to_string(frame.index) : frame.key);
    }
    return false;
  }

 private:
  struct Frame {
    bool is_array;
    std::string key;   // objects: the member being read
    size_t index = 0;  // arrays: the element being read
  };
  // A value ended: in an array, the next one has the next index.
  bool value_done() {
    if (!frames_.empty() && frames_.back().is_array) ++frames_.back().index;
    return true;
  }
  std::vector<Frame> frames_;
};

std::string shown_number(const std::string& token) {
  if (token.size() <= kMaxShownNumber) return token;
  return token.substr(0, kMaxShownNumber) + "... (" + std::to_string(token.size()) + " characters)";
}

ClientJsonError out_of_range_error(const std::string& text) {
  OverflowLocator locator;
  nlohmann::json::sax_parse(text, &locator);
  ClientJsonError error;
  error.kind = ClientJsonError::Kind::kNumberOutOfRange;
  error.pointer = locator.pointer;
  error.message = "number " + (locator.found ? shown_number(locator.token) + " " : "") +
                  "is out of range: JSON numbers here must fit a 64-bit double (magnitude at "
                  "most 1.7976931348623157e308)";
  return error;
}

// Notes the first member name that appears twice in one object (nlohmann keeps the last).
class DuplicateKeyFinder {
 public:
  std::optional<std::string> duplicate;

  bool operator()(int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    if (event == Event::object_start) {
      open_objects_.emplace_back();
    } else if (event == Event::object_end) {
      open_objects_.pop_back();
    } else if (event == Event::key && !duplicate &&
               !open_objects_.back().insert(parsed.get_ref<const std::string&>()).second) {
      duplicate = parsed.get<std::string>();
    }
    return true;
  }

 private:
  std::vector<std::set<std::string>> open_objects_;  // the member names of each open object
};

}  // namespace

std::optional<ClientJsonError> parse_client_json(const std::string& text, nlohmann::json& out) {
  TextShape shape = shape_of(text, kMaxJsonDepth);
  if (!shape.within_depth)
    return ClientJsonError{
        ClientJsonError::Kind::kTooDeep, "",
        "the JSON nests deeper than " + std::to_string(kMaxJsonDepth) + " levels"};
  // nlohmann takes a NUL byte for the end of the text and ignores what follows it; JSON has no
  // place for one outside a string, and inside one it must be escaped.
  if (size_t nul = text.find('\0'); nul != std::string::npos)
    return ClientJsonError{ClientJsonError::Kind::kSyntax, "",
                           "a NUL byte at offset " + std::to_string(nul)};
  try {
    out = nlohmann::json::parse(text);
    if (members_in(out) == shape.members) return std::nullopt;
    // A member came twice: parsed once more, slowly, to name it.
    DuplicateKeyFinder finder;
    out = nlohmann::json::parse(text, std::ref(finder));
    if (finder.duplicate)
      return ClientJsonError{ClientJsonError::Kind::kDuplicateKey, "",
                             "the member " + nlohmann::json(*finder.duplicate).dump() +
                                 " appears twice in one object"};
  } catch (const nlohmann::json::out_of_range& e) {
    if (e.id == kNumberOverflowId) return out_of_range_error(text);
    return ClientJsonError{ClientJsonError::Kind::kSyntax, "", e.what()};
  } catch (const nlohmann::json::exception& e) {
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 5: ..." -> from "parse
    // error".
    size_t start = what.find("parse error");
    return ClientJsonError{ClientJsonError::Kind::kSyntax, "",
                           start == std::string::npos ? what : what.substr(start)};
  }
  return std::nullopt;
}

}  // namespace apiserver::pipeline
