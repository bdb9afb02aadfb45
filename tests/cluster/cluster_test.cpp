// Scale-out preview: three real daemons on loopback, one cluster file, one database each.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <fstream>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "cluster/cluster_fixture.hpp"
#include "storage/sqlite.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"
#include "support/wait.hpp"

using namespace actorshop;
using namespace actorshop::test;
using domain::entity_kind;

namespace {

constexpr domain::id_t seed_coupon = 4001;

std::string issue_body(domain::id_t customer) {
  return R"({"couponId":)" + std::to_string(seed_coupon) + R"(,"customerId":)" +
         std::to_string(customer) + "}";
}

std::string charge_body(domain::id_t customer, std::int64_t amount) {
  return R"({"customerId":)" + std::to_string(customer) + R"(,"amount":)" + std::to_string(amount) +
         "}";
}

std::int64_t count(const std::string& db_path, const std::string& sql) {
  storage::connection db(db_path, SQLITE_OPEN_READONLY);
  db.busy_timeout(5000);
  return db.query_int64(sql);
}

} // namespace

TEST_CASE("every node serves the coupon and customer API of every shard", "[cluster]") {
  three_node_cluster cluster;
  for (std::size_t via = 0; via < cluster.size; ++via) {
    client c(cluster.http_port(via));
    for (std::size_t owner = 0; owner < cluster.size; ++owner) {
      const auto customer = cluster.customer_on(owner);
      const auto before =
          json_int_field(c.get("/balances/" + std::to_string(customer)).body, "amount");
      auto charged = c.request("PATCH", "/balances/charge", charge_body(customer, 1000));
      REQUIRE(charged.status == 200);
      CHECK(json_int_field(charged.body, "amount") == before + 1000);
      // Every node reads the owner's committed state.
      for (std::size_t reader = 0; reader < cluster.size; ++reader) {
        client r(cluster.http_port(reader));
        auto b = r.get("/balances/" + std::to_string(customer));
        REQUIRE(b.status == 200);
        CHECK(json_int_field(b.body, "amount") == before + 1000);
        auto h = r.get("/balances/" + std::to_string(customer) + "/balance-histories?limit=1");
        REQUIRE(h.status == 200);
        CHECK(json_int_field(h.body, "totalAmount") == before + 1000);
      }
    }
    // A coupon issued through any node is held once; a second issue is the owner's 409.
    const auto holder = cluster.customer_on((via + 1) % cluster.size) + 3 * 100;
    auto issued = c.post("/coupons/issue", issue_body(holder));
    REQUIRE(issued.status == 201);
    auto again = c.post("/coupons/issue", issue_body(holder));
    CHECK(again.status == 409);
    CHECK(again.body.find("COUPON_ALREADY_ISSUED") != std::string::npos);
    CHECK(c.post("/coupons/issue", R"({"couponId":4999,"customerId":1001})").status == 404);
    CHECK(c.get("/balances/999999").status == 404);
    CHECK(c.get("/products").status == 200);
    auto metrics = c.get("/metrics").body;
    for (const char* name : {"a", "b", "c"})
      CHECK(metrics.find(std::string("actorshop_cluster_peer_up{node=\"") + name + "\"} 1") !=
            std::string::npos);
    CHECK(metrics.find("actorshop_cluster_calls_total{owner=\"remote\"}") != std::string::npos);
    // The cross-shard routes are served (saga_test.cpp): an empty order is the owner's 400.
    auto order = c.post("/orders", R"({"customerId":1001,"items":[]})");
    CHECK(order.status == 400);
  }
}

