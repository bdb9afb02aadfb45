// Order pricing: validates the requested lines against the catalog, merges lines of the same
// option, and prices them with overflow checks.
#pragma once

#include <span>
#include <vector>

#include "domain/catalog.hpp"
#include "domain/result.hpp"

namespace actorshop::domain {

struct priced_order {
  std::vector<order_line> lines; ///< one per option, in order of first appearance
  money total_price = 0;
};

/// Prices an order. Errors: ORDER_ITEM_EMPTY (no lines), ORDER_INVALID_QUANTITY (a quantity < 1,
/// or a merged quantity / subtotal / total that overflows), PRODUCT_NOT_FOUND,
/// PRODUCT_OPTION_NOT_FOUND, PRODUCT_OPTION_MISMATCH (option of another product).
result<priced_order> price_order(std::span<const order_line_request> lines, const catalog& cat);

} // namespace actorshop::domain
