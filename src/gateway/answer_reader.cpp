// An upstream's answer read with Boost.Beast's parser (see answer_reader.hpp).
#include "gateway/answer_reader.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <limits>

#include "text/header_values.hpp"

namespace apiserver::gateway {
namespace {

namespace http = boost::beast::http;
using boost::beast::error_code;
using BeastView = boost::beast::string_view;

// Fields of this size are kept by curl too (CURL_MAX_HTTP_HEADER); larger heads are broken.
constexpr std::uint32_t kMaxHeadBytes = 100 * 1024;

}  // namespace

// Hands what Beast reads to the reader. Fields that come after the head (a chunked body's
// trailer) are not the answer's fields, and are dropped.
class AnswerReader::Parser final : public http::basic_parser<false> {
 public:
  explicit Parser(AnswerReader& reader) : reader_(reader) {
    header_limit(kMaxHeadBytes);
    // The caller bounds what it keeps. Not boost::none: Boost 1.74 compares a length against the
    // empty optional, which counts as exceeded.
    body_limit(std::numeric_limits<std::uint64_t>::max());
    skip(reader.to_head_);
  }

 private:
  void on_request_impl(http::verb /*method*/, BeastView /*method_str*/, BeastView /*target*/,
                       int /*version*/, error_code& /*ec*/) override {}
  void on_response_impl(int code, BeastView /*reason*/, int /*version*/,
                        error_code& /*ec*/) override {
    reader_.status_ = code;
    reader_.fields_.clear();
  }
  void on_field_impl(http::field /*name*/, BeastView name, BeastView value,
                     error_code& /*ec*/) override {
    if (reader_.head_in_) return;
    reader_.fields_.emplace_back(text::ascii_lower(std::string_view(name.data(), name.size())),
                                 std::string(value.data(), value.size()));
  }
  void on_header_impl(error_code& /*ec*/) override {}
  void on_body_init_impl(boost::optional<std::uint64_t> const& /*content_length*/,
                         error_code& /*ec*/) override {}
  size_t on_body_impl(BeastView body, error_code& /*ec*/) override {
    reader_.body_.append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t /*size*/, BeastView /*extensions*/,
                            error_code& /*ec*/) override {}
  size_t on_chunk_body_impl(std::uint64_t /*remain*/, BeastView body, error_code& /*ec*/) override {
    reader_.body_.append(body.data(), body.size());
    return body.size();
  }
  void on_finish_impl(error_code& /*ec*/) override {}

  AnswerReader& reader_;
};

AnswerReader::AnswerReader(bool to_head) : to_head_(to_head) {
  next_message();
}

AnswerReader::~AnswerReader() = default;

void AnswerReader::next_message() {
  parser_ = std::make_unique<Parser>(*this);
}

void AnswerReader::fail(const std::string& why) {
  error_ = why.empty() ? "the answer is not HTTP/1.1" : why;
}

size_t AnswerReader::read(std::string_view bytes) {
  size_t taken = 0;
  if (!bytes.empty()) started_ = true;
  while (taken < bytes.size() && !done_ && !failed()) {
    bool head_before = parser_->is_header_done();
    error_code ec;
    size_t n =
        parser_->put(boost::asio::const_buffer(bytes.data() + taken, bytes.size() - taken), ec);
    taken += n;
    if (ec == http::error::need_more) break;
    if (ec) {
      fail("the answer is not HTTP/1.1: " + ec.message());
      break;
    }
    if (parser_->is_done()) {
      if (status_ < 200) {  // an interim answer (100 Continue, 103 Early Hints): read past
        next_message();
        continue;
      }
      keep_alive_ = parser_->keep_alive();
      head_in_ = true;
      done_ = true;
      break;
    }
    if (!head_before && parser_->is_header_done()) {
      head_in_ = true;
      break;
    }
    if (n == 0) break;
  }
  return taken;
}

bool AnswerReader::read_end() {
  if (done_) return true;
  if (failed()) return false;
  if (parser_->is_header_done() && parser_->need_eof()) {
    error_code ec;
    parser_->put_eof(ec);
    if (!ec && parser_->is_done()) {
      keep_alive_ = false;
      done_ = true;
      return true;
    }
  }
  fail(started_ ? "the upstream closed the connection mid-answer"
                : "the upstream closed the connection without answering");
  return false;
}

}  // namespace apiserver::gateway
