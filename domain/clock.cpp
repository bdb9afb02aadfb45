#include "domain/clock.hpp"

namespace actorshop::domain {

timestamp manual_clock::now() const {
  std::lock_guard lock(mutex_);
  return now_;
}

std::shared_ptr<void> manual_clock::on_jump(std::function<void()> on_jump) {
  auto handle = std::make_shared<listener>(std::move(on_jump));
  std::lock_guard lock(mutex_);
  listeners_.push_back(handle);
  return handle;
}

void manual_clock::advance(timestamp ms) {
  std::vector<std::shared_ptr<listener>> live;
  {
    std::lock_guard lock(mutex_);
    now_ += ms;
    std::erase_if(listeners_, [](const auto& l) { return l.expired(); });
    for (const auto& l : listeners_)
      if (auto fn = l.lock())
        live.push_back(std::move(fn));
  }
  for (const auto& fn : live) // without the lock: a listener may read now()
    (*fn)();
}

} // namespace actorshop::domain
