// The report's view of the daemon: Prometheus text parsed into series, and the per-second
// figures (in flight, live actors by kind, writer batch size from the histogram's increase).
#include <catch2/catch.hpp>

#include "bench/harness/server_scrape.hpp"

using namespace actorshop::bench;

TEST_CASE("Prometheus text parses into series keyed by name and labels", "[scrape]") {
  const auto s = parse_prometheus_text("# HELP x y\n# TYPE x gauge\n"
                                       "actorshop_http_in_flight_requests 7\n"
                                       "actorshop_live_actors{kind=\"coupon\"} 2\n"
                                       "odd{label=\"a b\"} 1.5e3 1700000000000\n"
                                       "broken\n");
  CHECK(s.size() == 3);
  CHECK(s.at("actorshop_http_in_flight_requests") == 7);
  CHECK(s.at("actorshop_live_actors{kind=\"coupon\"}") == 2);
  CHECK(s.at("odd{label=\"a b\"}") == 1500);
}

TEST_CASE("scraped figures: in flight, live actors by kind, batch size per interval", "[scrape]") {
  metrics_scraper scraper({"127.0.0.1", 1});
  auto first = scraper.figures_of(parse_prometheus_text(
      "actorshop_http_in_flight_requests 3\nactorshop_live_actors{kind=\"coupon\"} 1\n"
      "actorshop_live_actors{kind=\"order_saga\"} 4\nactorshop_writer_batch_size_sum 10\n"
      "actorshop_writer_batch_size_count 5\n"));
  CHECK(first.at("in flight") == 3);
  CHECK(first.at("live coupon") == 1);
  CHECK(first.at("live order_saga") == 4);
  CHECK(first.count("batch size (mean)") == 0); // an increase needs a previous scrape
  auto second = scraper.figures_of(parse_prometheus_text(
      "actorshop_writer_batch_size_sum 70\nactorshop_writer_batch_size_count 8\n"));
  CHECK(second.at("batch size (mean)") == 20); // (70 - 10) / (8 - 5)
  CHECK(second.count("in flight") == 0);       // absent families are simply absent
  CHECK(scraper.sample().empty());             // nothing listens on port 1
}
