#include <catch2/catch.hpp>

#include "domain/time.hpp"

using namespace actorshop::domain;

TEST_CASE("timestamps print as ISO-8601 UTC with milliseconds", "[domain][time]") {
  CHECK(format_iso8601(0) == "1970-01-01T00:00:00.000Z");
  CHECK(format_iso8601(1'795'739'712'123) == "2026-11-27T00:35:12.123Z");
  CHECK(format_day(1'795'739'712'123) == "2026-11-27");
}

TEST_CASE("ISO-8601 text parses back to the same instant", "[domain][time]") {
  for (timestamp t : {0LL, 1'795'739'712'123LL, 951'782'400'000LL /* 2000-02-29 */})
    CHECK(parse_iso8601(format_iso8601(t)) == t);
  CHECK(parse_iso8601("2026-11-27T00:35:12Z") == 1'795'739'712'000);
  CHECK(parse_iso8601("2026-11-27T09:35:12+09:00") == 1'795'739'712'000);
  CHECK(parse_iso8601("2026-11-27T00:35:12.5Z") == 1'795'739'712'500);
  CHECK(parse_iso8601("2026-11-27") == 1'795'737'600'000);
}

TEST_CASE("malformed timestamps are refused", "[domain][time]") {
  for (auto bad : {"", "2026", "2026-13-01", "2026-02-30", "2026-11-27T25:00:00Z",
                   "2026-11-27T00:00:00X", "2026-11-27T00:00:00.Z", "yesterday"})
    CHECK_FALSE(parse_iso8601(bad));
}
