#include <iostream>

#include "cli/commands.h"

namespace tessera::cli {

void print_result(const nlohmann::ordered_json& result) {
  std::cout << result.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
}

}  // namespace tessera::cli
