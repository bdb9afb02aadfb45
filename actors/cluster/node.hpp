// cluster::node: this daemon's membership in a cluster (scale-out preview), on CAF's own network
// layer. It runs a second actor system with the io::middleman, publishes one gateway actor on
// the node's actor port (the gateway serves requests for this node's shards by calling the local
// shop) and keeps one link per peer: connect with remote_actor, monitor the peer's gateway, and
// on loss (TCP close, or BASP's connection timeout for a silent peer) mark it down and reconnect.
// A link is used only after a handshake: the connecting node sends its cluster file version, map
// fingerprint and saga step deadline to the peer's gateway, which answers with its own; any
// difference (or another node answering at that address) refuses the link, so two nodes never
// route by different maps or give up on a step after different times.
//
// Its routing calls have the shop's callback contract: they return at once and the callback runs
// once, on an actor thread, or at once on the caller's stack for an answer decided locally (a
// peer known to be down, a coupon known to be sold out, a query on a local shard).
#pragma once

#include <chrono>
#include <memory>

#include "actors/shop.hpp"
#include "actors/step_transport.hpp"
#include "domain/placement.hpp"

namespace actorshop::actors::cluster {

struct node_options {
  std::shared_ptr<const domain::shard_map> map;
  std::size_t self = 0; ///< index of this node in map->nodes()
  std::chrono::milliseconds heartbeat_interval{250};
  std::chrono::milliseconds connection_timeout{2'000};
  std::chrono::milliseconds step_deadline{2'000};    ///< the saga's; peers must run the same
  std::chrono::milliseconds request_timeout{5'000};  ///< a remote call's answer (504 beyond)
  std::chrono::milliseconds reconnect_interval{100}; ///< between attempts to reach a down peer
};

/// Counters of the routing, for logs and tests.
struct node_stats {
  std::uint64_t local_calls = 0;
  std::uint64_t remote_calls = 0;
  std::uint64_t unavailable = 0;   ///< answered SHARD_UNAVAILABLE
  std::uint64_t sold_out_hits = 0; ///< issues answered 409 from the sold-out cache
  std::uint64_t messages_sent = 0; ///< BASP messages to peers (batches of calls or replies, hellos)
  std::uint64_t messages_received = 0; ///< BASP messages from peers
  std::uint64_t refused_links = 0;     ///< handshakes that refused a peer (another map)
};

class node final : public step_transport {
public:
  /// Starts the cluster actor system, hands itself to `local` as its step transport (which
  /// resumes the sagas in flight), then publishes the gateway on this node's actor port and
  /// starts connecting to the peers: no peer reaches the shop before its recovery ran. Throws
  /// std::runtime_error if the port cannot be had (or recovery fails), after shutting `local`
  /// down (its resumed sagas would otherwise send steps through a node that is gone). `shop` must
  /// outlive the node.
  node(shop& local, node_options options);
  ~node() override; ///< stop()
  node(const node&) = delete;
  node& operator=(const node&) = delete;

  /// True if this node owns (kind, id).
  bool owns(domain::entity_kind kind, domain::id_t id) const;
  /// True while the link to node `index` is up (always true for this node itself).
  bool connected(std::size_t index) const;
  /// True while node `index` is refused because its last handshake named another cluster file
  /// version or map (or it is not the node the file names at that address).
  bool version_mismatch(std::size_t index) const;

  void issue_coupon(domain::id_t coupon_id, domain::id_t customer_id,
                    callback<domain::issued_coupon> cb);
  void charge(domain::id_t customer_id, domain::money amount, callback<domain::balance_view> cb);
  void balance(domain::id_t customer_id, callback<domain::balance_view> cb);
  void balance_history_page(domain::id_t customer_id, int limit, domain::id_t before,
                            callback<domain::balance_history_page> cb);

  // Cluster mode's saga and order routes: an order lives on its customer's node (which allocates
  // an order id it owns), so creation goes to the customer's owner and payment and reads to the
  // order's; a wallet is gathered from every node (a copy lives with its coupon).
  void create_order(domain::id_t customer_id, std::vector<domain::order_line_request> lines,
                    callback<domain::order> cb);
  void pay(domain::id_t order_id, std::optional<domain::id_t> coupon_id,
           callback<domain::payment> cb, domain::id_t payer);
  void order(domain::id_t order_id, callback<domain::order> cb);
  void customer_coupons(domain::id_t customer_id, callback<std::vector<domain::wallet_coupon>> cb);
  /// The catalogue with every product's stock summed over the owners of its options' stock rows
  /// (each node holds only its own); SHARD_UNAVAILABLE if any node cannot answer: a partial sum
  /// would understate the stock without saying so.
  void products(callback<std::vector<domain::product_summary>> cb);
  /// One product with each option's stock read from the owner of that option's stock row (only
  /// those nodes are asked; a local read when it is this node): the same answer through every
  /// node. PRODUCT_NOT_FOUND at once for an unknown product (the catalogue is on every node),
  /// SHARD_UNAVAILABLE if an owner cannot answer.
  void product(domain::id_t product_id, callback<domain::product_detail> cb);
  /// The top sellers of the `days` days up to this node's now (1..30, else INVALID_PERIOD): every
  /// node counts the units paid on its own orders in that window, the counts are summed by
  /// product and then ranked as the single-node route ranks (shop::top_sellers).
  /// SHARD_UNAVAILABLE if any node cannot answer.
  void popular(int days, callback<std::vector<domain::popular_product>> cb);
  /// step_transport: a step on a local entity is applied by the local shop, a remote one by its
  /// owner's gateway (SHARD_UNAVAILABLE or TIMEOUT if it cannot be reached: the saga retries).
  void send_step(storage::step s, step_callback cb) override;

  node_stats stats() const;
  const domain::shard_map& map() const;

  /// Unpublishes the gateway, drops the links and stops the cluster actor system. Idempotent.
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace actorshop::actors::cluster
