// The audit over every node's database: three real SQLite files seeded as three cluster nodes
// (each with its own shards), then broken one way at a time.
#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <variant>

#include "domain/time.hpp"
#include "storage/cluster_audit.hpp"
#include "storage/schema.hpp"
#include "storage/seed.hpp"
#include "support/temp_dir.hpp"

using namespace actorshop;
using namespace actorshop::storage;
using domain::entity_kind;

namespace {

/// Three nodes a, b, c; shard s of 12 on node s % 3 (as tests/cluster's fixture).
domain::static_shard_map three_nodes() {
  domain::cluster_spec spec;
  spec.version = 1;
  spec.shard_count = 12;
  for (const char* n : {"a", "b", "c"}) {
    spec.nodes.push_back({n, "127.0.0.1", 1, 2});
    spec.assignments.push_back({n, {}});
  }
  for (std::int64_t s = 0; s < 12; ++s)
    spec.assignments[static_cast<std::size_t>(s % 3)].second.push_back(s);
  return std::get<domain::static_shard_map>(domain::make_shard_map(spec));
}

struct cluster_files {
  test::temp_dir dir;
  domain::static_shard_map map = three_nodes();
  std::vector<node_database> nodes{
      {"a", dir.file("a.db")}, {"b", dir.file("b.db")}, {"c", dir.file("c.db")}};

  cluster_files() {
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      auto db = open(i);
      migrate(db);
      seed(db, domain::now_ms() - 1000,
           [&, i](entity_kind k, domain::id_t id) { return map.owner_of(k, id) == i; });
    }
  }
  connection open(std::size_t i) const {
    return connection(nodes[i].path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  }
  std::size_t owner(entity_kind k, domain::id_t id) const { return map.owner_of(k, id); }
  /// The first id from `first` on whose owner is (or is not, with `on` false) node `node`.
  domain::id_t id_on(entity_kind k, domain::id_t first, std::size_t node, bool on = true) const {
    for (auto id = first;; ++id)
      if ((owner(k, id) == node) == on)
        return id;
  }
  cluster_audit_result audit(bool with_map = true) const {
    cluster_audit_options o;
    o.map = with_map ? &map : nullptr;
    return audit_cluster(nodes, o);
  }
};

std::vector<std::string> names_of(const cluster_audit_result& r) {
  std::vector<std::string> out;
  for (const auto& v : r.violations) {
    UNSCOPED_INFO(v.invariant << ": " << v.detail);
    if (std::find(out.begin(), out.end(), v.invariant) == out.end())
      out.push_back(v.invariant);
  }
  return out;
}

using names = std::vector<std::string>;

void issue(connection& db, domain::id_t customer, domain::id_t coupon = seed_coupon_id) {
  db.exec("INSERT INTO customer_coupon VALUES (" + std::to_string(customer) + ", " +
          std::to_string(coupon) + ", 'AVAILABLE', '2026-11-30T00:00:00Z', NULL)");
  db.exec("UPDATE coupon SET current_quantity = current_quantity - 1 WHERE id = " +
          std::to_string(coupon));
}

/// A balance change on the customer's node, chained as the writer chains it.
void change_balance(connection& db, domain::id_t customer, const char* type, std::int64_t delta) {
  const auto c = std::to_string(customer);
  db.exec("UPDATE balance SET amount = amount + (" + std::to_string(delta) +
          ") WHERE customer_id = " + c);
  db.exec(
      "INSERT INTO balance_history (customer_id, change_type, change_amount, total_amount, "
      "created_at, prev_id) SELECT customer_id, '" +
      std::string(type) + "', " + std::to_string(delta < 0 ? -delta : delta) +
      ", amount, '2026-11-30T00:00:00Z', last_history_id FROM balance WHERE customer_id = " + c);
  db.exec("UPDATE balance SET last_history_id = last_insert_rowid() WHERE customer_id = " + c);
}

} // namespace

TEST_CASE("three freshly seeded nodes pass the cluster audit, with and without the map",
          "[storage][cluster_audit]") {
  cluster_files files;
  const auto with_map = files.audit(true);
  CHECK(names_of(with_map) == names{});
  CHECK(with_map.integrity.empty());
  CHECK(names_of(files.audit(false)) == names{});
  CHECK(cluster_invariant_names().size() == 12);
}

TEST_CASE("a cross-node order, paid with a debit on another node, passes; its debit lost or "
          "doubled does not",
          "[storage][cluster_audit]") {
  cluster_files files;
  const domain::id_t order = 9001, option = 6001;
  const auto customer =
      files.id_on(entity_kind::customer, 1001, files.owner(entity_kind::order, order), false);
  {
    auto db = files.open(files.owner(entity_kind::order, order));
    db.exec("INSERT INTO orders VALUES (9001, " + std::to_string(customer) +
            ", 'PAID', 2000, '2026-11-30T00:00:00Z', '2026-11-30T00:10:00Z', "
            "'2026-11-30T00:01:00Z')");
    db.exec("INSERT INTO order_item VALUES (9001, 5001, 6001, 'p', 'o', 2, 1000, 2000)");
    db.exec("INSERT INTO payment (order_id, customer_id, coupon_id, original_price, "
            "discount_amount, discounted_price, paid_at) VALUES (9001, " +
            std::to_string(customer) + ", NULL, 2000, 0, 2000, '2026-11-30T00:01:00Z')");
  }
  {
    auto db = files.open(files.owner(entity_kind::stock, option));
    db.exec("UPDATE stock SET quantity = quantity - 2, sold = 2 WHERE product_option_id = 6001");
  }
  auto customer_db = files.open(files.owner(entity_kind::customer, customer));
  change_balance(customer_db, customer, "USE", -2000);
  CHECK(names_of(files.audit()) == names{});

  SECTION("the debit applied twice") {
    change_balance(customer_db, customer, "USE", -2000);
    CHECK(names_of(files.audit()) == names{"money_matches_payments"});
  }
  SECTION("the debit compensated by a refund, the payment kept") {
    change_balance(customer_db, customer, "REFUND", 2000);
    CHECK(names_of(files.audit()) == names{"money_matches_payments"});
  }
  SECTION("the stock sold on a node that does not own it") {
    auto other = files.open((files.owner(entity_kind::stock, option) + 1) % 3);
    other.exec("INSERT INTO stock (id, product_option_id, quantity, sold) "
               "VALUES (9998, 6001, 99998, 2)"); // a second row, sold on the wrong node
    CHECK(names_of(files.audit()) ==
          names{"entity_on_one_node", "rows_on_owner", "stock_conserved"});
    CHECK(names_of(files.audit(false)) == names{"entity_on_one_node", "stock_conserved"});
  }
}