TEST_CASE("1,500 issuers over three nodes get exactly the coupon total, each node keeps its "
          "shards",
          "[cluster]") {
  three_node_cluster cluster;
  std::atomic<int> created{0}, sold_out{0}, other{0};
  std::vector<std::thread> issuers;
  constexpr int per_thread = 100; // 15 threads x 100 = 1,500 distinct customers 1001..2500
  for (int t = 0; t < 15; ++t)
    issuers.emplace_back([&, t] {
      client c(cluster.http_port(static_cast<std::size_t>(t) % cluster.size));
      for (int i = 0; i < per_thread; ++i) {
        auto r = c.post("/coupons/issue", issue_body(1001 + t * per_thread + i));
        if (r.status == 201)
          ++created;
        else if (r.status == 409 && r.body.find("COUPON_INSUFFICIENT") != std::string::npos)
          ++sold_out;
        else
          ++other;
      }
    });
  for (auto& t : issuers)
    t.join();
  CHECK(created == 1000);
  CHECK(sold_out == 500);
  CHECK(other == 0);

  const auto coupon_owner = cluster.owner_of(entity_kind::coupon, seed_coupon);
  for (std::size_t i = 0; i < cluster.size; ++i) {
    const bool owner = i == coupon_owner;
    CHECK(count(cluster.db(i), "SELECT COUNT(*) FROM coupon") == (owner ? 1 : 0));
    CHECK(count(cluster.db(i), "SELECT COUNT(*) FROM customer_coupon") == (owner ? 1000 : 0));
    CHECK(count(cluster.db(i), "SELECT COUNT(DISTINCT customer_id) FROM customer_coupon") ==
          (owner ? 1000 : 0));
    CHECK(count(cluster.db(i), "SELECT current_quantity FROM coupon UNION ALL SELECT 0 "
                               "LIMIT 1") == 0);
    // Balances: this node's customers, all of them, and nobody else's.
    std::int64_t mine = 0;
    for (domain::id_t id = 1001; id <= 3000; ++id)
      mine += cluster.owner_of(entity_kind::customer, id) == i;
    CHECK(count(cluster.db(i), "SELECT COUNT(*) FROM balance") == mine);
  }

  // Each other node has heard "sold out" from the owner: with the owner gone it still answers
  // 409 from its own cache, not 503.
  cluster.kill(coupon_owner);
  for (std::size_t i = 0; i < cluster.size; ++i) {
    if (i == coupon_owner)
      continue;
    client c(cluster.http_port(i));
    auto r = c.post("/coupons/issue", issue_body(2999));
    CHECK(r.status == 409);
    CHECK(r.body.find("COUPON_INSUFFICIENT") != std::string::npos);
  }
}

TEST_CASE("a killed node's shards answer 503 SHARD_UNAVAILABLE, the rest are served, a restart "
          "serves them again",
          "[cluster]") {
  three_node_cluster cluster;
  constexpr std::size_t victim = 1;
  const auto lost = "/balances/" + std::to_string(cluster.customer_on(victim));
  cluster.kill(victim);
  for (std::size_t via : {std::size_t{0}, std::size_t{2}}) {
    client c(cluster.http_port(via));
    REQUIRE(wait_for_state([&] { return c.get(lost).status == 503; }));
    auto r = c.get(lost);
    CHECK(r.body.find("SHARD_UNAVAILABLE") != std::string::npos);
    CHECK(r.header("retry-after") == "1");
    CHECK(c.get("/metrics").body.find("actorshop_cluster_peer_up{node=\"b\"} 0") !=
          std::string::npos);
    auto charge =
        c.request("PATCH", "/balances/charge", charge_body(cluster.customer_on(victim), 10));
    CHECK(charge.status == 503);
    CHECK(charge.body.find("SHARD_UNAVAILABLE") != std::string::npos);
    for (std::size_t alive : {std::size_t{0}, std::size_t{2}}) {
      const auto customer = cluster.customer_on(alive);
      CHECK(c.get("/balances/" + std::to_string(customer)).status == 200);
      CHECK(c.request("PATCH", "/balances/charge", charge_body(customer, 10)).status == 200);
    }
  }
  cluster.start(victim);
  for (std::size_t via : {std::size_t{0}, std::size_t{2}}) {
    client c(cluster.http_port(via));
    REQUIRE(wait_for_state([&] { return c.get(lost).status == 200; }));
    CHECK(c.request("PATCH", "/balances/charge", charge_body(cluster.customer_on(victim), 10))
              .status == 200);
  }
}

TEST_CASE("a silent node (SIGSTOP) is dropped after the cluster file's connection timeout and "
          "served again once it wakes",
          "[cluster]") {
  three_node_cluster cluster; // heartbeats every 100 ms, connection timeout 1 s
  constexpr std::size_t silent = 2;
  const auto lost = "/balances/" + std::to_string(cluster.customer_on(silent));
  cluster.signal(silent, SIGSTOP); // its sockets stay open: only the BASP timeout can tell
  client c(cluster.http_port(0));
  int timeouts = 0; // a request caught on the wire must fail with the link, not at its timeout
  REQUIRE(wait_for_state([&] {
    auto r = c.get(lost);
    timeouts += r.status == 504;
    return r.status == 503 && r.body.find("SHARD_UNAVAILABLE") != std::string::npos;
  }));
  CHECK(timeouts == 0);
  CHECK(c.get("/balances/" + std::to_string(cluster.customer_on(1))).status == 200);
  cluster.signal(silent, SIGCONT);
  REQUIRE(wait_for_state([&] { return c.get(lost).status == 200; }));
}

