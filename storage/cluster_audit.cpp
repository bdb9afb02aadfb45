// Every node's file is ATTACHed (read-only) to one in-memory connection, and a TEMP view per
// table (`all_orders` ...) unions the nodes with a `node` column, so a cross-shard invariant is one
// query, written like the single-node ones in audit.cpp. Two SQL functions bring the placement
// rules in: node_name(i) and owner(kind, id) (the owner's name by the shard map). Ids that are
// global (coupon, customer, order, option) join across nodes; ids a node allocates on its own
// (balance_history.id) join within a node only.
#include "storage/cluster_audit.hpp"

#include <sqlite3.h>

#include <array>
#include <stdexcept>
#include <string_view>

namespace actorshop::storage {
namespace {

/// The tables unioned across nodes (applied_step is added when a node has it).
constexpr std::array<std::string_view, 8> sharded_tables = {
    "coupon", "customer_coupon", "balance",    "balance_history",
    "stock",  "orders",          "order_item", "payment"};

struct invariant {
  std::string_view name;
  bool needs_map; ///< placement: skipped without a shard map
  std::string_view sql;
};

// Kinds in owner(kind, id) are domain::entity_kind: customer 1, coupon 2, stock 3, order 4.
// Stock is still reference data on every node (orders are refused in cluster mode until the
// saga places them), so a copy off its owner is allowed while it has never moved.
constexpr std::array<invariant, 12> invariants = {{
    {"entity_on_one_node", false, R"sql(
SELECT printf('coupon %d is on %d nodes (%s)', id, COUNT(*), group_concat(node_name(node)))
FROM all_coupon GROUP BY id HAVING COUNT(*) > 1
UNION ALL
SELECT printf('customer %d has a balance on %d nodes (%s)', customer_id, COUNT(*),
              group_concat(node_name(node)))
FROM all_balance GROUP BY customer_id HAVING COUNT(*) > 1
UNION ALL
SELECT printf('customer %d has balance history on %d nodes', customer_id, COUNT(DISTINCT node))
FROM all_balance_history GROUP BY customer_id HAVING COUNT(DISTINCT node) > 1
UNION ALL
SELECT printf('order %d is on %d nodes (%s)', id, COUNT(*), group_concat(node_name(node)))
FROM all_orders GROUP BY id HAVING COUNT(*) > 1
UNION ALL
SELECT printf('order %d has %d payments (%s)', order_id, COUNT(*), group_concat(node_name(node)))
FROM all_payment GROUP BY order_id HAVING COUNT(*) > 1
UNION ALL
SELECT printf('option %d: its stock row is on %d nodes (%s)', product_option_id, COUNT(*),
              group_concat(node_name(node)))
FROM all_stock GROUP BY product_option_id HAVING COUNT(*) > 1)sql"},
    {"rows_on_owner", true, R"sql(
SELECT printf('coupon %d is on node %s, its owner is %s', id, node_name(node), owner(2, id))
FROM all_coupon WHERE owner(2, id) != node_name(node)
UNION ALL
SELECT printf('%d holders of coupon %d are on node %s, its owner is %s', COUNT(*), coupon_id,
              node_name(node), owner(2, coupon_id))
FROM all_customer_coupon WHERE owner(2, coupon_id) != node_name(node) GROUP BY node, coupon_id
UNION ALL
SELECT printf('customer %d: balance on node %s, owner %s', customer_id, node_name(node),
              owner(1, customer_id))
FROM all_balance WHERE owner(1, customer_id) != node_name(node)
UNION ALL
SELECT printf('customer %d: %d history rows on node %s, owner %s', customer_id, COUNT(*),
              node_name(node), owner(1, customer_id))
FROM all_balance_history WHERE owner(1, customer_id) != node_name(node)
GROUP BY node, customer_id
UNION ALL
SELECT printf('order %d is on node %s, its owner is %s', id, node_name(node), owner(4, id))
FROM all_orders WHERE owner(4, id) != node_name(node)
UNION ALL
SELECT printf('order %d: %d items on node %s, owner %s', order_id, COUNT(*), node_name(node),
              owner(4, order_id))
FROM all_order_item WHERE owner(4, order_id) != node_name(node) GROUP BY node, order_id
UNION ALL
SELECT printf('payment of order %d is on node %s, the order''s owner is %s', order_id,
              node_name(node), owner(4, order_id))
FROM all_payment WHERE owner(4, order_id) != node_name(node)
UNION ALL
SELECT printf('option %d: stock row on node %s (reserved %d, sold %d), its owner is %s',
              product_option_id, node_name(node), reserved, sold, owner(3, product_option_id))
FROM all_stock WHERE owner(3, product_option_id) != node_name(node))sql"},
    {"coupon_holders_match_quantity", false, R"sql(
WITH holders AS (SELECT coupon_id, COUNT(*) AS n FROM all_customer_coupon GROUP BY coupon_id)
SELECT printf('coupon %d (node %s): total %d - remaining %d != %d holders on all nodes, or ' ||
              'holders above total', c.id, node_name(c.node), c.total_quantity,
              c.current_quantity, COALESCE(h.n, 0))
FROM all_coupon c LEFT JOIN holders h ON h.coupon_id = c.id
WHERE c.total_quantity - c.current_quantity != COALESCE(h.n, 0)
   OR COALESCE(h.n, 0) > c.total_quantity
UNION ALL
SELECT printf('%d holders of coupon %d on node %s, which no node has', COUNT(*), coupon_id,
              node_name(node))
FROM all_customer_coupon cc WHERE NOT EXISTS (SELECT 1 FROM all_coupon c WHERE c.id = cc.coupon_id)
GROUP BY node, coupon_id)sql"},
    {"coupon_one_per_customer", false, R"sql(
SELECT printf('customer %d holds coupon %d %d times (%s)', customer_id, coupon_id, COUNT(*),
              group_concat(node_name(node)))
FROM all_customer_coupon GROUP BY customer_id, coupon_id HAVING COUNT(*) > 1)sql"},
    {"balance_matches_history", false, R"sql(
SELECT printf('customer %d (node %s): balance %d, last history total %d', b.customer_id,
              node_name(b.node), b.amount, h.total_amount)
FROM all_balance b JOIN all_balance_history h ON h.node = b.node AND h.id = b.last_history_id
WHERE b.amount != h.total_amount
UNION ALL
SELECT printf('customer %d (node %s): balance %d has no last history row', b.customer_id,
              node_name(b.node), b.amount)
FROM all_balance b WHERE b.last_history_id IS NOT NULL AND NOT EXISTS (
  SELECT 1 FROM all_balance_history h WHERE h.node = b.node AND h.id = b.last_history_id)
UNION ALL
SELECT printf('history %d (customer %d, node %s): total %d != previous %d %s %d', h.id,
              h.customer_id, node_name(h.node), h.total_amount, p.total_amount,
              CASE h.change_type WHEN 'USE' THEN '-' ELSE '+' END, h.change_amount)
FROM all_balance_history h JOIN all_balance_history p ON p.node = h.node AND p.id = h.prev_id
WHERE h.customer_id != p.customer_id OR h.total_amount != p.total_amount +
      CASE h.change_type WHEN 'USE' THEN -h.change_amount ELSE h.change_amount END)sql"},
    {"money_matches_payments", false, R"sql(
WITH spent AS (
  SELECT customer_id, SUM(CASE change_type WHEN 'USE' THEN change_amount
                          WHEN 'REFUND' THEN -change_amount ELSE 0 END) AS net
  FROM all_balance_history GROUP BY customer_id),
paid AS (SELECT customer_id, SUM(discounted_price) AS total FROM all_payment GROUP BY customer_id),
who AS (SELECT customer_id FROM spent UNION SELECT customer_id FROM paid)
SELECT printf('customer %d: debited %d net of refunds on all nodes, payments total %d',
              w.customer_id, COALESCE(s.net, 0), COALESCE(p.total, 0))
FROM who w LEFT JOIN spent s ON s.customer_id = w.customer_id
           LEFT JOIN paid p ON p.customer_id = w.customer_id
WHERE COALESCE(s.net, 0) != COALESCE(p.total, 0))sql"},
    {"stock_conserved", false, R"sql(
WITH moved AS (
  SELECT i.product_option_id AS option_id,
         SUM(CASE WHEN o.status = 'CREATED' THEN i.quantity ELSE 0 END) AS open_units,
         SUM(CASE WHEN o.status = 'PAID' THEN i.quantity ELSE 0 END) AS paid_units
  FROM all_order_item i JOIN all_orders o ON o.node = i.node AND o.id = i.order_id
  GROUP BY i.product_option_id),
held AS (SELECT product_option_id AS option_id, SUM(reserved) AS reserved, SUM(sold) AS sold
         FROM all_stock GROUP BY product_option_id)
SELECT printf('option %d: reserved %d, units in open orders on all nodes %d; sold %d, units in ' ||
              'paid orders %d', h.option_id, h.reserved, COALESCE(m.open_units, 0), h.sold,
              COALESCE(m.paid_units, 0))
FROM held h LEFT JOIN moved m ON m.option_id = h.option_id
WHERE h.reserved != COALESCE(m.open_units, 0) OR h.sold != COALESCE(m.paid_units, 0)
UNION ALL
SELECT printf('option %d: %d units in orders, no stock row on any node', m.option_id,
              m.open_units + m.paid_units)
FROM moved m WHERE NOT EXISTS (SELECT 1 FROM held h WHERE h.option_id = m.option_id))sql"},
    {"stock_initial", false, R"sql(
SELECT printf('option %d (node %s): available %d + reserved %d + sold %d != initial %d',
              product_option_id, node_name(node), quantity, reserved, sold, ?1)
FROM all_stock WHERE ?1 >= 0 AND quantity + reserved + sold != ?1
UNION ALL
SELECT printf('option %d: its copies disagree on available + reserved + sold (%d..%d)',
              product_option_id, MIN(quantity + reserved + sold), MAX(quantity + reserved + sold))
FROM all_stock WHERE ?1 < 0 GROUP BY product_option_id
HAVING MIN(quantity + reserved + sold) != MAX(quantity + reserved + sold))sql"},
    {"payments_match_orders", false, R"sql(
SELECT printf('order %d (node %s) is PAID without a payment on any node', o.id, node_name(o.node))
FROM all_orders o
WHERE o.status = 'PAID' AND NOT EXISTS (SELECT 1 FROM all_payment p WHERE p.order_id = o.id)
UNION ALL
SELECT printf('payment %d (node %s): order %d is %s', p.id, node_name(p.node), p.order_id,
              COALESCE(o.status, 'missing'))
FROM all_payment p LEFT JOIN all_orders o ON o.id = p.order_id WHERE o.status IS NOT 'PAID'
UNION ALL
SELECT printf('payment %d (node %s): original %d (order total %d) - discount %d != paid %d', p.id,
              node_name(p.node), p.original_price, o.total_price, p.discount_amount,
              p.discounted_price)
FROM all_payment p JOIN all_orders o ON o.id = p.order_id
WHERE p.discounted_price != p.original_price - p.discount_amount
   OR p.original_price != o.total_price)sql"},
    {"coupon_used_by_payment", false, R"sql(
SELECT printf('payment %d (node %s) used coupon %d, which customer %d does not hold as USED', p.id,
              node_name(p.node), p.coupon_id, p.customer_id)
FROM all_payment p WHERE p.coupon_id IS NOT NULL AND NOT EXISTS (
  SELECT 1 FROM all_customer_coupon cc WHERE cc.customer_id = p.customer_id
     AND cc.coupon_id = p.coupon_id AND cc.status = 'USED')
UNION ALL
SELECT printf('%d coupons are USED on all nodes but %d payments used one', used, paid) FROM (
  SELECT (SELECT COUNT(*) FROM all_customer_coupon WHERE status = 'USED') AS used,
         (SELECT COUNT(*) FROM all_payment WHERE coupon_id IS NOT NULL) AS paid)
WHERE used != paid)sql"},
    {"step_applied_once", false, R"sql(
SELECT printf('step %s is applied on %d nodes (%s)', step_id, COUNT(*),
              group_concat(node_name(node)))
FROM all_applied_step GROUP BY step_id HAVING COUNT(*) > 1)sql"},
    {"step_on_owner", true, R"sql(
SELECT printf('step %s applied on node %s, the owner of %s %d is %s', step_id, node_name(node),
              entity_kind, entity_id, owner(kind_code, entity_id))
FROM all_applied_step WHERE kind_code IS NOT NULL AND owner(kind_code, entity_id) != node_name(node))sql"},
}};

/// What the SQL functions read: the audited nodes' names and the shard map.
struct function_context {
  const std::vector<node_database>* nodes;
  const domain::shard_map* map;
};

void node_name_fn(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const auto* fc = static_cast<const function_context*>(sqlite3_user_data(ctx));
  const auto i = sqlite3_value_int64(argv[0]);
  if (i < 0 || static_cast<std::size_t>(i) >= fc->nodes->size())
    return sqlite3_result_null(ctx);
  const auto& name = (*fc->nodes)[static_cast<std::size_t>(i)].name;
  sqlite3_result_text(ctx, name.c_str(), static_cast<int>(name.size()), SQLITE_TRANSIENT);
}

void owner_fn(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const auto* fc = static_cast<const function_context*>(sqlite3_user_data(ctx));
  const auto kind = sqlite3_value_int64(argv[0]);
  if (sqlite3_value_type(argv[1]) == SQLITE_NULL || kind < 1 || kind > 4)
    return sqlite3_result_null(ctx);
  const auto owner = fc->map->owner_of(static_cast<domain::entity_kind>(kind),
                                       static_cast<domain::id_t>(sqlite3_value_int64(argv[1])));
  const auto& name = fc->map->nodes()[owner].name;
  sqlite3_result_text(ctx, name.c_str(), static_cast<int>(name.size()), SQLITE_TRANSIENT);
}

void add_function(connection& db, const char* name, int args, function_context* fc,
                  void (*fn)(sqlite3_context*, int, sqlite3_value**)) {
  const int rc =
      sqlite3_create_function_v2(db.handle(), name, args, SQLITE_UTF8 | SQLITE_DETERMINISTIC, fc,
                                 fn, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK)
    throw error(rc, std::string("audit: cannot register ") + name);
}

/// A file name as an SQLite URI opened read-only ('%', '?' and '#' escaped).
std::string read_only_uri(const std::string& path) {
  std::string uri = "file:";
  for (char c : path) {
    if (c == '%')
      uri += "%25";
    else if (c == '?')
      uri += "%3f";
    else if (c == '#')
      uri += "%23";
    else
      uri += c;
  }
  return uri + "?mode=ro";
}

std::string schema_of(std::size_t i) { return "n" + std::to_string(i); }

bool has_table(connection& db, std::size_t i, std::string_view table) {
  statement st = db.prepare("SELECT COUNT(*) FROM " + schema_of(i) +
                            ".sqlite_master WHERE type = 'table' AND name = ?");
  st.bind(1, table);
  return st.step() && st.column_int64(0) > 0;
}

bool has_column(connection& db, std::size_t i, std::string_view table, std::string_view column) {
  statement st = db.prepare("SELECT COUNT(*) FROM pragma_table_info(?, ?) WHERE name = ?");
  st.bind(1, table).bind(2, schema_of(i)).bind(3, column);
  return st.step() && st.column_int64(0) > 0;
}

/// all_<table>: every node's rows with the node's index in front.
void create_union_view(connection& db, std::size_t nodes, std::string_view table) {
  std::string sql = "CREATE TEMP VIEW all_" + std::string(table) + " AS ";
  for (std::size_t i = 0; i < nodes; ++i)
    sql += (i ? " UNION ALL SELECT " : "SELECT ") + std::to_string(i) + " AS node, * FROM " +
           schema_of(i) + "." + std::string(table);
  db.exec(sql);
}

/// all_applied_step(node, step_id, entity_kind, entity_id, kind_code) over the nodes that have
/// the saga's table. The entity columns are optional: a table without them is only checked for
/// step ids applied twice.
void create_step_view(connection& db, std::size_t nodes) {
  std::string sql = "CREATE TEMP VIEW all_applied_step AS SELECT NULL AS node, NULL AS step_id, "
                    "NULL AS entity_kind, NULL AS entity_id, NULL AS kind_code WHERE 0";
  for (std::size_t i = 0; i < nodes; ++i) {
    if (!has_table(db, i, "applied_step"))
      continue;
    const bool entity = has_column(db, i, "applied_step", "entity_kind") &&
                        has_column(db, i, "applied_step", "entity_id");
    sql += " UNION ALL SELECT " + std::to_string(i) + ", step_id, " +
           (entity ? "entity_kind, entity_id, CASE entity_kind WHEN 'customer' THEN 1 WHEN "
                     "'coupon' THEN 2 WHEN 'stock' THEN 3 WHEN 'order' THEN 4 END"
                   : "NULL, NULL, NULL") +
           " FROM " + schema_of(i) + ".applied_step";
  }
  db.exec(sql);
}

void attach_all(connection& db, const std::vector<node_database>& nodes) {
  std::int64_t version = -1;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    statement st = db.prepare("ATTACH ? AS " + schema_of(i));
    st.bind(1, read_only_uri(nodes[i].path));
    st.step();
    const auto v = db.query_int64("PRAGMA " + schema_of(i) + ".user_version");
    if (!has_table(db, i, "orders"))
      throw std::runtime_error("audit: " + nodes[i].path + " is not an actorshop database");
    if (version >= 0 && v != version)
      throw std::runtime_error("audit: " + nodes[i].path + " is at schema " + std::to_string(v) +
                               ", " + nodes[0].path + " at " + std::to_string(version) +
                               ": start each node once so they migrate to the same version");
    version = v;
  }
}

} // namespace

