// cluster::node's start-up order, in-process with the real shop, the real actor systems and a
// real CAF peer on loopback: a node restarted with open orders resumes their sagas (and sets the
// shop's step transport) before its gateway is published, so a peer that pays the moment it can
// connect never finds an order without its saga; and a node that cannot publish its gateway
// after resuming the sagas shuts the shop down and loses nothing.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <caf/all.hpp>
#include <caf/io/middleman.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <variant>
#include <vector>

#include "actors/cluster/node.hpp"
#include "actors/cluster/wire.hpp"
#include "actors/shop.hpp"
#include "domain/placement.hpp"
#include "support/process.hpp"
#include "support/seeded_db.hpp"
#include "support/temp_dir.hpp"

using namespace actorshop;
using actors::cluster::node;

namespace {

constexpr std::size_t open_orders = 1000; ///< recovery takes ~20 ms: a wide gap, if there is one

/// A one-node cluster on loopback (the node owns every shard) over a seeded database.
struct one_node_cluster {
  test::temp_dir dir;
  std::string path = test::seeded_database(dir);
  std::shared_ptr<const domain::shard_map> map;

  explicit one_node_cluster(unsigned short actor_port) {
    domain::cluster_spec spec;
    spec.version = 1;
    spec.shard_count = 4;
    spec.heartbeat_interval_ms = 250;
    spec.connection_timeout_ms = 2'000;
    spec.nodes = {domain::node_info{"a", "127.0.0.1", test::free_port(), actor_port}};
    spec.assignments = {{"a", {0, 1, 2, 3}}};
    auto made = domain::make_shard_map(spec);
    REQUIRE(std::holds_alternative<domain::static_shard_map>(made));
    map = std::make_shared<domain::static_shard_map>(
        std::get<domain::static_shard_map>(std::move(made)));
  }

  actors::shop_options shop_options() const {
    actors::shop_options o;
    o.db_path = path;
    o.sync = storage::sync_mode::normal; // no crash here: the commits need not be fsynced
    o.actor_threads = 2;
    o.owns = [m = map](domain::entity_kind kind, domain::id_t id) {
      return m->owner_of(kind, id) == 0;
    };
    return o;
  }

