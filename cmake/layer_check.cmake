# tessera_check_layers(target): before `target` is archived or linked, cmake/check_layers.cmake
# checks its sources, and the project headers they include, against cmake/layers.cmake; an
# include from a layer it may not use fails the build. Running as the link step's first command
# re-runs it exactly when something compiled into the target changed (the compiler tracks the
# headers), or when the table or the check did (LINK_DEPENDS). Call it in the directory that
# creates the target; sources added after the call are checked too.
function(tessera_check_layers target)
  set(check ${PROJECT_SOURCE_DIR}/cmake/check_layers.cmake)
  add_custom_command(TARGET ${target} PRE_LINK
    COMMAND ${CMAKE_COMMAND} -DROOT=${PROJECT_SOURCE_DIR} -DBASE=$<TARGET_PROPERTY:${target},SOURCE_DIR>
      "-DFILES=$<JOIN:$<TARGET_PROPERTY:${target},SOURCES>,|>" -P ${check}
    COMMENT "Checking the layer rules of ${target}"
    VERBATIM)
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${check} ${PROJECT_SOURCE_DIR}/cmake/layers.cmake)
endfunction()