cluster_audit_result audit_cluster(const std::vector<node_database>& nodes,
                                   const cluster_audit_options& options) {
  if (nodes.empty() || nodes.size() > 100)
    throw std::invalid_argument("audit: from 1 to 100 node databases");
  if (options.map)
    for (const auto& n : nodes)
      if (!options.map->find_node(n.name))
        throw std::runtime_error("audit: node '" + n.name + "' is not in the cluster file");
  connection db(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI);
  db.busy_timeout(5000);
  db.exec("PRAGMA temp_store = MEMORY");
  sqlite3_limit(db.handle(), SQLITE_LIMIT_ATTACHED, 125);
  function_context fc{&nodes, options.map};
  add_function(db, "node_name", 1, &fc, node_name_fn);
  if (options.map)
    add_function(db, "owner", 2, &fc, owner_fn);
  attach_all(db, nodes);
  for (auto table : sharded_tables)
    create_union_view(db, nodes.size(), table);
  create_step_view(db, nodes.size());

  cluster_audit_result r;
  db.exec("BEGIN"); // one snapshot per file, taken at its first read, held to the end
  try {
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      statement st = db.prepare("PRAGMA " + schema_of(i) + ".integrity_check");
      while (st.step())
        if (auto line = st.column_text(0); line != "ok")
          r.integrity.push_back(nodes[i].name + ": " + line);
    }
    for (const auto& inv : invariants) {
      if (inv.needs_map && !options.map)
        continue;
      statement st = db.prepare(inv.sql);
      if (sqlite3_bind_parameter_count(st.handle()) > 0)
        st.bind(1, options.stock_initial);
      for (int n = 0; n < options.max_per_invariant && st.step(); ++n)
        r.violations.push_back({std::string(inv.name), st.column_text(0)});
    }
  } catch (...) {
    db.exec("ROLLBACK");
    throw;
  }
  db.exec("COMMIT");
  return r;
}

std::vector<std::string> cluster_invariant_names() {
  std::vector<std::string> names;
  for (const auto& inv : invariants)
    names.emplace_back(inv.name);
  return names;
}

} // namespace actorshop::storage
