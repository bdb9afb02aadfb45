// libFuzzer target for the daemon's request path, without a socket: raw bytes go through Beast's
// request parser with the session's limits, then the framing check, route matching and, for a
// command route, its body decoder, for every request pipelined in the input (as session.cpp
// does). The input is parsed twice, once as one read and once in small reads, and both must give
// the same outcomes: a parser that depends on how bytes arrive is a smuggling risk.
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "domain/ids.hpp"
#include "http/decode.hpp"
#include "http/framing.hpp"
#include "http/route_table.hpp"

namespace {

namespace bhttp = boost::beast::http;
using namespace actorshop;
using request = bhttp::request<bhttp::string_body>;

// The daemon's defaults (http/session.hpp server_options).
constexpr std::uint64_t body_limit = 64 * 1024;
constexpr std::uint32_t header_limit = 8 * 1024;

/// Aborts the run (libFuzzer reports it as a crash) when a property does not hold.
void require(bool ok) {
  if (!ok)
    std::abort();
}

template <class T> std::string outcome_of(const http::decoded<T>& d) {
  if (auto* err = std::get_if<http::decode_error>(&d))
    return "refused " + std::to_string(static_cast<int>(err->code)) + " " + err->message;
  return "decoded";
}

/// What the router's decoders accept must satisfy the domain's preconditions.
std::string decode_command(http::route r, const std::string& body) {
  switch (r) {
  case http::route::issue_coupon: {
    auto d = http::decode_issue(body);
    if (auto* v = std::get_if<http::issue_request>(&d))
      require(domain::is_id(v->coupon_id) && domain::is_id(v->customer_id));
    return outcome_of(d);
  }
  case http::route::charge: {
    auto d = http::decode_charge(body);
    if (auto* v = std::get_if<http::charge_request>(&d))
      require(domain::is_id(v->customer_id));
    return outcome_of(d);
  }
  case http::route::create_order: {
    auto d = http::decode_order(body);
    if (auto* v = std::get_if<http::order_request>(&d)) {
      require(domain::is_id(v->customer_id) && !v->lines.empty() && v->lines.size() <= 100);
      for (const auto& line : v->lines)
        require(domain::is_id(line.product_id) && domain::is_id(line.option_id) && line.qty >= 1);
    }
    return outcome_of(d);
  }
  case http::route::pay: {
    auto d = http::decode_payment(body);
    if (auto* v = std::get_if<http::payment_request>(&d))
      require(domain::is_id(v->order_id) && (!v->coupon_id || domain::is_id(*v->coupon_id)));
    return outcome_of(d);
  }
  case http::route::create_coupon: {
    auto d = http::decode_coupon_spec(body);
    if (auto* v = std::get_if<domain::coupon_spec>(&d))
      require(!v->name.empty() && v->discount_amount >= 1 && v->total_quantity >= 1);
    return outcome_of(d);
  }
  default:
    return {};
  }
}

/// With one plain Content-Length (the framing check refused the rest), Beast must have read
/// exactly that many body bytes.
void check_body_length(const request& req) {
  auto it = req.find(bhttp::field::content_length);
  if (it == req.end())
    return;
  auto v = it->value();
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec == std::errc() && end == v.data() + v.size())
    require(req.body().size() == n);
}

/// What the session and router make of one parsed request (the router checks Content-Type
/// before decoding; here every command body is decoded, to reach the decoders more often).
std::string handle(const request& req) {
  if (http::ambiguous_framing(req))
    return "400 ambiguous framing";
  check_body_length(req);
  auto target = std::string_view(req.target());
  auto m = http::match_route(req.method(), target);
  std::string out = std::string(http::route_label(m.matched)) + (m.method_ok ? " ok" : " 405");
  if (m.has_id) {
    require(m.id == 0 || domain::is_id(m.id));
    out += " id " + std::to_string(m.id);
  }
  require(m.query.empty() || target.ends_with(m.query));
  if (m.matched == http::route::popular)
    if (auto days = http::query_param(m.query, "days"))
      out += " days " + std::to_string(domain::parse_id(*days));
  if (m.method_ok)
    out += " " + decode_command(m.matched, req.body());
  return out;
}

/// Runs the session's read loop over `input`, delivered `read_size` bytes per read, and returns
/// one outcome per request (plus how the connection ended).
std::vector<std::string> serve(std::string_view input, std::size_t read_size) {
  std::vector<std::string> outcomes;
  std::string buffer; // the session's flat_buffer: received, not yet parsed
  std::size_t delivered = 0;
  auto receive = [&] {
    if (delivered == input.size())
      return false;
    auto n = std::min(read_size, input.size() - delivered);
    buffer.append(input.substr(delivered, n));
    delivered += n;
    return true;
  };
  for (;;) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(header_limit);
    parser.body_limit(body_limit);
    for (;;) {
      if (buffer.empty() && !receive()) {
        outcomes.push_back(parser.got_some() ? "eof inside a request" : "eof");
        return outcomes;
      }
      boost::beast::error_code ec;
      auto used = parser.put(boost::asio::buffer(buffer), ec);
      require(used <= buffer.size());
      buffer.erase(0, used);
      if (ec == bhttp::error::need_more || (!ec && !parser.is_done() && used == 0)) {
        if (!receive()) {
          outcomes.push_back("eof inside a request");
          return outcomes;
        }
        continue;
      }
      if (ec) { // 413, 431 or 400, then the session closes
        outcomes.push_back("parse error " + ec.message());
        return outcomes;
      }
      if (parser.is_done())
        break;
    }
    const auto& req = parser.get();
    auto out = handle(req);
    outcomes.push_back(out);
    if (out.starts_with("400 ambiguous") || !req.keep_alive())
      return outcomes; // the session closes: nothing after this request is parsed
  }
}

/// True if both runs handled the same requests with the same outcomes. How a refused connection
/// ends may differ: given the whole input Beast sees a malformed header at once, given a piece it
/// may still wait for the header's end when the input runs out; either way nothing more runs.
bool same_requests(std::vector<std::string> a, std::vector<std::string> b) {
  auto refused = [](const std::string& o) {
    return o.starts_with("parse error") || o == "eof inside a request";
  };
  if (!a.empty() && !b.empty() && refused(a.back()) && refused(b.back())) {
    a.pop_back();
    b.pop_back();
  }
  return a == b;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto whole = serve(input, input.size() + 1);
  auto pieces = serve(input, 1 + size % 7);
  if (!same_requests(whole, pieces)) { // print both, for the crash report
    for (const auto* run : {&whole, &pieces}) {
      std::fprintf(stderr, run == &whole ? "as one read:\n" : "in reads of %zu bytes:\n",
                   1 + size % 7);
      for (const auto& o : *run)
        std::fprintf(stderr, "  %s\n", o.c_str());
    }
    std::abort();
  }
  return 0;
}
