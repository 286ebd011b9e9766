# The browser files of /docs (Swagger UI) and /redoc (ReDoc), embedded in apiserver_ops.
#
# package.json and package-lock.json (integrity hashes) pin the npm packages; `npm ci` fetches
# them into the build tree when they change. A generated assembler file .incbin's the few
# files the pages load, so the binary (and the .deb/.rpm) serves them offline and no large
# C++ array has to be compiled. src/ops/docs.cpp serves them.
find_program(NPM_EXECUTABLE npm REQUIRED)
enable_language(ASM)

set(DOCS_UI_SOURCE ${PROJECT_SOURCE_DIR}/src/ops/docs_ui)
set(DOCS_UI_DIR ${PROJECT_BINARY_DIR}/docs_ui)
set(DOCS_UI_MODULES ${DOCS_UI_DIR}/node_modules)
set(DOCS_UI_FETCHED
    ${DOCS_UI_MODULES}/swagger-ui-dist/swagger-ui-bundle.js
    ${DOCS_UI_MODULES}/swagger-ui-dist/swagger-ui.css
    ${DOCS_UI_MODULES}/redoc/bundles/redoc.standalone.js)
set(DOCS_UI_NPM_FILES ${DOCS_UI_SOURCE}/package.json ${DOCS_UI_SOURCE}/package-lock.json
                      ${DOCS_UI_SOURCE}/.npmrc)

# npm ci keeps the packages' own file times: touch the outputs so the build sees them as new.
# SCARF_ANALYTICS=false: swagger-ui-dist's dependency would report the install (install
# scripts do not run anyway: .npmrc sets ignore-scripts).
add_custom_command(
  OUTPUT ${DOCS_UI_FETCHED}
  COMMAND ${CMAKE_COMMAND} -E copy ${DOCS_UI_NPM_FILES} ${DOCS_UI_DIR}
  COMMAND ${CMAKE_COMMAND} -E env SCARF_ANALYTICS=false ${NPM_EXECUTABLE} ci --loglevel=error
  COMMAND ${CMAKE_COMMAND} -E touch ${DOCS_UI_FETCHED}
  DEPENDS ${DOCS_UI_NPM_FILES}
  WORKING_DIRECTORY ${DOCS_UI_DIR}
  COMMENT "Fetching swagger-ui-dist and redoc with npm ci"
  VERBATIM)
file(MAKE_DIRECTORY ${DOCS_UI_DIR})

configure_file(${DOCS_UI_SOURCE}/assets.S.in ${DOCS_UI_DIR}/docs_ui_assets.S @ONLY)
target_sources(apiserver_ops PRIVATE ${DOCS_UI_DIR}/docs_ui_assets.S)
# .incbin is invisible to the assembler's dependency output: name the files here.
set_source_files_properties(
  ${DOCS_UI_DIR}/docs_ui_assets.S
  PROPERTIES OBJECT_DEPENDS
             "${DOCS_UI_FETCHED};${DOCS_UI_SOURCE}/swagger-init.js;${DOCS_UI_SOURCE}/redoc-init.js")
