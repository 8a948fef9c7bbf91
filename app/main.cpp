// The `orka` executable: Ctrl-C handling around cli::run. Everything else lives in cli.cpp so
// the same code can be driven from tests.
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "cli.hpp"
#include "program_name.hpp"
#include "signal_canceller.hpp"

int main(int argc, char** argv) {
  // Before any thread exists, so every thread inherits the blocked SIGINT/SIGTERM.
  orka::cli::SignalCanceller signals;
  std::vector<std::string> args(argc > 0 ? argv + 1 : argv, argv + argc);
  if (argc > 0 && orka::cli::is_kubectl_completion(argv[0])) args.insert(args.begin(), "__complete");
  orka::cli::Terminal terminal{std::cout, std::cerr, isatty(STDOUT_FILENO) == 1,
                               isatty(STDERR_FILENO) == 1,
                               orka::cli::program_name(argc > 0 ? argv[0] : "orka")};
  return orka::cli::run(args, terminal, signals.token());
}
