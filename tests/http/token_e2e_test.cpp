// auth.mode = "token" end to end: the real daemon on a free loopback port, tokens minted by the
// real `actorshop token` command, and the start-up refusals an operator would hit.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "http/auth/customer_token.hpp"
#include "support/daemon_process.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"

using namespace actorshop;
using namespace actorshop::test;

namespace {

const std::string secret = "e2e-secret-e2e-secret-e2e-secret-42";

/// Writes `text` plus a line break to `path`, mode 0600, and returns the path.
std::string secret_file(const temp_dir& dir, const std::string& text, const char* name = "secret") {
  const auto path = dir.file(name);
  std::ofstream(path) << text << "\n";
  ::chmod(path.c_str(), 0600);
  return path;
}

std::map<std::string, std::string> bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

/// Returns the token `actorshop token` prints for `customer` (one line, exit 0).
std::string mint(const std::string& secret_path, const std::string& customer) {
  auto r = run_actorshop({"token", "--customer", customer, "--auth-secret-file", secret_path});
  REQUIRE(r.exit_code == 0);
  REQUIRE(r.out.size() > 1);
  REQUIRE(r.out.find('\n') == r.out.size() - 1);
  return r.out.substr(0, r.out.size() - 1);
}

std::string order_body(const std::string& customer) {
  return R"({"customerId":)" + customer +
         R"(,"items":[{"productId":5001,"productOptionId":6001,"quantity":1}]})";
}

} // namespace

TEST_CASE("a daemon in token mode: 401 without a token, 403 for another customer, 2xx with "
          "the token actorshop token printed",
          "[auth][e2e]") {
  temp_dir dir;
  const auto key = secret_file(dir, secret);
  auto args = seeded_args(dir.path.string(), dir.file("shop.db"));
  args.insert(args.end(), {"--auth-mode", "token", "--auth-secret-file", key});
  daemon_process d(args);
  CHECK(d.start_line().find("auth=token") != std::string::npos);
  client c(d.port());

  auto missing = c.get("/balances/1001");
  CHECK(missing.status == 401);
  CHECK(missing.body.find(R"("code":"UNAUTHORIZED")") != std::string::npos);
  CHECK(missing.header("www-authenticate").starts_with("Bearer"));
  CHECK(c.request("GET", "/balances/1001", {}, bearer("garbage")).status == 401);
  CHECK(c.get("/products/5001").status == 200); // the catalog stays public

  const auto t1001 = mint(key, "1001");
  const auto t1002 = mint(key, "1002");
  CHECK(c.request("GET", "/balances/1001", {}, bearer(t1001)).status == 200);
  auto other = c.request("GET", "/balances/1001", {}, bearer(t1002));
  CHECK(other.status == 403);
  CHECK(other.body.find(R"("code":"FORBIDDEN")") != std::string::npos);
  CHECK(c.request("POST", "/orders", order_body("1001"), bearer(t1002)).status == 403);

  auto order = c.request("POST", "/orders", order_body("1001"), bearer(t1001));
  REQUIRE(order.status == 201);
  const auto pay = R"({"orderId":)" + std::to_string(json_int_field(order.body, "orderId")) + "}";
  CHECK(c.request("POST", "/payments", pay, bearer(t1002)).status == 403);
  CHECK(c.request("POST", "/payments", pay, bearer(t1001)).status == 201);
  CHECK(d.terminate() == 0);
}

TEST_CASE("a daemon in the default open mode is the original API, tokens or not", "[auth][e2e]") {
  temp_dir dir;
  daemon_process d(seeded_args(dir.path.string(), dir.file("shop.db")));
  CHECK(d.start_line().find("auth=open") != std::string::npos);
  client c(d.port());
  CHECK(c.get("/balances/1001").status == 200);
  CHECK(c.request("GET", "/balances/1002", {}, bearer("garbage")).status == 200);
  CHECK(c.post("/coupons/issue", R"({"couponId":4001,"customerId":1003})").status == 201);
  CHECK(d.terminate() == 0);
}

TEST_CASE("token mode without a secret of 32 bytes refuses to start with one line, exit 1",
          "[auth][e2e]") {
  temp_dir dir;
  const auto db = dir.file("shop.db");
  auto none = run_actorshop({"--db", db, "--seed", "--port", "0", "--auth-mode", "token"});
  CHECK(none.exit_code == 1);
  CHECK(none.err.find("needs a secret") != std::string::npos);
  const std::string short_secret = "only-31-bytes-of-secret-here-31";
  REQUIRE(short_secret.size() == 31);
  auto weak = run_actorshop({"--db", db, "--seed", "--port", "0", "--auth-mode", "token",
                             "--auth-secret-file", secret_file(dir, short_secret)});
  CHECK(weak.exit_code == 1);
  CHECK(weak.err.find("at least 32") != std::string::npos);
  CHECK(weak.err.find(short_secret) == std::string::npos); // never echoed
  CHECK(std::count(weak.err.begin(), weak.err.end(), '\n') == 1);
  auto unreadable = run_actorshop({"--db", db, "--port", "0", "--auth-mode", "token",
                                   "--auth-secret-file", dir.file("no-such-file")});
  CHECK(unreadable.exit_code == 1);
  CHECK(run_actorshop({"--db", db, "--auth-mode", "tokens"}).exit_code == 2);
}

TEST_CASE("actorshop token signs with ACTORSHOP_AUTH_SECRET and refuses bad usage with exit 2",
          "[auth][e2e]") {
  ::setenv("ACTORSHOP_AUTH_SECRET", secret.c_str(), 1);
  auto r = run_actorshop({"token", "--customer", "1001", "--ttl", "90s"});
  temp_dir dir;
  auto both = run_actorshop(
      {"token", "--customer", "1001", "--auth-secret-file", secret_file(dir, secret)});
  ::unsetenv("ACTORSHOP_AUTH_SECRET");
  REQUIRE(r.exit_code == 0);
  const auth::token_signer signer(secret);
  const domain::system_clock clock;
  auto check = signer.verify(r.out.substr(0, r.out.size() - 1), auth::unix_seconds(clock));
  CHECK(check);
  CHECK(check.customer == 1001);
  CHECK(check.expires_at - auth::unix_seconds(clock) <= 90);
  CHECK(both.exit_code == 1); // two sources of one secret: which one was meant?
  CHECK(both.err.find("keep one") != std::string::npos);

  CHECK(run_actorshop({"token"}).exit_code == 2);
  CHECK(run_actorshop({"token", "--customer", "0"}).exit_code == 2);
  CHECK(run_actorshop({"token", "--customer", "abc"}).exit_code == 2);
  CHECK(run_actorshop({"token", "--customer", "1001", "--ttl", "0"}).exit_code == 2);
  CHECK(run_actorshop({"token", "--customer", "1001", "--ttl", "5x"}).exit_code == 2);
  CHECK(run_actorshop({"token", "--customer", "1001", "--ttl", "400d"}).exit_code == 2);
  CHECK(run_actorshop({"token", "--customer", "1001"}).exit_code == 1); // no secret at all
}
