// The read queries, each a prepared statement cached per reader. Queries that read more than one
// statement run inside one read transaction so they see one snapshot of the WAL.
#include "storage/reader.hpp"

#include <sqlite3.h>

#include <string>
#include <string_view>
#include <unordered_map>

#include "storage/sqlite.hpp"

namespace actorshop::storage {
namespace {

struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

domain::timestamp to_time(const statement& s, int column) {
  auto t = domain::parse_iso8601(s.column_view(column));
  if (!t)
    throw error(SQLITE_MISMATCH, "bad timestamp '" + s.column_text(column) + "'");
  return *t;
}

template <class T, class Parse> T to_enum(const statement& s, int column, Parse parse) {
  auto v = parse(s.column_view(column));
  if (!v)
    throw error(SQLITE_MISMATCH, "bad enum value '" + s.column_text(column) + "'");
  return *v;
}

stock_row to_stock(const statement& s) {
  return {s.column_int64(0), s.column_int64(1), s.column_int64(2), s.column_int64(3),
          s.column_int64(4)};
}

constexpr std::string_view order_columns =
    "SELECT id, customer_id, status, total_price, created_at, expires_at FROM orders";
constexpr std::string_view line_columns =
    "SELECT i.order_id, i.product_id, i.product_option_id, i.product_name, i.option_name, "
    "i.quantity, i.unit_price, i.subtotal_price FROM order_item i";

domain::order to_order(const statement& s) {
  domain::order o;
  o.id = s.column_int64(0);
  o.customer_id = s.column_int64(1);
  o.status = to_enum<domain::order_status>(s, 2, domain::parse_order_status);
  o.total_price = s.column_int64(3);
  o.created_at = to_time(s, 4);
  o.expires_at = to_time(s, 5);
  return o;
}

domain::order_line to_line(const statement& s) {
  return {s.column_int64(1), s.column_int64(2), s.column_text(3), s.column_text(4),
          s.column_int64(5), s.column_int64(6), s.column_int64(7)};
}

} // namespace

/// A cached statement in use; resetting it on scope exit ends its implicit read transaction, so
/// an idle reader never pins an old WAL snapshot (which would also stall checkpoints).
class cursor {
public:
  explicit cursor(statement& s) : s_(s) {}
  ~cursor() { s_.reset(); }
  cursor(const cursor&) = delete;
  cursor& operator=(const cursor&) = delete;
  statement& operator*() const { return s_; }

private:
  statement& s_;
};

struct reader::impl {
  connection db;
  std::unordered_map<std::string, std::unique_ptr<statement>, string_hash, std::equal_to<>> cache;

  explicit impl(const std::string& path) : db(path, SQLITE_OPEN_READONLY) {
    db.busy_timeout(5000);
    db.exec("PRAGMA query_only = 1");
  }

