// Reads an upstream's HTTP/1.1 answer from the bytes of its connection, as they come: status,
// fields, then the body with its framing taken off (a length, chunks, or up to the close).
// Interim (1xx) answers are read past. Boost.Beast's parser does the reading.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace apiserver::gateway {

class AnswerReader {
 public:
  // `to_head`: the answer is to a HEAD request, and has no body whatever its fields say.
  explicit AnswerReader(bool to_head);
  ~AnswerReader();
  AnswerReader(const AnswerReader&) = delete;
  AnswerReader& operator=(const AnswerReader&) = delete;

  // Reads what it can of `bytes` and says how much it took; the rest is to be given again
  // with what follows. It stops once the final answer's head is in (head_in() turns true), so
  // that the caller decides about the body before any of it is read.
  size_t read(std::string_view bytes);
  // The connection ended. True when that ends the answer (one framed by the close).
  bool read_end();

  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  bool head_in() const { return head_in_; }
  bool done() const { return done_; }
  // The connection can carry another exchange once this answer is done.
  bool keep_alive() const { return keep_alive_; }
  // Some of the answer has been read (its first byte at least).
  bool started() const { return started_; }

  int status() const { return status_; }
  // The final answer's fields, names in lower case; taken once.
  std::vector<std::pair<std::string, std::string>> take_fields() { return std::move(fields_); }
  // The body read since the last call, taken.
  std::string take_body() { return std::move(body_); }
  size_t body_waiting() const { return body_.size(); }

 private:
  class Parser;
  friend class Parser;
  void next_message();
  void fail(const std::string& why);

  const bool to_head_;
  std::unique_ptr<Parser> parser_;
  std::string error_;
  bool head_in_ = false;
  bool done_ = false;
  bool keep_alive_ = false;
  bool started_ = false;
  int status_ = 0;
  std::vector<std::pair<std::string, std::string>> fields_;
  std::string body_;
};

}  // namespace apiserver::gateway
