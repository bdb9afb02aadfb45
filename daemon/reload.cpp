#include "daemon/reload.hpp"

namespace actorshop::daemon {

std::vector<std::string> reload_changes(const settings& running, const settings& reread) {
  std::vector<std::string> lines;
  if (running.log_level != reread.log_level)
    lines.push_back("reload: server.log_level " + running.log_level + " -> " + reread.log_level);
  if (running.admin_token != reread.admin_token)
    lines.push_back("reload: admin.token (changed)");
  if (running.auth.mode != reread.auth.mode || running.auth.secret_file != reread.auth.secret_file)
    lines.push_back("reload: auth.* changed: not applied, the customer token settings and "
                    "secret take effect after a restart");
  if (running.shop.event_sink != reread.shop.event_sink)
    lines.push_back("reload: events.sink changed to '" + reread.shop.event_sink +
                    "': not applied, it takes effect after a restart");
  return lines;
}

void apply_reloadable(settings& running, const settings& reread) {
  running.log_level = reread.log_level;
  running.admin_token = reread.admin_token;
}

} // namespace actorshop::daemon