TEST_CASE("the cluster audit names coupons issued off the owner, twice, or beyond the count",
          "[storage][cluster_audit]") {
  cluster_files files;
  const auto owner = files.owner(entity_kind::coupon, seed_coupon_id);
  auto on_owner = files.open(owner);
  auto elsewhere = files.open((owner + 1) % 3);

  SECTION("issued on the owner: fine") {
    issue(on_owner, 1001);
    issue(on_owner, 1002);
    CHECK(names_of(files.audit()) == names{});
  }
  SECTION("a holder row on another node") {
    elsewhere.exec("INSERT INTO customer_coupon VALUES (1001, 4001, 'AVAILABLE', "
                   "'2026-11-30T00:00:00Z', NULL)");
    CHECK(names_of(files.audit()) == names{"rows_on_owner", "coupon_holders_match_quantity"});
  }
  SECTION("one customer holding it on two nodes") {
    issue(on_owner, 1001);
    elsewhere.exec("INSERT INTO customer_coupon VALUES (1001, 4001, 'AVAILABLE', "
                   "'2026-11-30T00:00:00Z', NULL)");
    CHECK(names_of(files.audit(false)) ==
          names{"coupon_holders_match_quantity", "coupon_one_per_customer"});
  }
  SECTION("a holder without the count going down") {
    on_owner.exec("INSERT INTO customer_coupon VALUES (1001, 4001, 'AVAILABLE', "
                  "'2026-11-30T00:00:00Z', NULL)");
    CHECK(names_of(files.audit()) == names{"coupon_holders_match_quantity"});
  }
}

TEST_CASE("the cluster audit names a balance on two nodes and one whose history disagrees",
          "[storage][cluster_audit]") {
  cluster_files files;
  const auto customer = seed_first_customer;
  const auto owner = files.owner(entity_kind::customer, customer);
  SECTION("a second balance row on another node") {
    auto other = files.open((owner + 1) % 3);
    other.exec("INSERT INTO balance (customer_id, amount) VALUES (1001, 5)");
    CHECK(names_of(files.audit()) == names{"entity_on_one_node", "rows_on_owner"});
  }
  SECTION("a charge whose history row is missing") {
    auto db = files.open(owner);
    change_balance(db, customer, "CHARGE", 500);
    db.exec("UPDATE balance SET amount = amount + 1 WHERE customer_id = 1001");
    CHECK(names_of(files.audit()) == names{"balance_matches_history"});
  }
}

TEST_CASE("the cluster audit names a saga step applied on two nodes or off its owner",
          "[storage][cluster_audit]") {
  cluster_files files;
  SECTION("a table with step ids only") {
    for (std::size_t i : {0, 1}) {
      auto db = files.open(i);
      db.exec("CREATE TABLE applied_step (step_id TEXT PRIMARY KEY, outcome TEXT NOT NULL)");
      db.exec("INSERT INTO applied_step VALUES ('order-9001/debit', 'ok')");
    }
    CHECK(names_of(files.audit()) == names{"step_applied_once"});
  }
  SECTION("a table naming each step's entity") {
    const auto customer = seed_first_customer;
    const auto wrong = (files.owner(entity_kind::customer, customer) + 1) % 3;
    auto db = files.open(wrong);
    db.exec("CREATE TABLE applied_step (step_id TEXT PRIMARY KEY, outcome TEXT NOT NULL, "
            "entity_kind TEXT, entity_id INTEGER)");
    db.exec("INSERT INTO applied_step VALUES ('order-9001/debit', 'ok', 'customer', 1001)");
    CHECK(names_of(files.audit()) == names{"step_on_owner"});
    CHECK(names_of(files.audit(false)) == names{});
  }
}

TEST_CASE("the cluster audit checks every row against the initial stock when it is given",
          "[storage][cluster_audit]") {
  cluster_files files;
  cluster_audit_options o;
  o.map = &files.map;
  o.stock_initial = seed_stock_quantity;
  CHECK(audit_cluster(files.nodes, o).ok());
  o.stock_initial = seed_stock_quantity + 1;
  CHECK(audit_cluster(files.nodes, o).violations.size() == 60); // one stock row per option
  // A stock row is state, kept on its option's owner only: a second copy anywhere is named.
  auto other = files.open((files.owner(entity_kind::stock, 6002) + 1) % 3);
  other.exec("INSERT INTO stock (id, product_option_id, quantity) VALUES (9999, 6002, 100000)");
  CHECK(names_of(files.audit()) == names{"entity_on_one_node", "rows_on_owner"});
}
