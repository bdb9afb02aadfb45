// happens_before: tells ThreadSanitizer about a synchronisation it cannot see. Debian's
// libcaf_core is built without TSan, so the atomics with which CAF hands a message or an actor
// from one thread to another are invisible to it, and every hand-off would be reported as a race.
// `release(key)` in the thread that hands something over and `acquire(key)` in the thread that
// takes it state exactly that edge. Outside a TSan build both are empty and vanish.
#pragma once

#if defined(__SANITIZE_THREAD__)
#define ACTORSHOP_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define ACTORSHOP_TSAN 1
#endif
#endif

#ifdef ACTORSHOP_TSAN
#include <sanitizer/tsan_interface.h>
#endif

namespace actorshop::actors::happens_before {

/// Everything this thread did so far happens before whatever follows a later acquire(key).
inline void release([[maybe_unused]] const void* key) noexcept {
#ifdef ACTORSHOP_TSAN
  __tsan_release(const_cast<void*>(key));
#endif
}

/// What every earlier release(key) published is visible to this thread from here on.
inline void acquire([[maybe_unused]] const void* key) noexcept {
#ifdef ACTORSHOP_TSAN
  __tsan_acquire(const_cast<void*>(key));
#endif
}

} // namespace actorshop::actors::happens_before
