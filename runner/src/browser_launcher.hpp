// browser_launcher.hpp: a real browser, headless, on a fresh profile, in its own process group.
//
// The command lines are those of Debian's packages (runner/BROWSERS.md says why each flag is there):
//   chromium     chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run
//                --disable-background-networking --disable-component-update --disable-sync
//                --user-data-dir=PROFILE URL
//   firefox      firefox-esr --headless --no-remote --profile PROFILE URL   (PROFILE/user.js turns off
//                telemetry, updates, safe browsing, captive-portal and connectivity checks, and raises
//                the per-server connection limit so more cases run at once)
//   webkit       xvfb-run -a MiniBrowser URL (MiniBrowser has no headless mode), with HOME and the XDG
//                folders in PROFILE
// Everything the browser prints goes to PROFILE/browser.log. Ending the launch kills the whole
// process group (the browser's helper processes, and Xvfb) and removes the profile.
#pragma once

#include "browser_observation.hpp"
#include "child_process.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace sse::runner {

struct browser_launch_options {
  browser_engine engine = browser_engine::chromium;
  std::string url;
  std::string binary;  ///< Override the browser executable (empty: the Debian default).
  /// Firefox only: network.http.max-persistent-connections-per-server for the fresh profile.
  unsigned firefox_connections_per_server = 24;
};

/// The default executable for an engine, and whether it is installed.
[[nodiscard]] std::string default_browser_binary(browser_engine e);
/// The installed package's version (Debian), e.g. "156.0.8078.79-1~deb12u1" -> "156.0.8078.79";
/// empty when dpkg-query does not know it (another distribution, --browser-binary).
[[nodiscard]] std::string installed_browser_version(browser_engine e);
/// The Debian packages that provide an engine (for error messages).
[[nodiscard]] std::string browser_packages(browser_engine e);

class browser_launch {
public:
  /// Creates the profile and starts the browser. Throws std::runtime_error when the executable is
  /// missing or cannot be started.
  explicit browser_launch(const browser_launch_options& options);
  ~browser_launch();
  browser_launch(const browser_launch&) = delete;
  browser_launch& operator=(const browser_launch&) = delete;

  /// The command line it was started with.
  [[nodiscard]] const std::string& command() const noexcept { return command_; }
  /// How it ended, when it has exited by itself already (a crash at start-up), else nullopt.
  std::optional<std::string> exited();
  /// Ends the browser's whole process group (SIGTERM, then SIGKILL after a grace period) and
  /// returns how it ended. Idempotent.
  std::string stop();
  /// The last bytes of the browser's own log (for error messages).
  [[nodiscard]] std::string log_tail(std::size_t max_bytes = 2000) const;

private:
  std::filesystem::path profile_;
  std::string command_;
  std::unique_ptr<child_process> process_;
  std::optional<std::string> ended_;
};

}  // namespace sse::runner
