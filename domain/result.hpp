// result<T>: a value or a domain error, the return type of every rule that can fail.
// (std::expected is C++23; this is the small subset we need.)
#pragma once

#include <cassert>
#include <optional>
#include <utility>

#include "domain/errors.hpp"

namespace actorshop::domain {

/// Holds either a T or an errc.
template <class T> class result {
public:
  result(T value) : value_(std::move(value)) {}
  result(errc error) : error_(error) {}

  explicit operator bool() const noexcept { return value_.has_value(); }
  bool has_value() const noexcept { return value_.has_value(); }
  errc error() const noexcept { return error_; }

  T& value() & {
    assert(value_);
    return *value_;
  }
  const T& value() const& {
    assert(value_);
    return *value_;
  }
  T&& value() && {
    assert(value_);
    return std::move(*value_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

private:
  std::optional<T> value_;
  errc error_{};
};

/// Success or an error, for operations without a value.
class status {
public:
  status() = default;
  status(errc error) : error_(error), failed_(true) {}
  static status ok() { return {}; }

  explicit operator bool() const noexcept { return !failed_; }
  errc error() const noexcept { return error_; }

private:
  errc error_{};
  bool failed_ = false;
};

} // namespace actorshop::domain
