// Response encoding: the JSON writer and the bodies it builds, byte for byte.
#include <catch2/catch.hpp>

#include <simdjson.h>

#include <limits>

#include "http/encode.hpp"
#include "http/json_writer.hpp"

using namespace actorshop;
using namespace actorshop::http;

TEST_CASE("the JSON writer escapes quotes, backslashes and control characters", "[http][encode]") {
  std::string out;
  append_json_string(out, std::string("a\"b\\c\n\t\x01\x1f", 9));
  CHECK(out == R"("a\"b\\c\n\t\u0001\u001f")");
}

TEST_CASE("the JSON writer writes whole numbers as integers and others in their shortest form",
          "[http][encode]") {
  std::string out;
  json_writer w(out);
  w.begin_array().number(100000.0).number(-3.0).number(0.25).number(1e300).number(
      9007199254740992.0);
  w.number(0.1).number(std::numeric_limits<double>::quiet_NaN()).end_array();
  CHECK(out == "[100000,-3,0.25,1e+300,9007199254740992,0.1,null]");
}

TEST_CASE("UTF-8 product names round-trip exactly through the writer and simdjson",
          "[http][encode]") {
  const std::string name = "티셔츠 \"특가\" ✓ 😀";
  std::string out;
  json_writer(out).begin_object().member("name", name).end_object();
  simdjson::dom::parser parser;
  std::string_view back;
  REQUIRE(parser.parse(out)["name"].get(back) == simdjson::SUCCESS);
  CHECK(std::string(back) == name);
}

TEST_CASE("nested arrays and objects get commas only between members", "[http][encode]") {
  domain::product_detail p{5001, "티셔츠", 10000, {{6001, "S", 0, 5}, {6002, "M", 1000, 6}}};
  CHECK(encode(p) == R"({"id":5001,"name":"티셔츠","basePrice":10000,"options":[)"
                     R"({"id":6001,"name":"S","extraPrice":0,"stock":5},)"
                     R"({"id":6002,"name":"M","extraPrice":1000,"stock":6}]})");
  CHECK(encode(std::vector<domain::product_summary>{}) == "[]");
}

TEST_CASE("every error body is {code, message}", "[http][encode]") {
  CHECK(encode_error("COUPON_INSUFFICIENT", "coupon sold out") ==
        R"({"code":"COUPON_INSUFFICIENT","message":"coupon sold out"})");
}
