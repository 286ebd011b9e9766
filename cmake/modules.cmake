# apiserver_module(NAME [DEPENDS module...] [PUBLIC_LIBS target...] [PRIVATE_LIBS target...])
#
# Builds src/NAME/*.cpp into the static library apiserver_NAME. Its headers are published
# through build/module_headers/NAME/NAME, a link to src/NAME, so `#include "NAME/x.hpp"`
# resolves only in NAME itself and in the modules that depend on it. A module may depend
# only on modules declared before it: the declaration order is the layering, and no cycle
# can be written.
function(apiserver_module name)
  cmake_parse_arguments(MODULE "" "" "DEPENDS;PUBLIC_LIBS;PRIVATE_LIBS" ${ARGN})
  set(dependencies "")
  foreach(dependency IN LISTS MODULE_DEPENDS)
    if(NOT TARGET apiserver_${dependency})
      message(FATAL_ERROR "module '${name}' depends on '${dependency}', which is not declared "
                          "before it: modules depend one way, bottom to top")
    endif()
    list(APPEND dependencies apiserver_${dependency})
  endforeach()

  set(headers ${PROJECT_BINARY_DIR}/module_headers/${name})
  file(MAKE_DIRECTORY ${headers})
  file(CREATE_LINK ${PROJECT_SOURCE_DIR}/src/${name} ${headers}/${name} SYMBOLIC)

  file(GLOB sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${name}/*.cpp)
  add_library(apiserver_${name} STATIC ${sources})
  target_include_directories(apiserver_${name} PUBLIC ${headers})
  target_compile_options(apiserver_${name} PRIVATE
                         "$<$<COMPILE_LANGUAGE:CXX>:${APISERVER_WARNINGS}>")
  target_link_libraries(apiserver_${name} PUBLIC ${dependencies} ${MODULE_PUBLIC_LIBS}
                        PRIVATE ${MODULE_PRIVATE_LIBS})
endfunction()
