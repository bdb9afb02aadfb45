// The API's read queries, each a prepared statement cached per reader. Queries that read more
// than one statement run inside one read transaction so they see one snapshot of the WAL.
#include "storage/reader.hpp"

#include "storage/reader_impl.hpp"

namespace actorshop::storage {

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
  // Walks the customer's list from its head (schema migration 3), newest to oldest.
  cursor c_s = impl_->query(
      "WITH RECURSIVE chain(id) AS ("
      "  SELECT last_history_id FROM balance WHERE customer_id = ? AND last_history_id NOT NULL"
      "  UNION ALL"
      "  SELECT h.prev_id FROM balance_history h JOIN chain ON h.id = chain.id"
      "  WHERE h.prev_id NOT NULL) "
      "SELECT h.change_type, h.change_amount, h.total_amount, h.created_at "
      "FROM chain JOIN balance_history h ON h.id = chain.id ORDER BY h.id");
  statement& s = *c_s;
  s.bind(1, customer_id);
  std::vector<domain::balance_change> out;
  while (s.step())
    out.push_back({to_enum<domain::change_type>(s, 0, domain::parse_change_type), s.column_int64(1),
                   s.column_int64(2), to_time(s, 3)});
  return out;
}

std::optional<domain::balance_history_page>
reader::balance_history_page(domain::id_t customer_id, int limit, domain::id_t before) {
  read_transaction txn(impl_->db);
  domain::id_t start = 0; // the newest entry of the page
  if (before == 0) {
    cursor c_h = impl_->query("SELECT last_history_id FROM balance WHERE customer_id = ?");
    statement& h = *c_h;
    h.bind(1, customer_id);
    if (h.step() && !h.column_is_null(0))
      start = h.column_int64(0);
  } else {
    // The customer_id check keeps a cursor from walking another customer's list.
    cursor c_b =
        impl_->query("SELECT prev_id FROM balance_history WHERE id = ? AND customer_id = ?");
    statement& b = *c_b;
    b.bind(1, before).bind(2, customer_id);
    if (!b.step())
      return std::nullopt;
    if (!b.column_is_null(0))
      start = b.column_int64(0);
  }
  domain::balance_history_page page;
  if (start == 0 || limit <= 0)
    return page;
  // Follows the list (schema migration 3) from `start`, newest to oldest, `limit` links at most.
  cursor c_s = impl_->query(
      "WITH RECURSIVE chain(id, n) AS ("
      "  SELECT ?, 1"
      "  UNION ALL"
      "  SELECT h.prev_id, chain.n + 1 FROM balance_history h JOIN chain ON h.id = chain.id"
      "  WHERE h.prev_id NOT NULL AND chain.n < ?) "
      "SELECT h.id, h.prev_id, h.change_type, h.change_amount, h.total_amount, h.created_at "
      "FROM chain JOIN balance_history h ON h.id = chain.id ORDER BY chain.n");
  statement& s = *c_s;
  s.bind(1, start).bind(2, limit);
  bool older = false;
  while (s.step()) {
    page.entries.push_back({to_enum<domain::change_type>(s, 2, domain::parse_change_type),
                            s.column_int64(3), s.column_int64(4), to_time(s, 5)});
    older = !s.column_is_null(1);
    page.next_before = s.column_int64(0);
  }
  if (!older)
    page.next_before = 0;
  return page;
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

reader& thread_reader(const std::string& path) {
  thread_local std::unordered_map<std::string, std::unique_ptr<reader>> readers;
  auto& slot = readers[path];
  if (!slot)
    slot = std::make_unique<reader>(path);
  return *slot;
}

} // namespace actorshop::storage
