// base64url: RFC 4648 §5 without padding, the encoding of the customer token's two parts.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace actorshop::auth {

/// Returns `bytes` in base64url, without '=' padding.
std::string base64url_encode(std::string_view bytes);

/// Returns the bytes of unpadded base64url `text`, or nothing if it holds anything else (a
/// character outside the alphabet, padding, whitespace, an impossible length).
std::optional<std::string> base64url_decode(std::string_view text);

/// The same into `out`, without allocating (a token is verified on every customer request):
/// returns the number of bytes written, or nothing if `text` is not base64url or does not fit.
std::optional<std::size_t> base64url_decode_into(std::string_view text,
                                                 std::span<unsigned char> out) noexcept;

} // namespace actorshop::auth
