// The HTTP driver: one keep-alive connection per VU (as k6), asynchronous on Boost.Asio, with
// hand-written request serialization and a minimal HTTP/1.1 response reader for speed.
#pragma once

#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <memory>

#include <boost/asio/ip/tcp.hpp>

#include "bench/harness/client.hpp"
#include "bench/harness/metrics.hpp"
#include "bench/harness/token_book.hpp"

namespace actorshop::bench {

struct http_target {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  std::string url() const { return "http://" + host + ":" + std::to_string(port); }
};

/// Parses "http://HOST:PORT" (port defaults to 80); throws std::invalid_argument.
http_target parse_http_target(const std::string& url);
/// Parses a cluster's targets, "http://A,http://B,...": each as parse_http_target(), none twice;
/// throws std::invalid_argument (an empty item, a repeated target, 'actors' in a list).
std::vector<http_target> parse_http_targets(const std::string& list);

/// Returns the integer after "key": in `json`, or 0.
std::int64_t json_int_field(std::string_view json, std::string_view key);

class http_client final : public client {
public:
  /// `tokens`: the customer tokens of a daemon in token mode; null: the open API.
  http_client(boost::asio::any_io_executor ex, const http_target& target,
              std::shared_ptr<const token_book> tokens = nullptr);
  boost::asio::awaitable<http_answer> issue_coupon(std::int64_t coupon_id,
                                                   std::int64_t customer_id) override;
  boost::asio::awaitable<http_answer> create_order(std::int64_t customer_id, order_item a,
                                                   order_item b) override;
  boost::asio::awaitable<http_answer> pay(std::int64_t order_id, std::int64_t customer_id) override;
  void cancel() override;

  /// Sends one request and reads the reply; `body_out` (if given) receives the response body.
  /// `customer`: whom the request acts for, whose token it carries when the client has tokens.
  boost::asio::awaitable<http_answer> request(std::string_view method, std::string_view path,
                                              std::string_view body,
                                              std::string* body_out = nullptr,
                                              std::int64_t customer = 0);

private:
  boost::asio::awaitable<bool> ensure_connected();
  boost::asio::awaitable<std::tuple<boost::system::error_code, std::size_t>> write_request();
  boost::asio::awaitable<int> read_response(std::size_t& received, std::string* body_out);

  boost::asio::ip::tcp::socket socket_;
  boost::asio::ip::tcp::endpoint endpoint_;
  std::string host_header_;
  std::shared_ptr<const token_book> tokens_;
  std::string out_;
  std::string in_;
  std::string body_;                  ///< the request body being built, reused
  std::string_view body_out_scratch_; ///< the last 201 body, valid until the next call
  std::chrono::steady_clock::time_point first_byte_; ///< of the answer being read
};

client_factory make_http_factory(const http_target& target,
                                 std::shared_ptr<const token_book> tokens = nullptr);
/// One client per VU on the targets in turn (VU 1 on the first, VU 2 on the second, ...): a
/// cluster's nodes each get an equal share of the VUs, each VU keeps its node.
client_factory make_http_factory(std::vector<http_target> targets,
                                 std::shared_ptr<const token_book> tokens = nullptr);

} // namespace actorshop::bench
