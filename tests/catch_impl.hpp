// Catch2's session, for a main() that does not compile Catch's implementation itself.
#pragma once

namespace actorshop::tests {

/// Runs the Catch2 session with `argv` (Catch's own command line); returns the exit code.
int run_catch(int argc, char** argv);

} // namespace actorshop::tests
