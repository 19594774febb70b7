// The `tessera` executable: parse, call, report. Every failure ends here as one line:
//   tessera: error: <file>: <what is wrong>   (exit 2 for bad input, 1 for internal errors)
#include <iostream>

#include "cli/commands.h"
#include "core/util/error.h"

int main(int argc, char** argv) {
  CLI::App app{"Tessera: one Transformer trunk for scientific foundation models", "tessera"};
  app.require_subcommand(1);
  tessera::cli::register_domains();
  tessera::cli::Action action;
  tessera::cli::add_train_command(app, action);
  tessera::cli::add_generate_command(app, action);
  tessera::cli::add_eval_command(app, action);
  tessera::cli::add_predict_command(app, action);
  tessera::cli::add_info_command(app, action);
  tessera::cli::add_bench_command(app, action);
  tessera::cli::add_carbon_command(app, action);
  tessera::cli::add_data_command(app, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "tessera: error: " << e.what() << " (see --help)\n";
    return 2;
  }
  try {
    return action();
  } catch (const tessera::InputError& e) {
    std::cerr << "tessera: error: " << (e.path().empty() ? "" : e.path() + ": ") << e.what() << "\n";
    return 2;
  } catch (const std::bad_alloc&) {
    std::cerr << "tessera: error: out of memory\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "tessera: error: internal: " << e.what() << "\n";
    return 1;
  }
}
