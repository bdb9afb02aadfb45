// The one Catch2 main shared by every test executable (CATCH_CONFIG_MAIN's, without compiling
// Catch's implementation again: that is catch_impl.cpp).
#include "catch_impl.hpp"

int main(int argc, char** argv) { return actorshop::tests::run_catch(argc, argv); }
