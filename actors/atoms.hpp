// The atoms (verbs) of every actor message, and the message payload types. Everything travels
// only inside this process, so payloads are marked CAF_ALLOW_UNSAFE_MESSAGE_TYPE (no serializer).
// Domain failures travel as values (domain::status, domain::result<T>); a caf::error only ever
// means the message itself failed (a dead actor), which handlers turn into errc::unavailable.
#pragma once

#include <cstdint>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>

#include "actors/answer_once.hpp"
#include "domain/model.hpp"
#include "storage/step_units.hpp"

namespace actorshop::actors {

using issue_atom = caf::atom_constant<caf::atom("issue")>;
using undo_atom = caf::atom_constant<caf::atom("undo")>;
using use_atom = caf::atom_constant<caf::atom("use")>;
using restore_atom = caf::atom_constant<caf::atom("restore")>;
using confirm_atom = caf::atom_constant<caf::atom("confirm")>;
using peek_atom = caf::atom_constant<caf::atom("peek")>;
using reserve_atom = caf::atom_constant<caf::atom("reserve")>;
using release_atom = caf::atom_constant<caf::atom("release")>;
using sold_atom = caf::atom_constant<caf::atom("sold")>;
using charge_atom = caf::atom_constant<caf::atom("charge")>;
using settle_atom = caf::atom_constant<caf::atom("settle")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using recheck_atom = caf::atom_constant<caf::atom("recheck")>;
using pay_atom = caf::atom_constant<caf::atom("pay")>;
using paid_atom = caf::atom_constant<caf::atom("paid")>;
using expire_atom = caf::atom_constant<caf::atom("expire")>;
using expired_atom = caf::atom_constant<caf::atom("expired")>;
using created_atom = caf::atom_constant<caf::atom("created")>;
using stop_atom = caf::atom_constant<caf::atom("stop")>;
// Cluster mode's saga: a step's outcome, a step to send again, a write unit's completion, the
// client's answer while compensating.
using saga_step_atom = caf::atom_constant<caf::atom("sagastep")>;
using saga_retry_atom = caf::atom_constant<caf::atom("sagaretry")>;
using unit_done_atom = caf::atom_constant<caf::atom("unitdone")>;
using answer_atom = caf::atom_constant<caf::atom("answer")>;

/// The discount terms a coupon actor answers to `use` (as a domain::result: or why it refused).
struct discount_terms {
  domain::discount_type type = domain::discount_type::fixed;
  domain::money amount = 0;
};

/// Everything the customer actor needs to settle one payment: debit the balance and commit the
/// payment unit.
using payment_job = domain::payment_job;

/// The in-memory levels of one stock row (tests and recovery checks).
struct stock_levels {
  domain::quantity available = 0;
  domain::quantity reserved = 0;
  domain::quantity sold = 0;
};

} // namespace actorshop::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actorshop::actors::answer_once<actorshop::domain::issued_coupon>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actorshop::actors::answer_once<actorshop::domain::order>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actorshop::actors::answer_once<actorshop::domain::payment>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actorshop::actors::answer_once<actorshop::domain::balance_view>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actorshop::domain::status)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actorshop::domain::result<actorshop::actors::discount_terms>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actorshop::domain::result<actorshop::domain::payment>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actorshop::domain::payment_job)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actorshop::actors::stock_levels)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actorshop::domain::coupon)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actorshop::domain::result<actorshop::storage::step_outcome>)
