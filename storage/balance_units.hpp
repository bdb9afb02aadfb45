// The write units of balances: a charge, and the balance change every charge or payment makes
// (a history row linked from the balance row, schema migration 3).
#pragma once

#include <memory>
#include <string>

#include "domain/model.hpp"
#include "storage/writer.hpp"

namespace actorshop::storage {

/// Label, for metrics and writer::inject_failure.
inline constexpr const char* charge_balance_label = "charge";

/// Charges a balance and writes its CHARGE history row; stores the new total in `*total` (each
/// run of the unit overwrites it, see unit_fn).
unit_fn charge_balance(domain::id_t customer_id, domain::money amount, domain::timestamp now,
                       std::shared_ptr<domain::money> total);

/// Appends a history row of `type` ("CHARGE", "USE") and moves the balance by `delta` (what the
/// balance gains; `amount` is the positive change shown in the history). customer_not_found if
/// the customer has no balance row.
domain::status change_balance(write_context& ctx, domain::id_t customer_id, const char* type,
                              domain::money amount, domain::money delta, const std::string& at);

} // namespace actorshop::storage
