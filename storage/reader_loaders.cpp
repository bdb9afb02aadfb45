// The loaders actors use to activate from the database and to rebuild state on recovery.
#include "storage/reader.hpp"

#include "storage/reader_impl.hpp"

namespace actorshop::storage {

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

} // namespace actorshop::storage
