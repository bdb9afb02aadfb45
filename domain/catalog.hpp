// The product catalog: products and their options, read-only reference data that the order rules
// look prices and names up in.
#pragma once

#include <unordered_map>
#include <vector>

#include "domain/model.hpp"

namespace actorshop::domain {

class catalog {
public:
  catalog() = default;
  catalog(std::vector<product> products, std::vector<product_option> options);

  /// Returns the product with `id`, or nullptr.
  const product* find_product(id_t id) const;
  /// Returns the option with `id`, or nullptr.
  const product_option* find_option(id_t id) const;

  const std::vector<product>& products() const { return products_; }
  const std::vector<product_option>& options() const { return options_; }

private:
  std::vector<product> products_;
  std::vector<product_option> options_;
  std::unordered_map<id_t, std::size_t> product_index_;
  std::unordered_map<id_t, std::size_t> option_index_;
};

} // namespace actorshop::domain
