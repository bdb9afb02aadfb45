// Request framing checks (RFC 9112 §6.3).
#include "http/framing.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/rfc7230.hpp>

namespace actorshop::http {
namespace {

namespace bhttp = boost::beast::http;

/// True if the codings of every Transfer-Encoding line, in order, end in one `chunked`.
bool chunked_last(const bhttp::fields& headers) {
  bool last_is_chunked = false;
  int chunked = 0;
  bool any = false;
  for (const auto& f : headers) {
    if (f.name() != bhttp::field::transfer_encoding)
      continue;
    for (auto coding : bhttp::token_list{f.value()}) {
      any = true;
      last_is_chunked = boost::beast::iequals(coding, "chunked");
      chunked += last_is_chunked ? 1 : 0;
    }
  }
  return any && last_is_chunked && chunked == 1;
}

} // namespace

bool ambiguous_framing(const bhttp::fields& headers) {
  const auto lengths = headers.count(bhttp::field::content_length);
  if (lengths > 1)
    return true;
  if (lengths == 1 &&
      headers[bhttp::field::content_length].find(',') != boost::beast::string_view::npos)
    return true;
  if (headers.count(bhttp::field::transfer_encoding) == 0)
    return false;
  return lengths > 0 || !chunked_last(headers);
}

} // namespace actorshop::http