TEST_CASE("a node refuses to start with a bad cluster file, an unknown --node or another port",
          "[cluster]") {
  temp_dir dir;
  const auto file = dir.file("cluster.toml");
  auto write = [&](const std::string& text) { std::ofstream(file) << text; };
  const auto http = std::to_string(free_port()), other = std::to_string(free_port());
  const auto actor_port = free_port();
  const std::string nodes = "[[nodes]]\nname = \"a\"\nhost = \"127.0.0.1\"\nhttp_port = " + http +
                            "\nactor_port = " + std::to_string(actor_port) + "\n";
  auto run = [&](const std::string& node, const std::string& port) {
    return run_actorshop(
        {"--cluster-file", file, "--node", node, "--port", port, "--db", dir.file("a.db")});
  };
  write("version = 1\nshards = 2\n" + nodes + "[assignments]\na = [0]\n");
  auto r = run("a", http);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("shard 1 is not assigned to any node") != std::string::npos);

  write("version = 1\nshards = 2\n" + nodes + "[assignments]\na = [0, 1]\n");
  r = run("z", http);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("--node 'z' is not one of its [[nodes]]") != std::string::npos);

  r = run("a", other);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("listens on http_port " + http + ", not on --port " + other) !=
        std::string::npos);

  { // the actor port taken by another process: exit 1 with the reason, no hang
    const int taken = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(actor_port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(taken, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(taken, 1) == 0);
    r = run("a", http);
    ::close(taken);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("cannot publish the gateway on 127.0.0.1:" + std::to_string(actor_port)) !=
          std::string::npos);
  }

  r = run_actorshop({"--cluster-file", file, "--db", dir.file("a.db")});
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("--cluster-file and --node go together") != std::string::npos);
}

TEST_CASE("actorshop audit checks the three nodes' databases together, next to the running "
          "nodes, and names a row off its owner",
          "[cluster]") {
  three_node_cluster cluster;
  for (std::size_t via = 0; via < cluster.size; ++via) {
    client c(cluster.http_port(via));
    REQUIRE(c.post("/coupons/issue", issue_body(cluster.customer_on(via) + 1)).status == 201);
    for (std::size_t owner = 0; owner < cluster.size; ++owner)
      REQUIRE(c.request("PATCH", "/balances/charge", charge_body(cluster.customer_on(owner), 7))
                  .status == 200);
  }
  const auto dbs = cluster.db(0) + "," + cluster.db(1) + "," + cluster.db(2);
  auto r = run_actorshop({"audit", "--cluster-file", cluster.cluster_file(), "--db", dbs,
                          "--stock-initial", "100000"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("audit: 3 nodes ok") != std::string::npos);

  r = run_actorshop({"audit", "--cluster-file", cluster.cluster_file(), "--db",
                     cluster.db(0) + "," + cluster.db(1)});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("names 3 nodes but --db gives 2 files") != std::string::npos);

  // A holder of the coupon written on a node that does not own it.
  const auto stray = (cluster.owner_of(entity_kind::coupon, seed_coupon) + 1) % cluster.size;
  {
    storage::connection db(cluster.db(stray), SQLITE_OPEN_READWRITE);
    db.busy_timeout(5000);
    db.exec("INSERT INTO customer_coupon VALUES (2999, 4001, 'AVAILABLE', "
            "'2026-11-30T00:00:00Z', NULL)");
  }
  r = run_actorshop({"audit", "--cluster-file", cluster.cluster_file(), "--db", dbs});
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("rows_on_owner: 1 holders of coupon 4001 are on node") != std::string::npos);
  CHECK(r.out.find("coupon_holders_match_quantity") != std::string::npos);
}

namespace {

/// The stock GET /products lists for `product`, or -1 if it is not listed.
std::int64_t listed_stock(const std::string& body, domain::id_t product) {
  const auto at = body.find("{\"id\":" + std::to_string(product) + ",");
  if (at == std::string::npos)
    return -1;
  return json_int_field(body.substr(at, body.find('}', at) - at + 1), "stock");
}

std::size_t listed_products(const std::string& body) {
  std::size_t n = 0;
  for (auto at = body.find("{\"id\":"); at != std::string::npos; at = body.find("{\"id\":", at + 1))
    ++n;
  return n;
}

} // namespace

