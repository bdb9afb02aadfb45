#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>

#include "bench/harness/histogram.hpp"

using namespace actorshop::bench;

TEST_CASE("k6 percentiles interpolate linearly between neighbouring samples", "[bench]") {
  const std::vector<double> v{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  CHECK(k6_percentile(v, 0.5) == Approx(5.5));
  CHECK(k6_percentile(v, 0.9) == Approx(9.1));
  CHECK(k6_percentile(v, 0.95) == Approx(9.55));
  CHECK(k6_percentile(v, 0.0) == 1);
  CHECK(k6_percentile(v, 1.0) == 10);
  histogram h;
  for (double x : v)
    h.record(static_cast<std::uint64_t>(x));
  CHECK(h.percentile(0.9) == Approx(9.1)); // small values are exact
  CHECK(h.percentile(0.5) == Approx(5.5));
}

TEST_CASE("every histogram bucket is within 1% of the values it holds", "[bench]") {
  for (std::uint64_t v : {0ULL, 1ULL, 255ULL, 256ULL, 257ULL, 1000ULL, 123456ULL, 99999999ULL,
                          (1ULL << 40) + 12345}) {
    const auto i = histogram::index_of(v);
    const auto lo = histogram::lowest_of(i);
    const auto w = histogram::width_of(i);
    CHECK(lo <= v);
    CHECK(v < lo + w);
    // Integer values: the farthest value in a bucket is width - 1 away from its lowest.
    if (v > 0)
      CHECK(static_cast<double>(w - 1) / static_cast<double>(v) <= 0.01);
  }
}

TEST_CASE("histogram percentiles match exact percentiles within 1% on known data", "[bench]") {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> dist(7.0, 1.2); // ~1 ms median, long tail, in us
  std::vector<double> exact;
  histogram h;
  for (int i = 0; i < 200000; ++i) {
    const auto v = static_cast<std::uint64_t>(dist(rng)) + 1;
    exact.push_back(static_cast<double>(v));
    h.record(v);
  }
  std::sort(exact.begin(), exact.end());
  for (double p : {0.5, 0.9, 0.95, 0.99, 0.999}) {
    const double want = k6_percentile(exact, p);
    INFO("p=" << p << " exact=" << want << " hist=" << h.percentile(p));
    CHECK(std::abs(h.percentile(p) - want) / want <= 0.01);
  }
  CHECK(h.min() == exact.front());
  CHECK(h.max() == exact.back());
  double sum = 0;
  for (double x : exact)
    sum += x;
  CHECK(h.mean() == Approx(sum / exact.size()));
}

TEST_CASE("merged histograms equal one histogram of all samples", "[bench]") {
  histogram a, b, all;
  for (std::uint64_t v = 1; v < 100000; v += 7) {
    (v % 2 ? a : b).record(v);
    all.record(v);
  }
  a.merge(b);
  CHECK(a.count() == all.count());
  CHECK(a.percentile(0.95) == all.percentile(0.95));
  CHECK(a.max() == all.max());
}
