# The browser comparison page's server and the headless-browser driver: `serve` and `browser`
# (runner/BROWSERS.md). Included from runner/CMakeLists.txt after sse_runner_core is defined.
#
# cpp-httplib comes from Debian's libcpp-httplib-dev, a compiled library whose pkg-config file
# carries the feature macros its ABI was built with (OpenSSL, zlib, brotli), so it is found with
# pkg-config rather than as a header-only copy.
find_package(PkgConfig REQUIRED)
pkg_check_modules(SSE_CPP_HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)

cmake_path(GET CMAKE_CURRENT_LIST_DIR PARENT_PATH sse_browser_source_root)
target_sources(sse_runner_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/src/browser_observation.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/browser_launcher.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/browser_client.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/connection_tab.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/http_server.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/cmd_serve.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/cmd_browser.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/page_run.cpp
)
target_link_libraries(sse_runner_core PRIVATE PkgConfig::SSE_CPP_HTTPLIB)
# The page (static files) and the WASM package (wasm/index.js + wasm/dist/) of this source tree.
set_property(SOURCE ${CMAKE_CURRENT_LIST_DIR}/src/http_server.cpp TARGET_DIRECTORY sse_runner_core APPEND PROPERTY
  COMPILE_DEFINITIONS
  SSE_PAGE_DIR="${sse_browser_source_root}/wasm/page"
  SSE_WASM_PACKAGE_DIR="${sse_browser_source_root}/wasm")

if(SSE_BUILD_TESTS)
  add_subdirectory(${CMAKE_CURRENT_LIST_DIR}/test/browser ${CMAKE_CURRENT_BINARY_DIR}/test/browser)
endif()
