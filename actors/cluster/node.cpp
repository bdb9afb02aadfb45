// cluster::node: the links to the peers and the routing of calls to the owning node.
#include "actors/cluster/node.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <stdexcept>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include <caf/all.hpp>
#include <caf/io/middleman.hpp>

#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include "actors/cluster/connector.hpp"
#include "actors/cluster/gateway.hpp"
#include "actors/cluster/outbox.hpp"
#include "actors/cluster/requester.hpp"
#include "actors/cluster/wire.hpp"

namespace actorshop::actors::cluster {

using domain::errc;
using domain::id_t;

namespace {

/// The link to one peer: its gateway's proxy while connected, and the thread that reconnects.
struct peer {
  domain::node_info info;
  std::size_t index = 0; ///< in the cluster file
  mutable std::mutex m;
  std::condition_variable changed;
  caf::actor gateway;                  ///< null while the link is down
  std::uint64_t link = 0;              ///< counts the links made: a call is failed with its own
  std::atomic<bool> mismatched{false}; ///< refused by the handshake (another map)
  outbox<wire_request> out;            ///< calls waiting to leave over the current link
  std::vector<caf::actor> watchers;    ///< one per link made; each marks its link down on loss
  std::thread keeper;

  caf::actor current() const {
    std::lock_guard lock(m);
    return gateway;
  }
};

} // namespace

struct node::impl {
  shop& local;
  node_options opt;
  caf::actor_system_config cfg;
  call_table calls; ///< the calls to peers in flight; outlives the system (declared before it)
  std::unique_ptr<caf::actor_system> system;
  caf::actor gateway;
  caf::actor requester;                     ///< receives the peers' replies
  caf::io::middleman_actor connector;       ///< makes the links' TCP connections, bounded
  wire_counters served;                     ///< the gateway's messages
  std::vector<std::unique_ptr<peer>> peers; ///< by node index; the slot of `self` is unused
  std::atomic<bool> stopping{false};
  bool published = false; ///< the gateway is on the actor port (to unpublish at stop)
  mutable std::shared_mutex sold_out_mutex;
  std::unordered_set<id_t> sold_out; ///< coupons whose owner answered COUPON_INSUFFICIENT
  std::atomic<std::uint64_t> local_calls{0}, remote_calls{0}, unavailable{0}, sold_out_hits{0};
  wire_counters calling; ///< the requester's messages (and the hellos)
  std::atomic<std::uint64_t> refused_links{0};

  impl(shop& s, node_options o) : local(s), opt(std::move(o)) {}

  const domain::node_info& self_info() const { return opt.map->nodes()[opt.self]; }

  wire_hello hello() const {
    return {opt.map->version(), opt.map->fingerprint(), self_info().name,
            opt.step_deadline.count()};
  }

  /// Starts the cluster actor system with the gateway and the requester, and the peers' slots
  /// (every link down): enough for send_step(), whose remote steps answer SHARD_UNAVAILABLE until
  /// start_links() has linked their owner. Nothing is reachable from a peer yet.
  void start_system() {
    cfg.load<caf::io::middleman>();
    register_wire_types(cfg);
    // BASP sends no heartbeats and never times a peer out unless told to: without these a peer
    // that goes silent (a partition, a frozen process) would look connected forever.
    cfg.set("middleman.heartbeat-interval", caf::timespan{opt.heartbeat_interval});
    cfg.set("middleman.connection-timeout", caf::timespan{opt.connection_timeout});
    cfg.set("scheduler.max-threads", std::size_t{2}); // gateway and requesters only: light work
    cfg.set("scheduler.policy", caf::atom("sharing"));
    cfg.set("logger.verbosity", caf::atom("quiet"));
    // BASP hands every received message to a worker thread to deserialize by default: one more
    // wake-up and actor resume per message. Our messages are small: the multiplexer does it.
    cfg.set("middleman.workers", std::size_t{0});
    system = std::make_unique<caf::actor_system>(cfg);
    gateway = spawn_gateway(*system, local, hello(), served);
    requester = spawn_requester(*system, calls, sweep_interval(), calling,
                                [this](std::size_t index) { flush(*peers[index]); });
    connector = spawn_bounded_connector(*system, connect_deadline());
    const auto& nodes = opt.map->nodes();
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      peers.push_back(std::make_unique<peer>());
      peers.back()->info = nodes[i];
      peers.back()->index = i;
    }
  }