  /// Returns the cached statement for `sql`, reset and with bindings cleared.
  cursor query(std::string_view sql) {
    auto it = cache.find(sql);
    if (it == cache.end())
      it = cache.emplace(std::string(sql), std::make_unique<statement>(db.handle(), sql)).first;
    it->second->reset();
    it->second->clear_bindings();
    return cursor(*it->second);
  }
};

/// Holds one read transaction (one WAL snapshot) for its scope.
class read_transaction {
public:
  explicit read_transaction(connection& db) : db_(db) { db_.exec("BEGIN"); }
  ~read_transaction() {
    try {
      db_.exec("COMMIT");
    } catch (const error&) { // a read transaction has nothing to lose
    }
  }
  read_transaction(const read_transaction&) = delete;
  read_transaction& operator=(const read_transaction&) = delete;

private:
  connection& db_;
};

reader::reader(const std::string& path) : impl_(std::make_unique<impl>(path)) {}
reader::~reader() = default;
sqlite3* reader::handle() { return impl_->db.handle(); }

std::optional<domain::balance_view> reader::balance(domain::id_t customer_id) {
  cursor c_s = impl_->query("SELECT amount FROM balance WHERE customer_id = ?");
  statement& s = *c_s;
  s.bind(1, customer_id);
  if (!s.step())
    return std::nullopt;
  return domain::balance_view{customer_id, s.column_int64(0)};
}

std::vector<domain::balance_change> reader::balance_history(domain::id_t customer_id) {
  cursor c_s = impl_->query("SELECT change_type, change_amount, total_amount, created_at "
                            "FROM balance_history WHERE customer_id = ? ORDER BY id");
  statement& s = *c_s;
  s.bind(1, customer_id);
  std::vector<domain::balance_change> out;
  while (s.step())
    out.push_back({to_enum<domain::change_type>(s, 0, domain::parse_change_type), s.column_int64(1),
                   s.column_int64(2), to_time(s, 3)});
  return out;
}

std::vector<domain::product_summary> reader::products() {
  cursor c_s =
      impl_->query("SELECT p.id, p.name, p.base_price, COALESCE(SUM(s.quantity), 0) FROM product p "
                   "LEFT JOIN product_option o ON o.product_id = p.id "
                   "LEFT JOIN stock s ON s.product_option_id = o.id GROUP BY p.id ORDER BY p.id");
  statement& s = *c_s;
  std::vector<domain::product_summary> out;
  while (s.step())
    out.push_back({s.column_int64(0), s.column_text(1), s.column_int64(2), s.column_int64(3)});
  return out;
}

std::optional<domain::product_detail> reader::product(domain::id_t product_id) {
  read_transaction txn(impl_->db);
  cursor c_p = impl_->query("SELECT id, name, base_price FROM product WHERE id = ?");
  statement& p = *c_p;
  p.bind(1, product_id);
  if (!p.step())
    return std::nullopt;
  domain::product_detail out{p.column_int64(0), p.column_text(1), p.column_int64(2), {}};
  p.reset();
  cursor c_o = impl_->query("SELECT o.id, o.option_name, o.extra_price, COALESCE(s.quantity, 0) "
                            "FROM product_option o LEFT JOIN stock s ON s.product_option_id = o.id "
                            "WHERE o.product_id = ? ORDER BY o.id");
  statement& o = *c_o;
  o.bind(1, product_id);
  while (o.step())
    out.options.push_back(
        {o.column_int64(0), o.column_text(1), o.column_int64(2), o.column_int64(3)});
  return out;
}

std::vector<domain::popular_product> reader::popular(int days, domain::timestamp now, int limit) {
  cursor c_s = impl_->query(
      "SELECT p.id, p.name, p.base_price, SUM(d.quantity) AS total FROM product_sales_daily d "
      "JOIN product p ON p.id = d.product_id WHERE d.sales_date >= ? AND d.sales_date <= ? "
      "GROUP BY p.id ORDER BY total DESC, p.id ASC LIMIT ?");
  statement& s = *c_s;
  s.bind(1, domain::format_day(now - static_cast<domain::timestamp>(days - 1) * domain::ms_per_day))
      .bind(2, domain::format_day(now))
      .bind(3, limit);
  std::vector<domain::popular_product> out;
  while (s.step())
    out.push_back({s.column_int64(0), s.column_text(1), s.column_int64(2), s.column_int64(3)});
  return out;
}

std::vector<domain::wallet_coupon> reader::customer_coupons(domain::id_t customer_id) {
  cursor c_s = impl_->query(
      "SELECT cc.coupon_id, c.name, c.discount_type, c.discount_amount, cc.status, cc.issued_at, "
      "c.expired_at FROM customer_coupon cc JOIN coupon c ON c.id = cc.coupon_id "
      "WHERE cc.customer_id = ? ORDER BY cc.issued_at, cc.coupon_id");
  statement& s = *c_s;
  s.bind(1, customer_id);
  std::vector<domain::wallet_coupon> out;
  while (s.step())
    out.push_back({s.column_int64(0), s.column_text(1),
                   to_enum<domain::discount_type>(s, 2, domain::parse_discount_type),
                   s.column_int64(3),
                   to_enum<domain::coupon_status>(s, 4, domain::parse_coupon_status), to_time(s, 5),
                   to_time(s, 6)});
  return out;
}

std::optional<domain::order> reader::order(domain::id_t order_id) {
  read_transaction txn(impl_->db);
  cursor c_s = impl_->query(std::string(order_columns) + " WHERE id = ?");
  statement& s = *c_s;
  s.bind(1, order_id);
  if (!s.step())
    return std::nullopt;
  domain::order out = to_order(s);
  s.reset();
  cursor c_l = impl_->query(std::string(line_columns) +
                            " WHERE i.order_id = ? ORDER BY i.product_option_id");
  statement& l = *c_l;
  l.bind(1, order_id);
  while (l.step())
    out.lines.push_back(to_line(l));
  return out;
}

std::optional<domain::payment> reader::payment_of_order(domain::id_t order_id) {
  cursor c_s = impl_->query("SELECT id, order_id, customer_id, coupon_id, original_price, "
                            "discount_amount, discounted_price, paid_at FROM payment "
                            "WHERE order_id = ?");
  statement& s = *c_s;
  s.bind(1, order_id);
  if (!s.step())
    return std::nullopt;
  domain::payment p{s.column_int64(0), s.column_int64(1), s.column_int64(2), std::nullopt,
                    s.column_int64(4), s.column_int64(5), s.column_int64(6), to_time(s, 7)};
  if (!s.column_is_null(3))
    p.coupon_id = s.column_int64(3);
  return p;
}

bool reader::customer_exists(domain::id_t customer_id) {
  cursor c_s = impl_->query("SELECT 1 FROM customer WHERE id = ?");
  statement& s = *c_s;
  s.bind(1, customer_id);
  return s.step();
}

domain::catalog reader::load_catalog() {
  read_transaction txn(impl_->db);
  std::vector<domain::product> products;
  cursor c_p = impl_->query("SELECT id, name, base_price FROM product ORDER BY id");
  statement& p = *c_p;
  while (p.step())
    products.push_back({p.column_int64(0), p.column_text(1), p.column_int64(2)});
  p.reset();
  std::vector<domain::product_option> options;
  cursor c_o = impl_->query(
      "SELECT id, product_id, option_name, extra_price FROM product_option ORDER BY id");
  statement& o = *c_o;
  while (o.step())
    options.push_back({o.column_int64(0), o.column_int64(1), o.column_text(2), o.column_int64(3)});
  return domain::catalog(std::move(products), std::move(options));
}

namespace {
std::vector<domain::id_t> ids(cursor c) {
  statement& s = *c;
  std::vector<domain::id_t> out;
  while (s.step())
    out.push_back(s.column_int64(0));
  return out;
}
} // namespace

std::vector<domain::id_t> reader::customer_ids() {
  return ids(impl_->query("SELECT id FROM customer ORDER BY id"));
}

std::optional<domain::coupon> reader::coupon(domain::id_t coupon_id) {
  cursor c_s = impl_->query("SELECT id, name, discount_type, discount_amount, current_quantity, "
                            "total_quantity, started_at, expired_at FROM coupon WHERE id = ?");
  statement& s = *c_s;
  s.bind(1, coupon_id);
  if (!s.step())
    return std::nullopt;
  return domain::coupon{s.column_int64(0),
                        s.column_text(1),
                        to_enum<domain::discount_type>(s, 2, domain::parse_discount_type),
                        s.column_int64(3),
                        s.column_int64(4),
                        s.column_int64(5),
                        to_time(s, 6),
                        to_time(s, 7)};
}

std::vector<domain::id_t> reader::coupon_ids() {
  return ids(impl_->query("SELECT id FROM coupon ORDER BY id"));
}

std::vector<std::pair<domain::id_t, domain::coupon_status>>
reader::coupon_holders(domain::id_t coupon_id) {
  cursor c_s = impl_->query(
      "SELECT customer_id, status FROM customer_coupon WHERE coupon_id = ? ORDER BY customer_id");
  statement& s = *c_s;
  s.bind(1, coupon_id);
  std::vector<std::pair<domain::id_t, domain::coupon_status>> out;
  while (s.step())
    out.emplace_back(s.column_int64(0),
                     to_enum<domain::coupon_status>(s, 1, domain::parse_coupon_status));
  return out;
}

std::optional<stock_row> reader::stock_by_option(domain::id_t option_id) {
  cursor c_s = impl_->query("SELECT id, product_option_id, quantity, reserved, sold FROM stock "
                            "WHERE product_option_id = ?");
  statement& s = *c_s;
  s.bind(1, option_id);
  if (!s.step())
    return std::nullopt;
  return to_stock(s);
}

std::vector<stock_row> reader::stocks() {
  cursor c_s =
      impl_->query("SELECT id, product_option_id, quantity, reserved, sold FROM stock ORDER BY id");
  statement& s = *c_s;
  std::vector<stock_row> out;
  while (s.step())
    out.push_back(to_stock(s));
  return out;
}

std::vector<domain::order> reader::open_orders() {
  read_transaction txn(impl_->db);
  std::vector<domain::order> out;
  std::unordered_map<domain::id_t, std::size_t> index;
  cursor c_s = impl_->query(std::string(order_columns) + " WHERE status = 'CREATED' ORDER BY id");
  statement& s = *c_s;
  while (s.step()) {
    index.emplace(s.column_int64(0), out.size());
    out.push_back(to_order(s));
  }
  s.reset();
  cursor c_l = impl_->query(std::string(line_columns) +
                            " JOIN orders o ON o.id = i.order_id WHERE o.status = 'CREATED' "
                            "ORDER BY i.order_id, i.product_option_id");
  statement& l = *c_l;
  while (l.step()) {
    auto it = index.find(l.column_int64(0));
    if (it != index.end())
      out[it->second].lines.push_back(to_line(l));
  }
  return out;
}

namespace {
domain::id_t max_id(cursor c) { return (*c).step() ? (*c).column_int64(0) : 0; }
} // namespace

domain::id_t reader::max_order_id() {
  return max_id(impl_->query("SELECT COALESCE(MAX(id), 0) FROM orders"));
}
domain::id_t reader::max_payment_id() {
  return max_id(impl_->query("SELECT COALESCE(MAX(id), 0) FROM payment"));
}
domain::id_t reader::max_coupon_id() {
  return max_id(impl_->query("SELECT COALESCE(MAX(id), 0) FROM coupon"));
}

reader& thread_reader(const std::string& path) {
  thread_local std::unordered_map<std::string, std::unique_ptr<reader>> readers;
  auto& slot = readers[path];
  if (!slot)
    slot = std::make_unique<reader>(path);
  return *slot;
}

} // namespace actorshop::storage
