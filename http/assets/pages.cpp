#include "http/assets/pages.hpp"

#include "http/assets/embedded.hpp"

namespace actorshop::http::assets {

std::string inline_script(std::string_view name) {
  std::string out = "<script>/* ";
  out.append(name).append(" */\n").append(embedded(name)).append("\n</script>\n");
  return out;
}

std::string chart_head() {
  std::string out = "<style>\n";
  out.append(embedded("dygraph.min.css")).append("\n").append(embedded("charts.css"));
  out += "\n</style>\n";
  for (const char* name : {"dygraph.min.js", "synchronizer.js", "charts.js"})
    out += inline_script(name);
  return out;
}

std::string live_head() {
  std::string out = "<style>\n";
  out.append(embedded("dygraph.min.css")).append("\n").append(embedded("charts.css"));
  out += "\n</style>\n";
  for (const char* name : {"dygraph.min.js", "charts.js", "live.js"})
    out += inline_script(name);
  return out;
}

std::string json_script(std::string_view id, std::string_view json) {
  std::string out = "<script type=\"application/json\" id=\"";
  out.append(id).append("\">");
  for (std::size_t i = 0; i < json.size(); ++i) {
    out += json[i];
    if (json[i] == '<' && i + 1 < json.size() && json[i + 1] == '/')
      out += '\\';
  }
  out += "</script>\n";
  return out;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&#39;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

} // namespace actorshop::http::assets
