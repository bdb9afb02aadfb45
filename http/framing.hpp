// framing: the RFC 9112 §6.3 checks on how a request's body is delimited. A message whose length
// two parties could read differently is how a second request is smuggled past a proxy, so such a
// message is refused and its connection closed (the bytes after it are never parsed).
#pragma once

#include <boost/beast/http/fields.hpp>

namespace actorshop::http {

/// Returns true if the request's framing is ambiguous: a Transfer-Encoding whose final coding is
/// not `chunked` (or that names `chunked` twice), Transfer-Encoding together with
/// Content-Length, or more than one Content-Length (repeated or a comma list), equal or not.
bool ambiguous_framing(const boost::beast::http::fields& headers);

} // namespace actorshop::http