  /// Publishes the gateway on this node's actor port: from here on peers reach the local shop.
  /// Throws std::runtime_error if the port cannot be had.
  void publish() {
    const auto& me = self_info();
    auto port = system->middleman().publish(gateway, me.actor_port, me.host.c_str(), true);
    if (!port)
      throw std::runtime_error("cluster: cannot publish the gateway on " + me.host + ":" +
                               std::to_string(me.actor_port) + ": " + system->render(port.error()));
    published = true;
  }

  /// Starts one keeper thread per peer, which links to it and keeps the link up.
  void start_links() {
    for (std::size_t i = 0; i < peers.size(); ++i)
      if (i != opt.self)
        peers[i]->keeper = std::thread([this, p = peers[i].get()] { keep_linked(*p); });
  }

  /// The keeper thread of one peer: connects while the link is down, then waits until it drops.
  void keep_linked(peer& p) {
    bool logged_down = false;
    std::string last_refusal;
    while (!stopping) {
      if (!p.current()) {
        auto gw = connect(p.info);
        auto agreed = gw && !stopping ? shake_hands(p.info, gw) : handshake{};
        if (agreed.answered && agreed.refusal.empty()) {
          p.mismatched = false;
          last_refusal.clear();
          link_up(p, std::move(gw));
          logged_down = false;
        } else if (agreed.answered) {
          p.mismatched = true;
          ++refused_links;
          if (agreed.refusal != last_refusal)
            spdlog::error("cluster[{}]: {}", self_info().name, agreed.refusal);
          last_refusal = agreed.refusal;
          logged_down = true; // the refusal said why it is down
        } else if (!logged_down) {
          spdlog::warn("cluster[{}]: node '{}' at {}:{} is unreachable; its shards answer "
                       "SHARD_UNAVAILABLE until it is back",
                       self_info().name, p.info.name, p.info.host, p.info.actor_port);
          logged_down = true;
        }
      }
      std::unique_lock lock(p.m);
      p.changed.wait(lock, [&] { return stopping || !p.gateway; });
      // A pause before every attempt, also right after a loss: a peer waking from a freeze
      // drops and re-forms its links for a moment, and retrying at once would spin.
      p.changed.wait_for(lock, opt.reconnect_interval, [&] { return stopping.load(); });
    }
  }