TEST_CASE("GET /products through any node sums each product's stock over its options' owners, "
          "and answers 503 SHARD_UNAVAILABLE while an owner is down",
          "[cluster]") {
  three_node_cluster cluster;
  domain::id_t option = 6001; // the first seed option whose stock row is on node c
  while (cluster.owner_of(domain::entity_kind::stock, option) != 2)
    ++option;
  const domain::id_t product = 5001 + (option - 6001) / 3, other = product == 5001 ? 5002 : 5001;
  constexpr std::int64_t all_options = 3 * 100'000; // S, M and L, seeded with 100,000 each
  client c1(cluster.http_port(1));
  auto created = c1.post("/orders", R"({"customerId":)" + std::to_string(cluster.customer_on(0)) +
                                        R"(,"items":[{"productId":)" + std::to_string(product) +
                                        R"(,"productOptionId":)" + std::to_string(option) +
                                        R"(,"quantity":5}]})");
  REQUIRE(created.status == 201); // 5 units reserved on node c
  for (std::size_t via = 0; via < cluster.size; ++via) {
    client c(cluster.http_port(via));
    auto listed = c.get("/products");
    REQUIRE(listed.status == 200);
    CHECK(listed_products(listed.body) == 20);
    CHECK(listed_stock(listed.body, product) == all_options - 5);
    CHECK(listed_stock(listed.body, other) == all_options);
  }

  cluster.kill(2);
  client c0(cluster.http_port(0));
  CHECK(wait_for_state([&] {
    auto r = c0.get("/products");
    return r.status == 503 && r.body.find("SHARD_UNAVAILABLE") != std::string::npos;
  }));
  cluster.start(2);
  cluster.wait_until_linked();
  CHECK(listed_stock(c0.get("/products").body, product) == all_options - 5);
}

namespace {

constexpr std::int64_t seed_stock = 100'000;

/// The seed option `k` (0: S, 1: M, 2: L) of `product`.
domain::id_t option_of(domain::id_t product, int k) { return 6001 + 3 * (product - 5001) + k; }

/// The nodes owning the stock rows of `product`'s three options.
std::set<std::size_t> stock_owners(const three_node_cluster& cluster, domain::id_t product) {
  std::set<std::size_t> out;
  for (int k = 0; k < 3; ++k)
    out.insert(cluster.owner_of(entity_kind::stock, option_of(product, k)));
  return out;
}

/// Creates an order of `lines` for `customer` through `c`, and pays it if `pay`; returns its id.
domain::id_t place(client& c, domain::id_t customer,
                   const std::vector<std::pair<domain::id_t, std::int64_t>>& lines, bool pay) {
  auto created = c.post("/orders", order_body(customer, lines));
  REQUIRE(created.status == 201);
  const auto order = json_int_field(created.body, "orderId");
  if (pay)
    REQUIRE(c.post("/payments", pay_body(order)).status == 201);
  return order;
}

/// GET `path` through every node: each answers 200 with the body the single daemon `alone`
/// answers for the same orders. Returns that body, parsed.
nlohmann::json same_through_every_node(const three_node_cluster& cluster, client& alone,
                                       const std::string& path) {
  const auto expected = alone.get(path);
  REQUIRE(expected.status == 200);
  for (std::size_t via = 0; via < cluster.size; ++via) {
    client c(cluster.http_port(via));
    auto r = c.get(path);
    CHECK(r.status == 200);
    CHECK(r.body == expected.body);
  }
  return nlohmann::json::parse(expected.body);
}

bool shard_unavailable(const response& r) {
  return r.status == 503 && r.body.find("SHARD_UNAVAILABLE") != std::string::npos;
}

} // namespace

