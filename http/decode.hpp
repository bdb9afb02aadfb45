// decode: request bodies -> domain requests, strict, with errors that name the field (the field
// names of spec §3).
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "domain/model.hpp"
#include "http/json_reader.hpp"

namespace actorshop::http {

struct issue_request {
  domain::id_t coupon_id = 0;
  domain::id_t customer_id = 0;
};

struct charge_request {
  domain::id_t customer_id = 0;
  domain::money amount = 0;
};

struct order_request {
  domain::id_t customer_id = 0;
  std::vector<domain::order_line_request> lines;
};

struct payment_request {
  domain::id_t order_id = 0;
  std::optional<domain::id_t> coupon_id;
};

/// A decoded body or the reason it was refused.
template <class T> using decoded = std::variant<T, decode_error>;

decoded<issue_request> decode_issue(const std::string& body);
decoded<charge_request> decode_charge(const std::string& body);
decoded<order_request> decode_order(const std::string& body);
decoded<payment_request> decode_payment(const std::string& body);
decoded<domain::coupon_spec> decode_coupon_spec(const std::string& body);

} // namespace actorshop::http
