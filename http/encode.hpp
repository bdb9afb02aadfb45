// encode: domain views -> response bodies, with the exact field names of spec §3.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "domain/model.hpp"

namespace actorshop::http {

std::string encode(const domain::balance_view& v);
std::string encode(const std::vector<domain::balance_change>& v);
std::string encode(const std::vector<domain::product_summary>& v);
std::string encode(const domain::product_detail& v);
std::string encode(const std::vector<domain::popular_product>& v);
std::string encode(const domain::issued_coupon& v);
std::string encode(const std::vector<domain::wallet_coupon>& v);
std::string encode(const domain::order& v);
std::string encode(const domain::payment& v);
std::string encode(const domain::coupon& v);

/// Returns `{"code": code, "message": message}`.
std::string encode_error(std::string_view code, std::string_view message);

} // namespace actorshop::http
