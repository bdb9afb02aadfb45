// Implementation of the HTTP test helpers.
#include "test_support.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>
#include <stdexcept>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace actorshop::http::test {
namespace {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

response to_response(const bhttp::response<bhttp::string_body>& res) {
  response r;
  r.status = res.result_int();
  r.body = res.body();
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (auto& c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[name] = std::string(f.value());
  }
  return r;
}

} // namespace

temp_dir::temp_dir() {
  char tmpl[] = "/tmp/actorshop-http-XXXXXX";
  if (!mkdtemp(tmpl))
    throw std::runtime_error("mkdtemp failed");
  path = tmpl;
}

temp_dir::~temp_dir() {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

std::string response::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

struct client::impl {
  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
};

client::client(unsigned short port) : impl_(new impl) {
  impl_->stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
}

client::~client() { delete impl_; }

response client::request(const std::string& method, const std::string& target,
                         const std::string& body, const std::map<std::string, std::string>& headers,
                         const std::string& content_type) {
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  if (!body.empty() || method == "POST" || method == "PATCH") {
    if (!content_type.empty())
      req.set(bhttp::field::content_type, content_type);
    req.body() = body;
    req.prepare_payload();
  }
  for (const auto& [k, v] : headers)
    req.set(k, v);
  bhttp::write(impl_->stream, req);
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(16 * 1024 * 1024);
  impl_->stream.expires_after(std::chrono::seconds(20));
  bhttp::read(impl_->stream, impl_->buffer, parser);
  return to_response(parser.get());
}

std::optional<response> raw_exchange(unsigned short port, const std::string& bytes,
                                     std::chrono::milliseconds wait) {
  net::io_context ioc;
  tcp::socket sock(ioc);
  sock.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  beast::error_code ec;
  net::write(sock, net::buffer(bytes), ec); // the server may close early (e.g. 413): fine
  timeval tv{static_cast<time_t>(wait.count() / 1000),
             static_cast<suseconds_t>((wait.count() % 1000) * 1000)};
  setsockopt(sock.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  beast::flat_buffer buf;
  bhttp::response_parser<bhttp::string_body> parser;
  bhttp::read(sock, buf, parser, ec);
  if (ec)
    return std::nullopt;
  return to_response(parser.get());
}

std::vector<response> pipelined_exchange(unsigned short port, const std::string& bytes,
                                         std::size_t count) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  net::write(stream, net::buffer(bytes));
  beast::flat_buffer buf;
  std::vector<response> out;
  for (std::size_t i = 0; i < count; ++i) {
    bhttp::response_parser<bhttp::string_body> parser;
    stream.expires_after(std::chrono::seconds(10));
    bhttp::read(stream, buf, parser);
    out.push_back(to_response(parser.get()));
  }
  return out;
}

bool closed_after(unsigned short port, const std::string& bytes, std::chrono::milliseconds wait) {
  net::io_context ioc;
  tcp::socket sock(ioc);
  sock.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  net::write(sock, net::buffer(bytes));
  pollfd p{sock.native_handle(), POLLIN, 0};
  auto deadline = std::chrono::steady_clock::now() + wait;
  char c[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0)
      return false;
    auto n = ::recv(sock.native_handle(), c, sizeof c, 0);
    if (n <= 0)
      return true; // EOF or reset: closed
  }
  return false;
}

daemon_process::daemon_process(std::vector<std::string> args, std::vector<std::string> env) {
  bool has_port = false;
  for (const auto& a : args)
    has_port = has_port || a == "--port";
  if (!has_port) {
    args.push_back("--port");
    args.push_back("0");
  }
  int out[2];
  if (pipe(out) != 0)
    throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    for (const auto& e : env)
      putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> argv{const_cast<char*>(ACTORSHOP_BIN)};
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(ACTORSHOP_BIN, argv.data());
    _exit(127);
  }
  close(out[1]);
  // Read the start line ("... listening on http://127.0.0.1:PORT ...") within 30 s.
  pollfd p{out[0], POLLIN, 0};
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  char c;
  while (std::chrono::steady_clock::now() < deadline && poll(&p, 1, 1000) >= 0) {
    if (!(p.revents & (POLLIN | POLLHUP)))
      continue;
    if (read(out[0], &c, 1) != 1)
      break;
    if (c == '\n')
      break;
    line_ += c;
  }
  close(out[0]); // the daemon prints nothing else to stdout; logs go to stderr
  auto at = line_.find("http://127.0.0.1:");
  if (at == std::string::npos) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
    throw std::runtime_error("daemon did not start: '" + line_ + "'");
  }
  port_ = static_cast<unsigned short>(std::stoi(line_.substr(at + 17)));
}

daemon_process::~daemon_process() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

int daemon_process::terminate(std::chrono::milliseconds wait) {
  if (pid_ <= 0)
    return -1;
  kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + wait;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return -1;
}

std::vector<std::string> seeded_args(const std::string& dir, const std::string& db) {
  auto config = dir + "/test.toml";
  std::ofstream(config)
      << "[server]\nread_timeout_ms = 1500\nidle_timeout_ms = 5000\n"
         "io_threads = 2\n[actors]\nthreads = 2\n[storage]\nsynchronous = \"NORMAL\"\n";
  return {"--config", config, "--db", db, "--seed", "--admin-token", "test-admin"};
}

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

std::int64_t json_int_field(const std::string& body, const std::string& key) {
  const auto at = body.find("\"" + key + "\":");
  if (at == std::string::npos)
    throw std::runtime_error("no " + key + " in " + body);
  return std::stoll(body.substr(at + key.size() + 3));
}

// Output goes to files rather than pipes: a child that fills a pipe nobody reads would block.
run_result run_actorshop(const std::vector<std::string>& args) {
  temp_dir dir;
  const std::string out = dir.path + "/out", err = dir.path + "/err";
  pid_t pid = fork();
  if (pid == 0) {
    int in = open("/dev/null", O_RDONLY);
    int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(in, STDIN_FILENO);
    dup2(o, STDOUT_FILENO);
    dup2(e, STDERR_FILENO);
    std::vector<char*> argv{const_cast<char*>(ACTORSHOP_BIN)};
    for (const auto& a : args)
      argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(ACTORSHOP_BIN, argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  run_result r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

} // namespace actorshop::http::test
