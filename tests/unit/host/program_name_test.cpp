// How orka names itself when kubectl runs it as the kubectl-orka plugin.
#include <doctest/doctest.h>

#include "program_name.hpp"

using orka::cli::as_run_by;
using orka::cli::program_name;

TEST_CASE("program_name: kubectl-orka by any path is `kubectl orka`, anything else `orka`") {
  CHECK(program_name("kubectl-orka") == "kubectl orka");
  CHECK(program_name("/usr/local/bin/kubectl-orka") == "kubectl orka");
  CHECK(program_name("orka") == "orka");
  CHECK(program_name("/opt/orka/bin/orka") == "orka");
  CHECK(program_name("kubectl-orka-old") == "orka");
  CHECK(program_name("/tmp/kubectl-orka/orka") == "orka");  // the directory's name is not the file's
  CHECK(program_name("") == "orka");
}

TEST_CASE("as_run_by names commands as kubectl runs them and leaves other mentions alone") {
  const std::string_view kubectl = "kubectl orka";
  SUBCASE("usage lines, continuation lines and hints in backquotes") {
    CHECK(as_run_by("usage: orka ops logs POD [flags]", kubectl) ==
          "usage: kubectl orka ops logs POD [flags]");
    CHECK(as_run_by("usage: orka ops cordon NODE\n       orka ops uncordon NODE", kubectl) ==
          "usage: kubectl orka ops cordon NODE\n       kubectl orka ops uncordon NODE");
    CHECK(as_run_by("hint: see `orka ops logs --help`", kubectl) ==
          "hint: see `kubectl orka ops logs --help`");
    CHECK(as_run_by("usage: orka [global flags] <command> [args]", kubectl) ==
          "usage: kubectl orka [global flags] <command> [args]");
    CHECK(as_run_by("did you mean `orka plugins`? run `orka --help`", kubectl) ==
          "did you mean `kubectl orka plugins`? run `kubectl orka --help`");
    CHECK(as_run_by("usage: orka version [--server]", kubectl) ==
          "usage: kubectl orka version [--server]");
  }
  SUBCASE("the project's name, words that merely start like a command, and text already right") {
    CHECK(as_run_by("orka 0.1.0: fast imperative Kubernetes ops", kubectl) ==
          "orka 0.1.0: fast imperative Kubernetes ops");
    CHECK(as_run_by("orka has no such op", kubectl) == "orka has no such op");
    CHECK(as_run_by("orka opsfoo", kubectl) == "orka opsfoo");
    CHECK(as_run_by("liborka ops", kubectl) == "liborka ops");
    CHECK(as_run_by("run `kubectl orka ops logs`", kubectl) == "run `kubectl orka ops logs`");
    CHECK(as_run_by("", kubectl).empty());
  }
  SUBCASE("run as orka, nothing changes") {
    CHECK(as_run_by("usage: orka ops logs POD", "orka") == "usage: orka ops logs POD");
  }
  SUBCASE("the rewrite is idempotent") {
    const std::string once = as_run_by("usage: orka ops pf POD\n`orka plugins`", kubectl);
    CHECK(as_run_by(once, kubectl) == once);
  }
}
