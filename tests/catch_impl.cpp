// Catch2's implementation, compiled once per build tree for both mains (test_main.cpp and
// tests/actors/sim/sim_main.cpp): at -O3 it is the costliest file of the build (~35 s CPU).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "catch_impl.hpp"

int actorshop::tests::run_catch(int argc, char** argv) { return Catch::Session().run(argc, argv); }
