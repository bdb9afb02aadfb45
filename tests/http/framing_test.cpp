// The request framing rules of RFC 9112 §6.3, on parsed headers: only a Transfer-Encoding that
// ends in chunked, or one Content-Length, delimits a body.
#include <catch2/catch.hpp>

#include <boost/beast/http/fields.hpp>

#include "http/framing.hpp"

using actorshop::http::ambiguous_framing;
namespace bhttp = boost::beast::http;

namespace {

bhttp::fields with(std::initializer_list<std::pair<bhttp::field, const char*>> lines) {
  bhttp::fields f;
  for (const auto& [name, value] : lines)
    f.insert(name, value);
  return f;
}

constexpr auto te = bhttp::field::transfer_encoding;
constexpr auto cl = bhttp::field::content_length;

} // namespace

TEST_CASE("one Content-Length or a Transfer-Encoding ending in chunked frames a request",
          "[http][framing]") {
  CHECK_FALSE(ambiguous_framing(with({})));
  CHECK_FALSE(ambiguous_framing(with({{cl, "12"}})));
  CHECK_FALSE(ambiguous_framing(with({{te, "chunked"}})));
  CHECK_FALSE(ambiguous_framing(with({{te, "Chunked"}})));
  CHECK_FALSE(ambiguous_framing(with({{te, "gzip, chunked"}})));
  CHECK_FALSE(ambiguous_framing(with({{te, "gzip"}, {te, "chunked"}})));
}

TEST_CASE("a Transfer-Encoding that does not end in chunked is ambiguous", "[http][framing]") {
  CHECK(ambiguous_framing(with({{te, "identity"}})));
  CHECK(ambiguous_framing(with({{te, "gzip"}})));
  CHECK(ambiguous_framing(with({{te, "chunked, identity"}})));
  CHECK(ambiguous_framing(with({{te, "chunked"}, {te, "gzip"}})));
  CHECK(ambiguous_framing(with({{te, "chunked, chunked"}})));
  CHECK(ambiguous_framing(with({{te, ""}})));
}

TEST_CASE("Transfer-Encoding with Content-Length, or two Content-Lengths, is ambiguous",
          "[http][framing]") {
  CHECK(ambiguous_framing(with({{te, "chunked"}, {cl, "5"}})));
  CHECK(ambiguous_framing(with({{te, "identity"}, {cl, "5"}})));
  CHECK(ambiguous_framing(with({{cl, "5"}, {cl, "5"}})));
  CHECK(ambiguous_framing(with({{cl, "5"}, {cl, "7"}})));
  CHECK(ambiguous_framing(with({{cl, "5, 5"}})));
}