TEST_CASE("GET /products/{id} through any node reads each option's stock from its stock row's "
          "owner, the body of a single daemon with the same orders, and answers 503 while an "
          "owner is down",
          "[cluster]") {
  three_node_cluster cluster;
  temp_dir dir; // one daemon with the whole seed: the single-node answer for the same orders
  daemon_process single(seeded_args(dir.path.string(), dir.file("single.db")));
  client alone(single.port());
  domain::id_t product = 5001; // options on more than one node
  while (product < 5020 && stock_owners(cluster, product).size() < 2)
    ++product;
  REQUIRE(stock_owners(cluster, product).size() >= 2);
  // Option k gets k + 2 units reserved, by a customer of node k, through node k + 1.
  for (int k = 0; k < 3; ++k) {
    const std::size_t node = static_cast<std::size_t>(k);
    const std::vector<std::pair<domain::id_t, std::int64_t>> lines{{option_of(product, k), k + 2}};
    client via(cluster.http_port((node + 1) % cluster.size));
    place(via, cluster.customer_on(node), lines, false);
    place(alone, cluster.customer_on(node), lines, false);
  }
  const auto path = "/products/" + std::to_string(product);
  const auto options = same_through_every_node(cluster, alone, path).at("options");
  REQUIRE(options.size() == 3);
  for (int k = 0; k < 3; ++k) { // and it is what the owners' rows say
    const auto option = option_of(product, k);
    CHECK(options[k].at("id").get<domain::id_t>() == option);
    CHECK(options[k].at("stock").get<std::int64_t>() == seed_stock - (k + 2));
    CHECK(count(cluster.db(cluster.owner_of(entity_kind::stock, option)),
                "SELECT quantity FROM stock WHERE product_option_id = " + std::to_string(option)) ==
          seed_stock - (k + 2));
  }
  for (std::size_t via = 0; via < cluster.size; ++via) {
    auto unknown = client(cluster.http_port(via)).get("/products/5999");
    CHECK(unknown.status == 404);
    CHECK(unknown.body.find("PRODUCT_NOT_FOUND") != std::string::npos);
  }
  const auto expected = alone.get(path).body;

  const auto victim = cluster.owner_of(entity_kind::stock, option_of(product, 0));
  const auto survivor = (victim + 1) % cluster.size;
  cluster.kill(victim);
  client c(cluster.http_port(survivor));
  CHECK(wait_for_state([&] { return shard_unavailable(c.get(path)); }));
  // A product none of whose options is on the lost node is still served: only owners are asked.
  for (domain::id_t other = 5001; other <= 5020; ++other)
    if (stock_owners(cluster, other).count(victim) == 0) {
      CHECK(c.get("/products/" + std::to_string(other)).status == 200);
      break;
    }
  cluster.start(victim);
  cluster.wait_until_linked();
  CHECK(c.get(path).body == expected);
}

TEST_CASE("GET /products/popular through any node ranks the units paid summed over every node's "
          "orders, as a single daemon with the same orders does, and answers 503 while a node is "
          "down",
          "[cluster]") {
  three_node_cluster cluster;
  temp_dir dir;
  daemon_process single(seeded_args(dir.path.string(), dir.file("single.db")));
  client alone(single.port());
  // Orders live on their customer's node. Node c alone sells six products one unit each: its own
  // top five leaves out 5015, which node a sells too, so ranking per node and merging the top
  // lists would miss 5015's second unit. Summed: 5001 and 5002 tie at 4 (the lower id first),
  // then 5015 with 2, then 5010 and 5011 of the ones with 1 (by id).
  auto s = [](domain::id_t product, std::int64_t qty) {
    return std::pair{option_of(product, 0), qty};
  };
  const std::array<std::vector<std::pair<domain::id_t, std::int64_t>>, 3> sold{
      {{s(5001, 3), s(5015, 1)},
       {s(5001, 1), s(5002, 4)},
       {s(5010, 1), s(5011, 1), s(5012, 1), s(5013, 1), s(5014, 1), s(5015, 1)}}};
  for (std::size_t node = 0; node < cluster.size; ++node) {
    client via(cluster.http_port((node + 2) % cluster.size));
    place(via, cluster.customer_on(node), sold[node], true);
    place(alone, cluster.customer_on(node), sold[node], true);
    CHECK(count(cluster.db(node), "SELECT COUNT(*) FROM product_sales_daily") ==
          static_cast<std::int64_t>(sold[node].size())); // each node counts its own orders
  }
  const std::vector<std::pair<domain::id_t, std::int64_t>> ranked{
      {5001, 4}, {5002, 4}, {5015, 2}, {5010, 1}, {5011, 1}};
  for (const char* days : {"", "?days=30"}) {
    const auto top =
        same_through_every_node(cluster, alone, std::string("/products/popular") + days);
    REQUIRE(top.size() == ranked.size());
    for (std::size_t i = 0; i < ranked.size(); ++i) { // and it is what the nodes' rows say
      const auto [product, units] = ranked[i];
      CHECK(top[i].at("id").get<domain::id_t>() == product);
      CHECK(top[i].at("totalSales").get<std::int64_t>() == units);
      std::int64_t over_nodes = 0;
      for (std::size_t n = 0; n < cluster.size; ++n)
        over_nodes += count(cluster.db(n), "SELECT COALESCE(SUM(quantity), 0) FROM "
                                           "product_sales_daily WHERE product_id = " +
                                               std::to_string(product));
      CHECK(over_nodes == units);
    }
  }
  client c0(cluster.http_port(0));
  CHECK(c0.get("/products/popular?days=0").body.find("INVALID_PERIOD") != std::string::npos);
  CHECK(c0.get("/products/popular?days=31").status == 400);

  const auto expected = alone.get("/products/popular").body;
  cluster.kill(2);
  CHECK(wait_for_state([&] { return shard_unavailable(c0.get("/products/popular")); }));
  cluster.start(2);
  cluster.wait_until_linked();
  CHECK(c0.get("/products/popular").body == expected);
}
