# Test helpers: every test needing PostgreSQL/Redis gets the "infra" fixture, which the
# harness starts once per ctest run (tests/harness/infra.sh) and stops at the end.
set(FC_TEST_TIMEOUT 300)
if(FC_SANITIZE)
  set(FC_TEST_TIMEOUT 900) # sanitizers slow everything: scale the timeouts
endif()

function(fc_unit_test name)
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE fc PkgConfig::CMOCKA)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES TIMEOUT ${FC_TEST_TIMEOUT} LABELS unit)
endfunction()

# A test that talks to the real PostgreSQL and Redis the harness started.
function(fc_infra_test name)
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE fc fc_harness PkgConfig::CMOCKA)
  add_test(NAME ${name} COMMAND ${CMAKE_SOURCE_DIR}/tests/harness/with-env.sh
           ${CMAKE_BINARY_DIR} $<TARGET_FILE:${name}>)
  set_tests_properties(${name} PROPERTIES TIMEOUT ${FC_TEST_TIMEOUT} LABELS integration
                       FIXTURES_REQUIRED infra RESOURCE_LOCK infra)
endfunction()
