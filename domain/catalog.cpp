#include "domain/catalog.hpp"

namespace actorshop::domain {

catalog::catalog(std::vector<product> products, std::vector<product_option> options)
    : products_(std::move(products)), options_(std::move(options)) {
  for (std::size_t i = 0; i < products_.size(); ++i)
    product_index_.emplace(products_[i].id, i);
  for (std::size_t i = 0; i < options_.size(); ++i)
    option_index_.emplace(options_[i].id, i);
}

const product* catalog::find_product(id_t id) const {
  auto it = product_index_.find(id);
  return it == product_index_.end() ? nullptr : &products_[it->second];
}

const product_option* catalog::find_option(id_t id) const {
  auto it = option_index_.find(id);
  return it == option_index_.end() ? nullptr : &options_[it->second];
}

} // namespace actorshop::domain
