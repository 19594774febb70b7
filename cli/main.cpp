// The `tessera` executable: parse, call, report. Every failure ends here as one line:
//   tessera: error: <file>: <what is wrong>   (exit 2 for bad input, 1 for internal errors)
#include <iostream>

#include "cli/commands.h"
#include "cli/openmp_waits.h"
#include "core/util/error.h"
#include "core/util/one_line.h"

namespace {

int fail(const std::string& message, int code) {
  // A message is one line whatever it quotes (a file name, a --set value).
  std::cerr << "tessera: error: " << tessera::one_line(message) << "\n";
  return code;
}

// The word where a command was expected and none of that name exists ("tessera frob", "tessera
// eval frob"), named as such rather than as a missing subcommand; empty when there is none.
std::string unknown_command(CLI::App& app, int argc, char** argv) {
  CLI::App* level = &app;
  std::string path = "tessera";
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word.empty() || word[0] == '-' || level->get_subcommands({}).empty()) return "";
    CLI::App* next = nullptr;
    for (CLI::App* sub : level->get_subcommands({}))
      if (sub->get_name() == word) next = sub;
    if (!next) {
      std::string names;
      for (CLI::App* sub : level->get_subcommands({})) names += (names.empty() ? "" : ", ") + sub->get_name();
      return "'" + path + " " + word + "' is not a command (" + path + " has: " + names + ")";
    }
    level = next;
    path += " " + word;
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  tessera::cli::restart_with_short_openmp_spins(argv);
  CLI::App app{"Tessera: one Transformer trunk for scientific foundation models", "tessera"};
  app.require_subcommand(1);
  tessera::cli::Action action;
  tessera::cli::add_train_command(app, action);
  tessera::cli::add_domain_commands(app, action);
  tessera::cli::add_eval_suite_command(app, action);
  tessera::cli::add_info_command(app, action);
  tessera::cli::add_bench_command(app, action);
  tessera::cli::add_carbon_command(app, action);
  tessera::cli::add_audit_command(app, action);
  tessera::cli::add_card_command(app, action);
  if (const std::string unknown = unknown_command(app, argc, argv); !unknown.empty()) return fail(unknown, 2);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return fail(std::string(e.what()) + " (see --help)", 2);
  }
  try {
    const int code = action();
    // A result that cannot be written (a full disk behind stdout) is a failure, not a success.
    if (!std::cout.flush()) throw tessera::InputError("stdout", "cannot write the result");
    return code;
  } catch (const tessera::InputError& e) {
    return fail((e.path().empty() ? "" : e.path() + ": ") + e.what(), 2);
  } catch (const std::bad_alloc&) {
    return fail("out of memory: the model, batch or input is too large for this machine", 2);
  } catch (const std::exception& e) {
    return fail(std::string("internal: ") + e.what(), 1);
  }
}
