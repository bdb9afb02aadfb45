#include "storage/worker_thread.hpp"

#include <pthread.h>

namespace actorshop::storage {

void worker_thread::start(std::string name, body_fn body) {
  thread_ =
      std::jthread([this, name = std::move(name), body = std::move(body)](std::stop_token st) {
        token_ = std::move(st);
        pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
        body(*this);
      });
  source_ = thread_.get_stop_source();
  id_ = thread_.get_id();
}

void worker_thread::stop() {
  if (is_current()) {
    source_.request_stop();
    return;
  }
  if (!thread_.joinable())
    return;
  thread_.request_stop(); // the stop callback inside wait() notifies the condition variable
  thread_.join();
}

} // namespace actorshop::storage
