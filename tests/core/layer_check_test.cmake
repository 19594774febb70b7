# The layer check must fail on the fixture tree and name exactly its three upward includes, each
# as file:line with the rule; its allowed includes must pass.
#   cmake -DCHECK=<cmake/check_layers.cmake> -DFIXTURE=<tests/core/layer_fixture> -P layer_check_test.cmake
execute_process(COMMAND ${CMAKE_COMMAND} -DROOT=${FIXTURE} -DTREE=ON -P ${CHECK}
  RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(status EQUAL 0)
  message(FATAL_ERROR "the layer check passed a tree with upward includes:\n${output}")
endif()
set(expected
  "core/tensor/upward.h:6: error: includes \"core/ops/ops.h\" from layer core/ops; core/tensor may include only core/tensor core/util core/device core/cuda (cmake/layers.cmake)"
  "core/tensor/relative.h:3: error: includes \"../ops/ops.h\" from layer core/ops; core/tensor may include only core/tensor core/util core/device core/cuda (cmake/layers.cmake)"
  "domains/text/cross_domain.h:6: error: includes \"domains/weather/weather_model.h\" from layer domains/weather; domains/text may include only domains/text core eval modalities domains/plugin (cmake/layers.cmake)")
foreach(line IN LISTS expected)
  string(FIND "${output}" "${line}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "missing from the layer check's output: ${line}\noutput:\n${output}")
  endif()
endforeach()
string(REGEX MATCHALL ": error: " reported "${output}")
list(LENGTH reported count)
if(NOT count EQUAL 3)
  message(FATAL_ERROR "expected 3 upward includes, the layer check reported ${count}:\n${output}")
endif()
