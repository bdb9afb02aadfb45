// Layered configuration: defaults, the TOML file, the environment, the flags.
#include "daemon/settings.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <CLI/CLI.hpp>

#include "daemon/version.hpp"

namespace actorshop::daemon {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    throw std::runtime_error("cannot read config file " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// The flags' values. A flag (or its ACTORSHOP_* variable) overrides the file only if it was
/// given, so each is applied only when the app counts it.
struct flag_values {
  std::string config, db, listen, sync, token, sink, level, log_format, auth_mode, auth_secret_file;
  std::string cluster_file, node;
  int port = -1, io_threads = 0, actor_threads = 0;
  std::int64_t max_in_flight = 0, body_limit = 0, ttl_s = -1, max_charge = 0, max_conns = 0;
  bool seed = false, adopt = false, access_log = false, metrics = true;
};

/// Declares every flag, in the order --help lists them.
void add_flags(CLI::App& app, flag_values& f) {
  app.add_option("--config", f.config, "TOML configuration file")->envname("ACTORSHOP_CONFIG");
  app.add_option("--db", f.db, "SQLite database path")->envname("ACTORSHOP_DB");
  app.add_option("--port", f.port, "TCP port (0: any free port)")
      ->envname("ACTORSHOP_PORT")
      ->check(CLI::Range(0, 65535));
  app.add_option("--listen", f.listen, "listen address")->envname("ACTORSHOP_LISTEN");
  app.add_option("--sync", f.sync, "FULL, FULL_PIPELINED or NORMAL")->envname("ACTORSHOP_SYNC");
  app.add_option("--io-threads", f.io_threads, "HTTP io threads")
      ->envname("ACTORSHOP_IO_THREADS")
      ->check(CLI::Range(1, 256));
  app.add_option("--actor-threads", f.actor_threads, "actor scheduler threads")
      ->envname("ACTORSHOP_ACTOR_THREADS")
      ->check(CLI::Range(1, 256));
  app.add_option("--max-in-flight", f.max_in_flight, "requests in flight (503 beyond)")
      ->envname("ACTORSHOP_MAX_IN_FLIGHT")
      ->check(CLI::PositiveNumber);
  app.add_option("--body-limit", f.body_limit, "max request body bytes (413 beyond)")
      ->envname("ACTORSHOP_BODY_LIMIT")
      ->check(CLI::PositiveNumber);
  app.add_option("--order-ttl", f.ttl_s, "seconds before an unpaid order expires")
      ->envname("ACTORSHOP_ORDER_TTL")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--max-charge", f.max_charge, "KRW per balance charge")
      ->envname("ACTORSHOP_MAX_CHARGE")
      ->check(CLI::PositiveNumber);
  app.add_option("--max-connections", f.max_conns, "open connections (closed beyond)")
      ->envname("ACTORSHOP_MAX_CONNECTIONS")
      ->check(CLI::PositiveNumber);
  app.add_option("--admin-token", f.token, "bearer token for POST /coupons")
      ->envname("ACTORSHOP_ADMIN_TOKEN");
  app.add_option("--auth-mode", f.auth_mode,
                 "open (anyone on the port) or token (customer endpoints need a customer token)")
      ->envname("ACTORSHOP_AUTH_MODE");
  app.add_option("--auth-secret-file", f.auth_secret_file,
                 "file holding the customer tokens' HMAC secret (>= 32 bytes); or set "
                 "ACTORSHOP_AUTH_SECRET")
      ->envname("ACTORSHOP_AUTH_SECRET_FILE");
  app.add_option("--event-sink", f.sink, "file:PATH or http://HOST:PORT/PATH")
      ->envname("ACTORSHOP_EVENT_SINK");
  app.add_option("--log-level", f.level, "trace|debug|info|warn|error")
      ->envname("ACTORSHOP_LOG_LEVEL");
  app.add_option("--log-format", f.log_format, "text or json (one object per line), on stderr")
      ->envname("ACTORSHOP_LOG_FORMAT")
      ->check(CLI::IsMember({"text", "json"}));
  app.add_flag("--access-log", f.access_log, "log one line per request")
      ->envname("ACTORSHOP_ACCESS_LOG");
  app.add_option("--metrics-enabled", f.metrics,
                 "true: count requests, latencies, actor and writer metrics for /metrics")
      ->envname("ACTORSHOP_METRICS_ENABLED");
  app.add_flag("--seed", f.seed, "load the seed dataset (spec §2) before serving")
      ->envname("ACTORSHOP_SEED");
  app.add_option(
         "--cluster-file", f.cluster_file,
         "cluster mode (preview): the cluster file (config/cluster.toml) shared by every node")
      ->envname("ACTORSHOP_CLUSTER_FILE");
  app.add_option("--node", f.node, "cluster mode: this node's name in the cluster file")
      ->envname("ACTORSHOP_NODE");
  app.add_flag("--adopt-database", f.adopt,
               "migrate --db even if it holds another application's tables (refused otherwise)");
}

void apply_server_flags(const CLI::App& app, const flag_values& f, settings& s) {
  if (app.count("--port"))
    s.server.port = static_cast<unsigned short>(f.port);
  if (app.count("--listen"))
    s.server.address = f.listen;
  if (app.count("--io-threads"))
    s.server.io_threads = f.io_threads;
  if (app.count("--max-in-flight"))
    s.max_in_flight = f.max_in_flight;
  if (app.count("--body-limit"))
    s.server.body_limit = static_cast<std::uint64_t>(f.body_limit);
  if (app.count("--max-connections"))
    s.server.max_connections = f.max_conns;
  if (app.count("--admin-token"))
    s.admin_token = f.token;
  if (app.count("--auth-mode")) {
    auto m = parse_auth_mode(f.auth_mode);
    if (!m)
      throw std::runtime_error("--auth-mode must be open or token");
    s.auth.mode = *m;
  }
  if (app.count("--auth-secret-file"))
    s.auth.secret_file = f.auth_secret_file;
  if (app.count("--log-level"))
    s.log_level = f.level;
  if (app.count("--log-format"))
    s.log_format = f.log_format;
  if (app.count("--access-log"))
    s.log_access = f.access_log;
  if (app.count("--metrics-enabled"))
    s.metrics_enabled = f.metrics;
}

void apply_shop_flags(const CLI::App& app, const flag_values& f, settings& s) {
  if (app.count("--db"))
    s.shop.db_path = f.db;
  if (app.count("--sync")) {
    auto m = parse_sync(f.sync);
    if (!m)
      throw std::runtime_error("--sync must be FULL, FULL_PIPELINED or NORMAL");
    s.shop.sync = *m;
  }
  if (app.count("--actor-threads"))
    s.shop.actor_threads = f.actor_threads;
  if (app.count("--order-ttl"))
    s.shop.order_ttl = std::chrono::seconds(f.ttl_s);
  if (app.count("--max-charge"))
    s.shop.max_charge = f.max_charge;
  if (app.count("--event-sink"))
    s.shop.event_sink = f.sink;
}

void apply_flags(const CLI::App& app, const flag_values& f, settings& s) {
  apply_server_flags(app, f, s);
  apply_shop_flags(app, f, s);
  s.seed = f.seed;
  s.adopt_database = f.adopt;
  if (app.count("--cluster-file"))
    s.cluster_file = f.cluster_file;
  if (app.count("--node"))
    s.node_name = f.node;
  if (s.cluster_file.empty() != s.node_name.empty())
    throw std::runtime_error("--cluster-file and --node go together (cluster mode needs both)");
}

} // namespace

namespace {

/// `actorshop token --customer N [--ttl 1h]`: mints a customer token with the configured secret.
void add_token_subcommand(CLI::App& app, invocation& inv) {
  auto* token = app.add_subcommand("token", "print a customer token (auth.mode = \"token\")");
  token->fallthrough();
  token
      ->add_option_function<std::string>(
          "--customer",
          [&inv](const std::string& v) {
            inv.token_customer = domain::parse_id(v);
            if (inv.token_customer == 0)
              throw CLI::ValidationError("--customer", "must be a customer id (1.." +
                                                           std::to_string(domain::max_id) + ")");
          },
          "the customer the token acts for")
      ->required();
  token->add_option_function<std::string>(
      "--ttl",
      [&inv](const std::string& v) {
        auto ttl = parse_ttl(v);
        if (!ttl)
          throw CLI::ValidationError("--ttl", "must be like 90s, 30m, 1h or 7d (at most 366d)");
        inv.token_ttl = *ttl;
      },
      "how long the token is valid (default 1h)");
}

/// `actorshop audit --cluster-file F --db a.db,b.db,c.db`: the audit over every node's database.
/// Its own --cluster-file and --db (not the serving ones): no --node, and several files.
void add_audit_subcommand(CLI::App& app, invocation& inv) {
  auto* audit = app.add_subcommand("audit", "the invariant audit across every node's database of "
                                            "a cluster (scale-out)");
  audit->add_option("--cluster-file", inv.audit_cluster_file, "the cluster file the nodes run")
      ->required();
  audit
      ->add_option("--db", inv.audit_dbs,
                   "every node's database, comma-separated, in the cluster file's [[nodes]] order")
      ->required()
      ->delimiter(',');
  audit
      ->add_option("--stock-initial", inv.audit_stock_initial,
                   "units every stock row started with (the seed's 100000); default: the copies "
                   "of a row on several nodes must agree")
      ->check(CLI::NonNegativeNumber);
}

/// Declares the subcommands. Their options fall through to the main app, so the settings flags
/// (--db, --config, ...) mean the same before or after the subcommand's name.
void add_subcommands(CLI::App& app, invocation& inv) {
  app.require_subcommand(0, 1);
  app.add_subcommand("serve", "serve HTTP until SIGINT/SIGTERM (the default)")->fallthrough();
  auto* backup = app.add_subcommand("backup", "copy the database online, while it is served");
  backup->fallthrough();
  backup->add_option("--to", inv.backup_to, "the copy's path (must not exist)")->required();
  backup
      ->add_option("--pages-per-step", inv.backup_pages_per_step,
                   "pages copied per step (the daemon's writer waits at most one step)")
      ->check(CLI::Range(1, 1 << 20));
  app.add_subcommand("check", "integrity_check and the invariant audit of the database")
      ->fallthrough();
  add_token_subcommand(app, inv);
  add_audit_subcommand(app, inv);
}

command command_of(const CLI::App& app) {
  if (app.got_subcommand("backup"))
    return command::backup;
  if (app.got_subcommand("check"))
    return command::check;
  if (app.got_subcommand("token"))
    return command::token;
  if (app.got_subcommand("audit"))
    return command::audit;
  return command::serve;
}

/// Applies the config file, then the flags. A bad flag value is a usage error, reported like
/// CLI11's own (exit 2); a bad file is a runtime failure (thrown).
bool build_settings(const CLI::App& app, const flag_values& f, settings& s) {
  if (!f.config.empty()) {
    std::string text;
    try {
      text = read_file(f.config);
    } catch (const std::runtime_error& e) { // a wrong path on the command line: a usage error
      std::fprintf(stderr, "%s\nRun with --help for more information.\n", e.what());
      return false;
    }
    apply_toml(s, text, f.config);
    s.config_path = f.config;
  }
  try {
    apply_flags(app, f, s);
  } catch (const std::runtime_error& e) {
    std::fprintf(stderr, "%s\nRun with --help for more information.\n", e.what());
    return false;
  }
  return true;
}

} // namespace

std::optional<invocation> parse_command_line(int argc, char** argv, int& exit_code) {
  CLI::App app{"actorshop: actor-model e-commerce daemon (coupons, orders, payments)"};
  flag_values f;
  add_flags(app, f);
  bool version = false;
  app.add_flag("--version", version, "print the versions of actorshop and its libraries");
  invocation inv;
  add_subcommands(app, inv);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11's own codes (105, 109, ...) mean nothing to a shell: usage errors exit 2.
    exit_code = app.exit(e) == 0 ? 0 : 2;
    return std::nullopt;
  }
  if (version) {
    std::fputs(version_text().c_str(), stdout);
    exit_code = 0;
    return std::nullopt;
  }
  if (!build_settings(app, f, inv.s)) {
    exit_code = 2;
    return std::nullopt;
  }
  inv.cmd = command_of(app);
  inv.args.assign(argv + (argc > 0 ? 1 : 0), argv + argc);
  return inv;
}

std::optional<settings> load_settings(int argc, char** argv, int& exit_code) {
  auto inv = parse_command_line(argc, argv, exit_code);
  if (!inv)
    return std::nullopt;
  return std::move(inv->s);
}

settings reload_settings(const std::vector<std::string>& args) {
  std::vector<std::string> copy{"actorshop"};
  copy.insert(copy.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : copy)
    argv.push_back(a.data());
  int code = 0;
  auto inv = parse_command_line(static_cast<int>(argv.size()), argv.data(), code);
  if (!inv)
    throw std::runtime_error("the command line no longer parses");
  return std::move(inv->s);
}

} // namespace actorshop::daemon
