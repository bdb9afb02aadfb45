#include "bench/harness/threshold.hpp"

#include <cctype>
#include <cmath>
#include <stdexcept>

namespace actorshop::bench {

namespace {

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  auto e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

[[noreturn]] void fail(const std::string& expr, const std::string& why) {
  throw std::invalid_argument("invalid threshold '" + expr + "': " + why);
}

/// Finds the operator: the first of < > = ! outside the p(...) parentheses.
std::size_t operator_pos(const std::string& e) {
  int depth = 0;
  for (std::size_t i = 0; i < e.size(); ++i) {
    if (e[i] == '(')
      ++depth;
    else if (e[i] == ')')
      --depth;
    else if (depth == 0 && (e[i] == '<' || e[i] == '>' || e[i] == '=' || e[i] == '!'))
      return i;
  }
  return std::string::npos;
}

compare_op parse_op(const std::string& expr, const std::string& op) {
  if (op == "<")
    return compare_op::lt;
  if (op == "<=")
    return compare_op::le;
  if (op == ">")
    return compare_op::gt;
  if (op == ">=")
    return compare_op::ge;
  if (op == "==" || op == "===")
    return compare_op::eq;
  if (op == "!=")
    return compare_op::ne;
  fail(expr, "unknown operator '" + op + "' (use < <= > >= == !=)");
}

void parse_aggregate(const std::string& expr, const std::string& agg, threshold& t) {
  static const char* plain[] = {"avg", "min", "max", "med", "rate", "count", "value"};
  for (const char* p : plain)
    if (agg == p) {
      t.aggregate = agg;
      return;
    }
  if (agg.size() >= 3 && agg.rfind("p(", 0) == 0 && agg.back() == ')') {
    const std::string num = trim(agg.substr(2, agg.size() - 3));
    std::size_t used = 0;
    double v = 0;
    try {
      v = std::stod(num, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    // Written so that NaN fails too: p(nan) would index the samples with a NaN rank.
    if (used != num.size() || num.empty() || !(v >= 0 && v <= 100))
      fail(expr, "percentile '" + agg + "' must be p(N) with 0 <= N <= 100");
    t.aggregate = "p(" + num + ")";
    t.percentile = v / 100.0;
    return;
  }
  fail(expr, "unknown aggregation method '" + agg +
                 "' (use p(N), avg, min, max, med, rate, count, value)");
}

} // namespace

threshold parse_threshold(const std::string& metric, const std::string& expression) {
  threshold t;
  t.metric = trim(metric);
  t.expression = trim(expression);
  const std::string& e = t.expression;
  if (t.metric.empty())
    fail(e, "empty metric name");
  const auto pos = operator_pos(e);
  if (pos == std::string::npos)
    fail(e, "missing operator (use < <= > >= == !=)");
  std::size_t end = pos;
  while (end < e.size() && (e[end] == '<' || e[end] == '>' || e[end] == '=' || e[end] == '!'))
    ++end;
  parse_aggregate(e, trim(e.substr(0, pos)), t);
  t.op = parse_op(e, e.substr(pos, end - pos));
  const std::string rhs = trim(e.substr(end));
  std::size_t used = 0;
  try {
    t.value = std::stod(rhs, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (rhs.empty() || used != rhs.size() || !std::isfinite(t.value))
    fail(e, "right-hand side '" + rhs + "' is not a number");
  return t;
}

threshold parse_threshold_flag(const std::string& flag) {
  // A submetric's selector holds colons too ("http_req_duration{expected_response:true}"):
  // the metric ends at the first colon outside the braces.
  std::size_t colon = std::string::npos;
  for (std::size_t i = 0, depth = 0; i < flag.size() && colon == std::string::npos; ++i) {
    if (flag[i] == '{')
      ++depth;
    else if (flag[i] == '}' && depth > 0)
      --depth;
    else if (flag[i] == ':' && depth == 0)
      colon = i;
  }
  if (colon == std::string::npos)
    throw std::invalid_argument("invalid --threshold '" + flag +
                                "': expected METRIC:EXPRESSION, e.g. http_req_duration:p(95)<500");
  return parse_threshold(flag.substr(0, colon), flag.substr(colon + 1));
}

bool passes(const threshold& t, double v) {
  switch (t.op) {
  case compare_op::lt:
    return v < t.value;
  case compare_op::le:
    return v <= t.value;
  case compare_op::gt:
    return v > t.value;
  case compare_op::ge:
    return v >= t.value;
  case compare_op::eq:
    return v == t.value;
  case compare_op::ne:
    return v != t.value;
  }
  return false;
}

std::string to_string(compare_op op) {
  switch (op) {
  case compare_op::lt:
    return "<";
  case compare_op::le:
    return "<=";
  case compare_op::gt:
    return ">";
  case compare_op::ge:
    return ">=";
  case compare_op::eq:
    return "==";
  case compare_op::ne:
    return "!=";
  }
  return "?";
}

} // namespace actorshop::bench
