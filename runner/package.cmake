# The Debian package of the runner (CPack): `cpack -G DEB` in a build folder writes
# sse-conformance_<version>_amd64.deb with the CLI and, in share/sse-conformance/, what it needs to run
# without the source tree: the corpus (fixtures/, rules included), the comparison page and the WASM
# package (when built), the bundled adapters' sources and the adapter skeletons. The installed binary
# finds them relative to itself (use_installed_data_dir()). Only the `runner` component is packaged.
include(GNUInstallDirs)
cmake_path(GET CMAKE_CURRENT_LIST_DIR PARENT_PATH sse_package_source_root)
set(sse_data_dir ${CMAKE_INSTALL_DATADIR}/sse-conformance)

install(TARGETS sse-conformance RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runner)
install(DIRECTORY ${sse_package_source_root}/fixtures/ DESTINATION ${sse_data_dir}/fixtures COMPONENT runner)
install(DIRECTORY ${sse_package_source_root}/wasm/page/ DESTINATION ${sse_data_dir}/page COMPONENT runner)
install(FILES ${sse_package_source_root}/wasm/index.js ${sse_package_source_root}/wasm/index.d.ts
              ${sse_package_source_root}/wasm/package.json
        DESTINATION ${sse_data_dir}/wasm COMPONENT runner)
if(EXISTS ${sse_package_source_root}/wasm/dist)
  install(DIRECTORY ${sse_package_source_root}/wasm/dist/ DESTINATION ${sse_data_dir}/wasm/dist COMPONENT runner)
endif()
install(DIRECTORY ${CMAKE_CURRENT_LIST_DIR}/adapters/ DESTINATION ${sse_data_dir}/adapters COMPONENT runner
        PATTERN node_modules EXCLUDE)
install(DIRECTORY ${CMAKE_CURRENT_LIST_DIR}/skeletons/ DESTINATION ${sse_data_dir}/skeletons COMPONENT runner)
install(FILES ${sse_package_source_root}/README.md ${sse_package_source_root}/LICENSE
              ${CMAKE_CURRENT_LIST_DIR}/README.md ${CMAKE_CURRENT_LIST_DIR}/ADAPTERS.md
              ${CMAKE_CURRENT_LIST_DIR}/FINDINGS.md ${CMAKE_CURRENT_LIST_DIR}/MATRIX.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT runner)

# cpack (and the package test) installs what is built; it does not rebuild every target first.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

set(CPACK_PACKAGE_NAME sse-conformance)
set(CPACK_PACKAGE_VENDOR "sse-conformance")
set(CPACK_PACKAGE_CONTACT "sse-conformance maintainers <sse-conformance@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Conformance runner for WHATWG Server-Sent Events implementations")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_GENERATOR DEB)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runner)
set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE amd64)
set(CPACK_DEBIAN_FILE_NAME "sse-conformance_${PROJECT_VERSION}_amd64.deb")
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_COMPRESSION_TYPE gzip)  # fast to build in the test; the package is small either way
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # the shared libraries it links (cpp-httplib, libstdc++...)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "nodejs, python3, golang-go, chromium | firefox-esr")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
include(CPack)
