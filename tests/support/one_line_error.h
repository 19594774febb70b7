#pragma once
// The CLI's contract for bad input, checked the same way by every command-line test.
#include <gtest/gtest.h>

#include <string>

#include "tests/support/command.h"

namespace tessera::test_support {

// Passes when `r` failed as the CLI reports bad input: exit code `exit_code`, stderr exactly
// one line that starts with "tessera: error: " and contains `expected`, and nothing on stdout.
// Use as EXPECT_TRUE(one_line_error(r, 2, "no such file")), so a failure names the caller's line.
::testing::AssertionResult one_line_error(const CommandResult& r, int exit_code, const std::string& expected);

}  // namespace tessera::test_support
