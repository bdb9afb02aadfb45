// The seed dataset of spec §2 (the seed document's "부하 테스트를 위한 데이터"), and a fast loader
// of synthetic customers for memory and scale tests.
#pragma once

#include <cstdint>
#include <functional>

#include "domain/model.hpp"
#include "domain/placement.hpp"
#include "storage/sqlite.hpp"

namespace actorshop::storage {

constexpr domain::id_t seed_first_customer = 1001;
constexpr std::int64_t seed_customer_count = 2000;
constexpr domain::money seed_balance = 50'000'000;
constexpr domain::id_t seed_coupon_id = 4001;
constexpr domain::id_t seed_first_product = 5001;
constexpr int seed_product_count = 20;
constexpr domain::id_t seed_first_option = 6001;
constexpr domain::id_t seed_first_stock = 7001;
constexpr domain::quantity seed_stock_quantity = 100'000;

/// Cluster mode: whether this node owns an entity (its shard is this node's). Empty: one node
/// owns everything.
using ownership = std::function<bool(domain::entity_kind, domain::id_t)>;

/// Loads the seed dataset (customers 1001..3000, coupon 4001 valid from `now` for 10 days,
/// products 5001..5020, options 6001..6060, stock 7001..7060) in one transaction. Idempotent:
/// rows that already exist are left as they are, so re-seeding never resets live data.
/// With `owns` (cluster mode) only this node's entities are written: the balances of its
/// customers, the coupon if its shard is ours and the stock rows of its options (sharded by option
/// id). The customer directory (id, username) and the catalog (products, options) are reference
/// data written on every node.
void seed(connection& db, domain::timestamp now, const ownership& owns = {});

/// Inserts customers first_id..first_id+count-1 (`user_<id>`, balance 50,000,000) in one
/// transaction with one prepared statement per table; existing ids are left alone.
void seed_customers(connection& db, domain::id_t first_id, std::int64_t count);

} // namespace actorshop::storage
