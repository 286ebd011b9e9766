# Sanitizer and fuzzing builds (clang only), for .ci/sanitizers and tests/fuzz/.
#
#   -DAPISERVER_SANITIZE=address,undefined   every target built with ASan and UBSan
#   -DAPISERVER_SANITIZE=thread              every target built with TSan
#   -DAPISERVER_FUZZ=ON                      libFuzzer targets in tests/fuzz/; implies
#                                            address,undefined when APISERVER_SANITIZE is empty
#
# The flags go on every target of the project (add_compile_options), so the server, the test
# binaries and the fuzz targets run the same instrumented code; the Debian libraries they link
# (Pistache, SOCI, yaml-cpp, ...) stay uninstrumented. UBSan does not recover: the first report
# ends the process, so a clean run is one without any report.
set(APISERVER_SANITIZE "" CACHE STRING
    "Sanitizers to build with (clang): address,undefined or thread; empty: none")
option(APISERVER_FUZZ "Build the libFuzzer targets of tests/fuzz (clang)" OFF)

if(APISERVER_FUZZ AND APISERVER_SANITIZE STREQUAL "")
  set(APISERVER_SANITIZE address,undefined)
endif()

if(NOT APISERVER_SANITIZE STREQUAL "" OR APISERVER_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "APISERVER_SANITIZE and APISERVER_FUZZ need clang "
                        "(-DCMAKE_CXX_COMPILER=clang++-14)")
  endif()
  if(APISERVER_FUZZ AND APISERVER_SANITIZE MATCHES "thread")
    message(FATAL_ERROR "APISERVER_FUZZ runs with address,undefined, not thread")
  endif()

  set(sanitize_flags -fsanitize=${APISERVER_SANITIZE} -fno-omit-frame-pointer)
  if(APISERVER_SANITIZE MATCHES "undefined")
    list(APPEND sanitize_flags -fno-sanitize-recover=all)
  endif()
  # The libraries get libFuzzer's coverage instrumentation without its main(); the fuzz
  # targets add -fsanitize=fuzzer when they link (tests/fuzz/CMakeLists.txt). A program built
  # without libFuzzer (the server, the test binaries) gets the runtime's no-op callbacks.
  # -Wshadow=local (APISERVER_WARNINGS) is GCC's spelling; clang warns that it does not know it.
  set(sanitize_compile_flags ${sanitize_flags} -Wno-unknown-warning-option)
  if(APISERVER_FUZZ)
    list(APPEND sanitize_compile_flags -fsanitize=fuzzer-no-link)
  endif()
  add_compile_options("$<$<COMPILE_LANGUAGE:CXX>:${sanitize_compile_flags}>")
  if(APISERVER_SANITIZE MATCHES "undefined")
    # UBSan's vptr check names the typeinfo of every polymorphic class it sees, and Debian's
    # libsoci_core/libsoci_sqlite3 do not export theirs (ref_counted_statement,
    # sqlite3_statement_backend): the one module that holds SOCI objects goes without it.
    cmake_language(DEFER CALL target_compile_options apiserver_store PRIVATE -fno-sanitize=vptr)
  endif()
  add_link_options(${sanitize_flags})
  message(STATUS "apiserver: sanitizers ${APISERVER_SANITIZE}, fuzz targets ${APISERVER_FUZZ}")
endif()