  /// How long one connect attempt may take. At most 5 s: when two nodes connect to each other at
  /// the same moment, one connect can be left unanswered by CAF (seen with a 60 s connection
  /// timeout under valgrind); the next attempt then links at once, so a long deadline only
  /// delays the link.
  std::chrono::milliseconds connect_deadline() const {
    return std::clamp(opt.connection_timeout, std::chrono::milliseconds(1'000),
                      std::chrono::milliseconds(5'000));
  }

  /// Returns the gateway published at `peer`, or null. middleman::remote_actor() waits without
  /// a bound, so a frozen peer (whose kernel still accepts the TCP connection) would block this
  /// keeper, and the node's stop, forever: the connect is asked with a deadline, and of our own
  /// connector (whose TCP connect has one too), not of CAF's middleman actor (whose blocking
  /// connect() to a partitioned peer held it, and the stop's unpublish, for minutes).
  caf::actor connect(const domain::node_info& peer) {
    caf::actor found;
    caf::scoped_actor self{*system};
    self->request(connector, connect_deadline(), caf::connect_atom::value, peer.host,
                  peer.actor_port)
        .receive(
            [&](const caf::node_id&, caf::strong_actor_ptr& ptr, const std::set<std::string>&) {
              found = caf::actor_cast<caf::actor>(std::move(ptr));
            },
            [](const caf::error&) {});
    return found;
  }

  struct handshake {
    bool answered = false; ///< false: no answer (the peer went away), try again
    std::string refusal;   ///< empty: the peer routes by the same map
  };

  /// Sends this node's hello to the gateway `gw` found at `peer`'s address and compares the
  /// answer: the same cluster file version, the same map fingerprint and the node the file names
  /// there, or a one-line refusal naming both sides.
  handshake shake_hands(const domain::node_info& peer, const caf::actor& gw) {
    handshake out;
    const auto mine = hello();
    caf::scoped_actor self{*system};
    ++calling.sent;
    self->request(gw, std::max(opt.connection_timeout, std::chrono::milliseconds(1'000)), mine)
        .receive(
            [&](const wire_hello& theirs) {
              ++calling.received;
              out.answered = true;
              if (theirs.node != peer.name)
                out.refusal = fmt::format("refusing the link to {}:{}: the cluster file names "
                                          "node '{}' there, but node '{}' answered",
                                          peer.host, peer.actor_port, peer.name, theirs.node);
              else if (theirs.version != mine.version || theirs.map_hash != mine.map_hash)
                out.refusal = fmt::format(
                    "refusing the link to node '{}': it runs cluster file version {} (map "
                    "{:016x}), this node version {} (map {:016x}); its shards answer "
                    "SHARD_UNAVAILABLE until both run the same file",
                    peer.name, theirs.version, theirs.map_hash, mine.version, mine.map_hash);
              else if (theirs.step_deadline_ms != mine.step_deadline_ms)
                out.refusal = fmt::format(
                    "refusing the link to node '{}': its cluster file sets step_deadline_ms = {}, "
                    "this node's {}; its shards answer SHARD_UNAVAILABLE until both run the same "
                    "file",
                    peer.name, theirs.step_deadline_ms, mine.step_deadline_ms);
            },
            [&](const caf::error& e) {
              // A gateway that does not know the hello (an older build) cannot be trusted
              // with this map either; a lost or silent peer is simply not reached yet.
              if (e == caf::sec::unexpected_message) {
                out.answered = true;
                out.refusal = fmt::format("refusing the link to node '{}': it does not answer the "
                                          "cluster-version handshake (another build?)",
                                          peer.name);
              }
            });
    return out;
  }

  // The link is marked up before the watcher exists, and a watcher clears only the proxy it
  // watched: a proxy that dies at once (or a late down_msg of an older link) can neither leave
  // a dead proxy marked up nor take down a newer link.
  void link_up(peer& p, caf::actor gw) {
    {
      std::lock_guard lock(p.m);
      p.gateway = gw;
      ++p.link;
    }
    spdlog::info("cluster[{}]: linked to node '{}' at {}:{}", self_info().name, p.info.name,
                 p.info.host, p.info.actor_port);
    auto watcher = system->spawn([this, &p, gw](caf::event_based_actor* self) -> caf::behavior {
      self->monitor(gw);
      self->set_down_handler([this, &p, self, addr = gw.address()](caf::down_msg&) {
        link_down(p, addr);
        self->quit();
      });
      return {[](caf::ok_atom) {}};
    });
    std::lock_guard lock(p.m);
    p.watchers.push_back(std::move(watcher));
  }

  // The calls sent over the dropped link are failed here: CAF fails no message already on the
  // wire when a link drops, the reply just never comes. A call is registered under p.m while the
  // link is up, so every call sent over it is in the table by now.
  void link_down(peer& p, const caf::actor_addr& dead) {
    std::uint64_t link = 0;
    {
      std::lock_guard lock(p.m);
      if (!p.gateway || p.gateway.address() != dead)
        return;
      p.gateway = nullptr;
      link = p.link;
      p.out.take(); // lost with the link: their calls fail just below
    }
    p.changed.notify_all();
    for (auto& c : calls.take_link(p.index, link))
      c->fail(errc::shard_unavailable);
    if (!stopping)
      spdlog::warn("cluster[{}]: lost node '{}'; reconnecting", self_info().name, p.info.name);
  }

  /// How often the requester fails the calls past their deadline (while calls are pending): a
  /// call times out between request_timeout and request_timeout + this.
  std::chrono::milliseconds sweep_interval() const {
    return std::clamp(opt.request_timeout / 10, std::chrono::milliseconds(10),
                      std::chrono::milliseconds(250));
  }

  /// A call's continuation: `cb` gets the reply of type Reply, converted from the wire.
  template <class Reply, class T> class typed_call final : public pending_call {
  public:
    typed_call(impl& d, callback<T> cb) : d_(d), cb_(std::move(cb)) {}
    void answer(const std::type_info& type, const void* reply) override {
      if (type != typeid(Reply)) // another kind of reply under this call's id: never guess
        return cb_(errc::storage_failure);
      cb_(from_wire(*static_cast<const Reply*>(reply)));
    }
    void fail(errc e) override {
      if (e == errc::shard_unavailable)
        ++d_.unavailable;
      cb_(e);
    }

  private:
    impl& d_;
    callback<T> cb_;
  };

  /// Sends `req` to node `owner`'s gateway and answers `cb` with the reply, SHARD_UNAVAILABLE if
  /// the link is down or drops before the answer, TIMEOUT if the owner is too slow. A call alone
  /// in flight to `owner` leaves at once from this thread, with the requester as its sender (the
  /// gateway answers it); else it waits in the peer's outbox for the requester's next flush. It
  /// is queued under p.m, like its registration: a link's loss drops the queue with the calls.
  template <class Reply, class Request, class T>
  void remote(std::size_t owner, Request req, callback<T> cb) {
    auto& p = *peers[owner];
    caf::actor gw;
    call_table::added call{};
    bool queued = false, ask_flush = false;
    {
      std::lock_guard lock(p.m);
      if (p.gateway && !stopping) {
        gw = p.gateway;
        call = calls.add(owner, p.link, call_table::clock::now() + opt.request_timeout,
                         std::make_unique<typed_call<Reply, T>>(*this, std::move(cb)));
        req.call = call.id;
        queued = !call.alone || !p.out.empty();
        if (queued)
          ask_flush = p.out.push(wire_request{std::move(req)});
      }
    }
    if (!gw) {
      ++unavailable;
      return cb(errc::shard_unavailable);
    }
    ++remote_calls;
    if (call.start_sweep)
      start_sweep(requester, sweep_interval());
    if (ask_flush)
      request_flush(requester, owner);
    if (queued)
      return;
    ++calling.sent;
    caf::send_as(requester, gw, std::move(req)); // alone: its own type, no batch around it
  }

  /// The requester's flush of peer `p`: the calls queued by now leave as one batch.
  void flush(peer& p) {
    caf::actor gw;
    std::vector<wire_request> queued;
    {
      std::lock_guard lock(p.m);
      gw = p.gateway;
      queued = p.out.take();
    }
    if (!gw || queued.empty())
      return;
    ++calling.sent;
    caf::send_as(requester, gw, wire_batch{std::move(queued)});
  }

  /// Every node's index, for a query gathered from all of them.
  std::vector<std::size_t> all_nodes() const {
    std::vector<std::size_t> out(opt.map->nodes().size());
    for (std::size_t i = 0; i < out.size(); ++i)
      out[i] = i;
    return out;
  }

  /// A query answered by several nodes: asks each node of `from` for its part (`ask_local()` on
  /// this node, `req` to a peer, whose reply is a Reply) and answers `cb` once: with the parts in
  /// the order of `from` when all have answered, or with the first failure as soon as it comes
  /// (SHARD_UNAVAILABLE for a node that is down): a merge of the parts that did answer would be
  /// wrong without saying so. The replies after a failure are dropped.
  template <class Reply, class Part, class Request, class Local>
  void gather(const std::vector<std::size_t>& from, const Request& req, Local ask_local,
              callback<std::vector<Part>> cb) {
    if (from.empty()) // a product without options: nobody to ask
      return cb(std::vector<Part>{});
    struct gathering {
      std::mutex m;
      std::size_t left = 0;
      std::vector<Part> parts;
      callback<std::vector<Part>> cb; ///< empty once answered
    };
    auto g = std::make_shared<gathering>();
    g->left = from.size();
    g->parts.resize(from.size());
    g->cb = std::move(cb);
    auto add = [g](std::size_t slot, domain::result<Part> part) {
      std::unique_lock lock(g->m);
      if (!g->cb)
        return;
      domain::result<std::vector<Part>> out = errc::storage_failure;
      if (!part) {
        out = part.error();
      } else {
        g->parts[slot] = std::move(*part);
        if (--g->left != 0)
          return;
        out = std::move(g->parts);
      }
      auto answer = std::exchange(g->cb, {});
      lock.unlock();
      answer(std::move(out));
    };
    for (std::size_t slot = 0; slot < from.size(); ++slot) {
      if (std::lock_guard lock(g->m); !g->cb)
        return; // already failed (a peer known down): ask no more
      if (from[slot] != opt.self) {
        remote<Reply>(from[slot], req, callback<Part>([add, slot](domain::result<Part> part) {
                        add(slot, std::move(part));
                      }));
        continue;
      }
      ++local_calls;
      domain::result<Part> mine = errc::storage_failure;
      // A local read that throws is this part's STORAGE_FAILURE, not an exception to the caller:
      // the answer may already have gone (a peer known down), and the router would answer again.
      try {
        mine = ask_local();
      } catch (const std::exception& e) {
        spdlog::error("cluster[{}]: this node's part of a gathered query failed: {}",
                      self_info().name, e.what());
      }
      add(slot, std::move(mine));
    }
  }

  bool known_sold_out(id_t coupon_id) const {
    std::shared_lock lock(sold_out_mutex);
    return sold_out.count(coupon_id) != 0;
  }

  void remember_sold_out(id_t coupon_id) {
    std::unique_lock lock(sold_out_mutex);
    sold_out.insert(coupon_id);
  }

  void stop() {
    if (stopping.exchange(true))
      return;
    for (auto& p : peers)
      p->changed.notify_all();
    for (auto& p : peers)
      if (p->keeper.joinable())
        p->keeper.join();
    for (auto& p : peers) {
      std::lock_guard lock(p->m);
      for (auto& w : p->watchers)
        caf::anon_send_exit(w, caf::exit_reason::user_shutdown);
      p->watchers.clear();
      p->gateway = nullptr;
    }
    if (published)
      (void)system->middleman().unpublish(gateway, self_info().actor_port);
    caf::anon_send_exit(connector, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(gateway, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(requester, caf::exit_reason::user_shutdown); // fails its pending calls
    gateway = nullptr;
    connector = nullptr;
    requester = nullptr;
    system.reset();
    for (auto& c : calls.take_all()) // a call made while the requester went away
      c->fail(errc::shard_unavailable);
  }
};

node::node(shop& local, node_options options)
    : impl_(std::make_unique<impl>(local, std::move(options))) {
  auto& d = *impl_;
  d.start_system();
  // The order matters. The sagas must be resumed and the shop must have its step transport
  // before any request can reach the shop: a peer's payment for an open order whose saga is not
  // resumed yet would get 409 ORDER_NOT_PAYABLE, and an order created before the transport is set
  // would have nowhere to send its steps. So: recovery first (its steps to peers answer
  // SHARD_UNAVAILABLE and retry, as with any peer down), then the gateway is published, then the
  // links are made (our handshakes go out only once the peers can call us back). The HTTP
  // front-end listens only after this constructor returned (daemon/serve.cpp).
  try {
    d.local.set_step_transport(this); // resumes the sagas in flight
    d.publish();
  } catch (const std::exception& e) {
    // The resumed sagas send their steps through this node, which goes away with the exception:
    // the shop stops first. Its shutdown flushes the writer, so every committed write stays, and
    // the saga log resumes the same sagas at the next start. No client was answered yet.
    d.local.shutdown();
    d.stop();
    throw std::runtime_error(std::string(e.what()) +
                             " (the shop was shut down; its sagas resume at the next start)");
  }
  d.start_links();
}

node::~node() { stop(); }

void node::stop() { impl_->stop(); }

bool node::owns(domain::entity_kind kind, id_t id) const {
  return impl_->opt.map->owner_of(kind, id) == impl_->opt.self;
}

bool node::version_mismatch(std::size_t index) const {
  return index != impl_->opt.self && impl_->peers.at(index)->mismatched.load();
}

bool node::connected(std::size_t index) const {
  return index == impl_->opt.self || static_cast<bool>(impl_->peers.at(index)->current());
}

const domain::shard_map& node::map() const { return *impl_->opt.map; }

node_stats node::stats() const {
  const auto& d = *impl_;
  return {d.local_calls.load(),
          d.remote_calls.load(),
          d.unavailable.load(),
          d.sold_out_hits.load(),
          d.calling.sent.load() + d.served.sent.load(),
          d.calling.received.load() + d.served.received.load(),
          d.refused_links.load()};
}

void node::issue_coupon(id_t coupon_id, id_t customer_id, callback<domain::issued_coupon> cb) {
  auto& d = *impl_;
  // A coupon's remaining count never grows, so a sold-out answer from its owner stays true:
  // answering it here spares the flash sale's tail a hop to the owner.
  if (d.known_sold_out(coupon_id)) {
    ++d.sold_out_hits;
    return cb(errc::coupon_insufficient);
  }
  callback<domain::issued_coupon> remembering = [&d, coupon_id, cb = std::move(cb)](auto r) {
    if (!r && r.error() == errc::coupon_insufficient)
      d.remember_sold_out(coupon_id);
    cb(std::move(r));
  };
  const auto owner = d.opt.map->owner_of(domain::entity_kind::coupon, coupon_id);
  if (owner == d.opt.self) {
    ++d.local_calls;
    return d.local.issue_coupon(coupon_id, customer_id, std::move(remembering));
  }
  d.remote<wire_issued>(owner, wire_issue{coupon_id, customer_id}, std::move(remembering));
}

void node::charge(id_t customer_id, domain::money amount, callback<domain::balance_view> cb) {
  auto& d = *impl_;
  const auto owner = d.opt.map->owner_of(domain::entity_kind::customer, customer_id);
  if (owner == d.opt.self) {
    ++d.local_calls;
    return d.local.charge(customer_id, amount, std::move(cb));
  }
  d.remote<wire_balance>(owner, wire_charge{customer_id, amount}, std::move(cb));
}

void node::balance(id_t customer_id, callback<domain::balance_view> cb) {
  auto& d = *impl_;
  const auto owner = d.opt.map->owner_of(domain::entity_kind::customer, customer_id);
  if (owner == d.opt.self) {
    ++d.local_calls;
    return cb(d.local.balance(customer_id));
  }
  d.remote<wire_balance>(owner, wire_balance_query{customer_id}, std::move(cb));
}

void node::balance_history_page(id_t customer_id, int limit, id_t before,
                                callback<domain::balance_history_page> cb) {
  auto& d = *impl_;
  const auto owner = d.opt.map->owner_of(domain::entity_kind::customer, customer_id);
  if (owner == d.opt.self) {
    ++d.local_calls;
    return cb(d.local.balance_history_page(customer_id, limit, before));
  }
  d.remote<wire_history>(owner, wire_history_query{customer_id, limit, before}, std::move(cb));
}

// --- cluster mode's saga and order routes ---

void node::send_step(storage::step s, step_callback cb) {
  auto& d = *impl_;
  const auto kind =
      storage::on_stock(s.kind) ? domain::entity_kind::stock : domain::entity_kind::coupon;
  const auto owner = d.opt.map->owner_of(kind, s.entity);
  if (owner == d.opt.self) {
    ++d.local_calls;
    return d.local.apply_step(std::move(s), std::move(cb));
  }
  d.remote<wire_step_outcome>(owner, to_wire(s), std::move(cb));
}

void node::create_order(id_t customer_id, std::vector<domain::order_line_request> lines,
                        callback<domain::order> cb) {
  auto& d = *impl_;
  const auto owner = d.opt.map->owner_of(domain::entity_kind::customer, customer_id);
  if (owner == d.opt.self) {
    ++d.local_calls;
    return d.local.create_order(customer_id, std::move(lines), std::move(cb));
  }
  d.remote<wire_order>(owner, to_wire(customer_id, lines), std::move(cb));
}

void node::pay(id_t order_id, std::optional<id_t> coupon_id, callback<domain::payment> cb,
               id_t payer) {
  auto& d = *impl_;
  const auto owner = d.opt.map->owner_of(domain::entity_kind::order, order_id);
  if (owner == d.opt.self) {
    ++d.local_calls;
    return d.local.pay(order_id, coupon_id, std::move(cb), payer);
  }
  d.remote<wire_payment>(owner, wire_pay{order_id, coupon_id.value_or(0), payer}, std::move(cb));
}

void node::order(id_t order_id, callback<domain::order> cb) {
  auto& d = *impl_;
  const auto owner = d.opt.map->owner_of(domain::entity_kind::order, order_id);
  if (owner == d.opt.self) {
    ++d.local_calls;
    return cb(d.local.order(order_id));
  }
  d.remote<wire_order>(owner, wire_order_query{order_id}, std::move(cb));
}

void node::customer_coupons(id_t customer_id, callback<std::vector<domain::wallet_coupon>> cb) {
  using wallet = std::vector<domain::wallet_coupon>;
  auto& d = *impl_;
  d.gather<wire_wallet, wallet>(
      d.all_nodes(), wire_wallet_query{customer_id},
      [&d, customer_id] { return d.local.customer_coupons(customer_id); },
      [cb = std::move(cb)](domain::result<std::vector<wallet>> parts) {
        if (!parts)
          return cb(parts.error());
        wallet merged;
        for (auto& part : *parts)
          merged.insert(merged.end(), part.begin(), part.end());
        std::sort(merged.begin(), merged.end(), [](const auto& a, const auto& b) {
          return std::tie(a.issued_at, a.coupon_id) < std::tie(b.issued_at, b.coupon_id);
        });
        cb(std::move(merged));
      });
}

void node::products(callback<std::vector<domain::product_summary>> cb) {
  using catalogue = std::vector<domain::product_summary>;
  auto& d = *impl_;
  const auto self = d.opt.self; // all_nodes(): node i's part is parts[i]
  d.gather<wire_stock, catalogue>(
      d.all_nodes(), wire_stock_query{},
      [&d] { return domain::result<catalogue>(d.local.products()); },

      [self, cb = std::move(cb)](domain::result<std::vector<catalogue>> parts) {
        if (!parts)
          return cb(parts.error());
        std::unordered_map<id_t, domain::quantity> elsewhere; ///< stock on the other nodes
        for (std::size_t i = 0; i < parts->size(); ++i)
          if (i != self)
            for (const auto& p : (*parts)[i])
              elsewhere[p.id] += p.stock;
        // Names and prices are the same on every node: this node's list carries them.
        auto out = std::move((*parts)[self]);
        for (auto& p : out)
          p.stock += elsewhere[p.id];
        cb(std::move(out));
      });
}

void node::product(id_t product_id, callback<domain::product_detail> cb) {
  auto& d = *impl_;
  auto here = d.local.product(product_id); // names, prices and options: on every node
  if (!here)
    return cb(here.error());
  std::vector<std::size_t> owners; ///< of the options' stock rows, each once
  for (const auto& o : here->options)
    owners.push_back(d.opt.map->owner_of(domain::entity_kind::stock, o.id));
  std::sort(owners.begin(), owners.end());
  owners.erase(std::unique(owners.begin(), owners.end()), owners.end());
  auto merge = [&map = *d.opt.map, owners, detail = *here,
                cb = std::move(cb)](domain::result<std::vector<domain::product_detail>> parts) {
    if (!parts)
      return cb(parts.error());
    auto out = detail;
    for (auto& o : out.options) {
      const auto owner = map.owner_of(domain::entity_kind::stock, o.id);
      const auto& part = (*parts)[static_cast<std::size_t>(
          std::lower_bound(owners.begin(), owners.end(), owner) - owners.begin())];
      o.stock = 0; // no row on its owner: none in stock, as the single-node LEFT JOIN says
      for (const auto& theirs : part.options)
        if (theirs.id == o.id)
          o.stock = theirs.stock;
    }
    cb(std::move(out));
  };
  d.gather<wire_option_stock, domain::product_detail>(
      owners, wire_product_query{product_id}, [here] { return here; }, std::move(merge));
}

void node::popular(int days, callback<std::vector<domain::popular_product>> cb) {
  using sales = std::vector<domain::popular_product>;
  auto& d = *impl_;
  const auto now = d.local.now(); // one window for every node: this node's today
  d.gather<wire_sales, sales>(
      d.all_nodes(), wire_sales_query{days, now},
      [&d, days, now] { return d.local.product_sales(days, now); },
      [&d, cb = std::move(cb)](domain::result<std::vector<sales>> parts) {
        if (!parts)
          return cb(parts.error());
        std::unordered_map<id_t, domain::quantity> units; // summed before ranking, not top lists
        for (const auto& part : *parts)
          for (const auto& p : part)
            units[p.id] += p.total_sales;
        cb(d.local.top_sellers(
            std::vector<std::pair<id_t, domain::quantity>>(units.begin(), units.end())));
      });
}

} // namespace actorshop::actors::cluster
