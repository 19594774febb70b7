#pragma once
// Fixture for layer_check_test: a header of the ops layer, for relative includes to find.