  actors::cluster::node_options node_options() const {
    actors::cluster::node_options o;
    o.map = map;
    o.self = 0;
    return o;
  }
};

/// Waits (bounded) for `n` answers of calls made by `make(i, cb)`, i in 0..n-1.
template <class T, class Make> std::vector<domain::result<T>> answers(std::size_t n, Make make) {
  std::mutex m;
  std::condition_variable cv;
  std::vector<std::optional<domain::result<T>>> got(n);
  std::size_t left = n;
  for (std::size_t i = 0; i < n; ++i)
    make(i, actors::callback<T>([&, i](domain::result<T> r) {
           std::lock_guard lock(m);
           got[i] = std::move(r);
           if (--left == 0)
             cv.notify_all();
         }));
  std::unique_lock lock(m);
  REQUIRE(cv.wait_for(lock, std::chrono::seconds(60), [&] { return left == 0; }));
  std::vector<domain::result<T>> out;
  for (auto& r : got)
    out.push_back(std::move(*r));
  return out;
}

/// Creates `open_orders` orders (one per customer, one unit each) through `n`; returns their ids,
/// ascending.
std::vector<domain::id_t> create_orders(node& n) {
  auto created = answers<domain::order>(open_orders, [&](std::size_t i, auto cb) {
    const domain::id_t option = 6001 + static_cast<domain::id_t>(i % 60);
    const domain::id_t product = 5001 + (option - 6001) / 3;
    n.create_order(1001 + static_cast<domain::id_t>(i), {{product, option, 1}}, std::move(cb));
  });
  std::vector<domain::id_t> ids;
  for (const auto& o : created) {
    REQUIRE(o);
    ids.push_back(o->id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

/// A shop and its node with `open_orders` open orders, stopped as the daemon stops them.
std::vector<domain::id_t> leave_open_orders(const one_node_cluster& c) {
  actors::shop shop(c.shop_options());
  node n(shop, c.node_options());
  auto ids = create_orders(n);
  shop.shutdown();
  n.stop();
  return ids;
}

/// A peer: a CAF actor system with the middleman and the wire types, as a node's.
struct peer_system {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> system;
  peer_system() {
    cfg.load<caf::io::middleman>();
    actors::cluster::register_wire_types(cfg);
    cfg.set("scheduler.max-threads", std::size_t{2});
    cfg.set("logger.verbosity", caf::atom("quiet"));
    system = std::make_unique<caf::actor_system>(cfg);
  }
};

/// A loopback TCP listener that holds `port` (another program on the node's actor port).
class port_holder {
public:
  explicit port_holder(unsigned short port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    REQUIRE(fd_ >= 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd_, 1) == 0);
  }
  ~port_holder() { ::close(fd_); }
  port_holder(const port_holder&) = delete;
  port_holder& operator=(const port_holder&) = delete;

private:
  int fd_;
};

} // namespace

TEST_CASE("a restarted node resumes its open orders' sagas before a peer can reach its gateway: "
          "a payment sent the moment the peer connects pays",
          "[cluster][node]") {
  const auto actor_port = test::free_port();
  one_node_cluster c(actor_port);
  const auto ids = leave_open_orders(c);

  peer_system peer; // ready first: it tries to connect from the node's first moment on
  actors::shop shop(c.shop_options()); // recovered: the cluster sagas wait for the transport
  std::unique_ptr<node> restarted;
  std::thread starting([&] { restarted = std::make_unique<node>(shop, c.node_options()); });

  caf::actor gateway;
  // Connects as soon as the gateway is published: the refused attempts are the wait.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!gateway && std::chrono::steady_clock::now() < deadline)
    if (auto gw = peer.system->middleman().remote_actor("127.0.0.1", actor_port))
      gateway = std::move(*gw);
  REQUIRE(gateway);

  std::vector<std::uint8_t> codes;
  {
    caf::scoped_actor self{*peer.system};
    // Newest first: recovery resumes the sagas in id order, so the first payment to arrive is
    // for the last saga resumed (with the gateway published first, it found no saga every time).
    for (std::size_t i = ids.size(); i-- > 0;)
      self->send(gateway, actors::cluster::wire_pay{ids[i], 0, 0, i});
    // The gateway answers a payment alone or, with others open for this caller, in a batch.
    bool waited_out = false;
    while (codes.size() < ids.size() && !waited_out)
      self->receive([&](const actors::cluster::wire_payment& p) { codes.push_back(p.code); },
                    [&](const actors::cluster::wire_reply_batch& b) {
                      for (const auto& r : b.replies)
                        codes.push_back(caf::get<actors::cluster::wire_payment>(r).code);
                    },
                    caf::after(std::chrono::seconds(60)) >> [&] { waited_out = true; });
  }
  starting.join();
  REQUIRE(restarted);
  REQUIRE(codes.size() == ids.size());
  // 0: paid. ORDER_NOT_PAYABLE here: a payment reached an order before its saga was resumed.
  for (auto code : codes)
    CHECK(int{code} == 0);
  shop.shutdown();
  restarted->stop();
}

TEST_CASE("a node that cannot publish its gateway after resuming the sagas shuts the shop down and "
          "loses no open order",
          "[cluster][node]") {
  const auto actor_port = test::free_port();
  one_node_cluster c(actor_port);
  const auto ids = leave_open_orders(c);
  {
    actors::shop shop(c.shop_options());
    port_holder taken(actor_port);
    REQUIRE_THROWS_WITH(node(shop, c.node_options()),
                        Catch::Contains("cannot publish the gateway") &&
                            Catch::Contains("the shop was shut down"));
    // Shut down: a command is refused, not run by a saga whose transport is gone.
    auto refused = answers<domain::order>(1, [&](std::size_t, auto cb) {
      shop.create_order(1001, {{5001, 6001, 1}}, std::move(cb));
    });
    REQUIRE(!refused[0]);
    CHECK(refused[0].error() == domain::errc::unavailable);
  }
  // The next start resumes every open order: each can be paid.
  actors::shop shop(c.shop_options());
  node n(shop, c.node_options());
  auto paid = answers<domain::payment>(
      ids.size(), [&](std::size_t i, auto cb) { n.pay(ids[i], std::nullopt, std::move(cb), 0); });
  for (const auto& p : paid)
    CHECK(p);
  shop.shutdown();
  n.stop();
}
