#include "domain/pricing.hpp"

#include <algorithm>

namespace actorshop::domain {
namespace {

// Checks one requested line against the catalog and returns it priced (not yet merged).
result<order_line> check_line(const order_line_request& req, const catalog& cat) {
  if (req.qty < 1)
    return errc::order_invalid_quantity;
  const product* p = cat.find_product(req.product_id);
  if (!p)
    return errc::product_not_found;
  const product_option* o = cat.find_option(req.option_id);
  if (!o)
    return errc::product_option_not_found;
  if (o->product_id != p->id)
    return errc::product_option_mismatch;
  auto unit = checked_add(p->base_price, o->extra_price);
  if (!unit)
    return errc::order_invalid_quantity;
  return order_line{p->id, o->id, p->name, o->name, req.qty, *unit, 0};
}

} // namespace

result<priced_order> price_order(std::span<const order_line_request> lines, const catalog& cat) {
  if (lines.empty())
    return errc::order_item_empty;
  priced_order out;
  for (const auto& req : lines) {
    auto line = check_line(req, cat);
    if (!line)
      return line.error();
    auto same = std::find_if(out.lines.begin(), out.lines.end(),
                             [&](const order_line& l) { return l.option_id == req.option_id; });
    if (same == out.lines.end()) {
      out.lines.push_back(std::move(*line));
      continue;
    }
    auto merged = checked_add(same->qty, line->qty);
    if (!merged)
      return errc::order_invalid_quantity;
    same->qty = *merged;
  }
  for (auto& l : out.lines) {
    auto subtotal = checked_mul(l.unit_price, l.qty);
    auto total = subtotal ? checked_add(out.total_price, *subtotal) : std::nullopt;
    if (!total)
      return errc::order_invalid_quantity;
    l.subtotal = *subtotal;
    out.total_price = *total;
  }
  return out;
}

} // namespace actorshop::domain
