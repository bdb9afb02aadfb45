// json_encode_bench: the server's hot-path response bodies (an issued coupon, an order with two
// lines, a payment) encoded by http::encode (the hand-written json_writer) and by nlohmann::json
// building the same document. Both must produce the same bytes, or the comparison is void.
// Prints ns/encoding per body, median [min..max] over --runs runs of --n encodings, and the
// ratio nlohmann/json_writer of the medians (above 1: the library is slower).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/time.hpp"
#include "http/encode.hpp"

namespace {

using namespace actorshop;
using json = nlohmann::ordered_json; // the writer's key order, so the bytes can be compared

domain::order sample_order() {
  domain::order o{1, 1001, domain::order_status::created, 30000, 1764460800000, 1764461700000, {}};
  o.lines.push_back({5001, 6001, "티셔츠", "S", 2, 10000, 20000});
  o.lines.push_back({5002, 6005, "청바지", "M", 1, 10000, 10000});
  return o;
}

domain::payment sample_payment() { return {1, 1, 1001, 4001, 30000, 1000, 29000, 1764460860000}; }

// Member by member, as a handler would write it; an initializer list builds and copies a
// temporary per member, which measured slower here.
std::string library_encode(const domain::issued_coupon& v) {
  json j;
  j["couponId"] = v.coupon_id;
  j["customerId"] = v.customer_id;
  j["status"] = domain::to_string(v.status);
  return j.dump();
}

std::string library_encode(const domain::order& v) {
  json j;
  j["orderId"] = v.id;
  j["customerId"] = v.customer_id;
  j["status"] = domain::to_string(v.status);
  j["totalPrice"] = v.total_price;
  j["createdAt"] = domain::format_iso8601(v.created_at);
  j["expiresAt"] = domain::format_iso8601(v.expires_at);
  json& items = j["items"] = json::array();
  for (const auto& l : v.lines) {
    json& i = items.emplace_back();
    i["productId"] = l.product_id;
    i["productOptionId"] = l.option_id;
    i["productName"] = l.product_name;
    i["optionName"] = l.option_name;
    i["quantity"] = l.qty;
    i["unitPrice"] = l.unit_price;
    i["subtotalPrice"] = l.subtotal;
  }
  return j.dump();
}

std::string library_encode(const domain::payment& v) {
  json j;
  j["paymentId"] = v.id;
  j["orderId"] = v.order_id;
  j["customerId"] = v.customer_id;
  j["couponId"] = v.coupon_id ? json(*v.coupon_id) : json(nullptr);
  j["originalPrice"] = v.original_price;
  j["discountAmount"] = v.discount_amount;
  j["discountedPrice"] = v.discounted_price;
  j["paidAt"] = domain::format_iso8601(v.paid_at);
  return j.dump();
}

/// Returns ns per encoding over `n` encodings.
template <class Encode> double ns_per_encoding(long n, Encode encode) {
  std::size_t bytes = 0; // consumed below so the encodings are not optimised away
  const auto t0 = std::chrono::steady_clock::now();
  for (long i = 0; i < n; ++i)
    bytes += encode().size();
  const auto t1 = std::chrono::steady_clock::now();
  if (bytes == 0)
    std::puts("");
  return std::chrono::duration<double, std::nano>(t1 - t0).count() / static_cast<double>(n);
}

struct spread {
  double median, min, max;
};
spread spread_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v[v.size() / 2], v.front(), v.back()};
}

/// Measures one body both ways (runs interleaved, so a busy moment hits both) and prints a row;
/// returns false when the two bodies differ.
template <class T> bool compare(const char* name, const T& v, long n, int runs) {
  const std::string a = http::encode(v), b = library_encode(v);
  if (a != b) {
    std::fprintf(stderr, "%s bodies differ:\n  writer:   %s\n  nlohmann: %s\n", name, a.c_str(),
                 b.c_str());
    return false;
  }
  std::vector<double> writer, library;
  for (int r = 0; r < runs; ++r) {
    writer.push_back(ns_per_encoding(n, [&] { return http::encode(v); }));
    library.push_back(ns_per_encoding(n, [&] { return library_encode(v); }));
  }
  const spread w = spread_of(writer), l = spread_of(library);
  std::printf("| %-16s | %5zu B | %8.1f | %8.1f | %8.1f | %8.1f | %8.1f | %8.1f | %5.2f |\n", name,
              a.size(), w.median, w.min, w.max, l.median, l.min, l.max, l.median / w.median);
  return true;
}

} // namespace

int main(int argc, char** argv) {
  long n = 200'000;
  int runs = 5;
  CLI::App app{"json_encode_bench: hot-path response bodies, json_writer vs nlohmann::json"};
  app.add_option("--n", n, "encodings per run of each body")->check(CLI::PositiveNumber);
  app.add_option("--runs", runs, "runs (median and spread)")->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);

  std::printf("json_encode_bench: ns/encoding, median [min..max] of %d runs x %ld encodings\n",
              runs, n);
  std::printf("| %-16s | %7s | %8s | %8s | %8s | %8s | %8s | %8s | %5s |\n", "body", "size",
              "writer", "min", "max", "nlohmann", "min", "max", "ratio");
  const domain::issued_coupon coupon{4001, 1001, domain::coupon_status::available};
  bool same = compare("issued coupon", coupon, n, runs);
  same = compare("order (2 lines)", sample_order(), n, runs) && same;
  same = compare("payment", sample_payment(), n, runs) && same;
  return same ? 0 : 1;
}
