// browser_launcher.cpp: starting and ending a headless browser (see the header).
#include "browser_launcher.hpp"

#include "text_util.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>

#include <unistd.h>

namespace sse::runner {

namespace fs = std::filesystem;

namespace {

bool executable(const std::string& path) { return ::access(path.c_str(), X_OK) == 0; }

/// Finds `name` on PATH (or returns it when it contains a slash).
std::string find_on_path(const std::string& name) {
  if (name.find('/') != std::string::npos) return executable(name) ? name : std::string();
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (executable(candidate)) return candidate;
  }
  return {};
}

fs::path make_profile_dir(browser_engine e) {
  std::string pattern =
      (fs::temp_directory_path() / ("sse-conformance-" + std::string(to_string(e)) + "-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error("cannot create a browser profile folder in " + fs::temp_directory_path().string());
  return pattern;
}

void write_firefox_prefs(const fs::path& profile, unsigned connections) {
  std::ofstream prefs(profile / "user.js");
  // Nothing may reach outside hosts: the machines running this have only 127.0.0.1.
  prefs << "user_pref(\"app.update.auto\", false);\n"
           "user_pref(\"app.update.enabled\", false);\n"
           "user_pref(\"app.normandy.enabled\", false);\n"
           "user_pref(\"toolkit.telemetry.enabled\", false);\n"
           "user_pref(\"toolkit.telemetry.unified\", false);\n"
           "user_pref(\"datareporting.policy.dataSubmissionEnabled\", false);\n"
           "user_pref(\"datareporting.healthreport.uploadEnabled\", false);\n"
           "user_pref(\"browser.safebrowsing.malware.enabled\", false);\n"
           "user_pref(\"browser.safebrowsing.phishing.enabled\", false);\n"
           "user_pref(\"browser.safebrowsing.downloads.enabled\", false);\n"
           "user_pref(\"browser.safebrowsing.blockedURIs.enabled\", false);\n"
           "user_pref(\"network.captive-portal-service.enabled\", false);\n"
           "user_pref(\"network.connectivity-service.enabled\", false);\n"
           "user_pref(\"network.dns.disablePrefetch\", true);\n"
           "user_pref(\"network.prefetch-next\", false);\n"
           "user_pref(\"browser.shell.checkDefaultBrowser\", false);\n"
           "user_pref(\"browser.startup.homepage_override.mstone\", \"ignore\");\n"
           "user_pref(\"browser.aboutwelcome.enabled\", false);\n"
           "user_pref(\"browser.newtabpage.enabled\", false);\n"
           "user_pref(\"browser.search.update\", false);\n"
           "user_pref(\"extensions.update.enabled\", false);\n"
           "user_pref(\"extensions.getAddons.cache.enabled\", false);\n"
           "user_pref(\"extensions.blocklist.enabled\", false);\n"
           "user_pref(\"media.gmp-manager.updateEnabled\", false);\n"
           "user_pref(\"services.settings.server\", \"http://127.0.0.1:9/\");\n"
           "user_pref(\"browser.region.network.url\", \"\");\n"
           "user_pref(\"network.http.max-persistent-connections-per-server\", "
        << connections << ");\n";
  if (!prefs) throw std::runtime_error("cannot write " + (profile / "user.js").string());
}

}  // namespace

std::string default_browser_binary(browser_engine e) {
  switch (e) {
    case browser_engine::chromium: return "chromium";
    case browser_engine::firefox: return "firefox-esr";
    case browser_engine::webkit: return "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";
    case browser_engine::other: break;
  }
  return {};
}

std::string browser_packages(browser_engine e) {
  switch (e) {
    case browser_engine::chromium: return "chromium";
    case browser_engine::firefox: return "firefox-esr";
    case browser_engine::webkit: return "webkit2gtk-driver xvfb";
    case browser_engine::other: break;
  }
  return {};
}

browser_launch::browser_launch(const browser_launch_options& options) {
  const std::string wanted = options.binary.empty() ? default_browser_binary(options.engine) : options.binary;
  const std::string binary = find_on_path(wanted);
  if (binary.empty())
    throw std::runtime_error("the " + std::string(to_string(options.engine)) + " browser (" + wanted +
                             ") is not installed; on Debian: apt-get install -y " + browser_packages(options.engine));
  std::string xvfb;
  if (options.engine == browser_engine::webkit) {
    xvfb = find_on_path("xvfb-run");
    if (xvfb.empty())
      throw std::runtime_error("xvfb-run is not installed (MiniBrowser needs a display); apt-get install -y xvfb");
  }
  profile_ = make_profile_dir(options.engine);
  const std::string profile = profile_.string();
  std::string cmd;
  switch (options.engine) {
    case browser_engine::chromium:
      cmd = shell_quote(binary) +
            " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking"
            " --disable-component-update --disable-sync --disable-default-apps --mute-audio --window-size=1280,1000"
            " --user-data-dir=" +
            shell_quote(profile) + " " + shell_quote(options.url);
      break;
    case browser_engine::firefox:
      write_firefox_prefs(profile_, options.firefox_connections_per_server);
      cmd = shell_quote(binary) + " --headless --no-remote --profile " + shell_quote(profile) + " " +
            shell_quote(options.url);
      break;
    case browser_engine::webkit:
      // A fresh HOME keeps MiniBrowser's caches, cookies and settings out of the user's.
      cmd = "env HOME=" + shell_quote(profile) + " XDG_CONFIG_HOME=" + shell_quote(profile + "/config") +
            " XDG_DATA_HOME=" + shell_quote(profile + "/data") + " XDG_CACHE_HOME=" + shell_quote(profile + "/cache") +
            " " + shell_quote(xvfb) + " -a -s '-screen 0 1280x1000x24' " + shell_quote(binary) + " " +
            shell_quote(options.url);
      break;
    case browser_engine::other: throw std::runtime_error("no launcher for this engine");
  }
  command_ = cmd;
  // exec: the shell becomes the browser (or xvfb-run), the leader of the new process group.
  const std::string full = "exec " + cmd + " >" + shell_quote(profile + "/browser.log") + " 2>&1 </dev/null";
  process_ = std::make_unique<child_process>(full, 1 << 16);
}

browser_launch::~browser_launch() {
  stop();
  std::error_code ec;
  if (!profile_.empty()) fs::remove_all(profile_, ec);
}

std::optional<std::string> browser_launch::exited() {
  if (ended_) return ended_;
  if (!process_) return std::string("not started");
  return process_->wait_exit(clock_type::now());
}

std::string browser_launch::stop() {
  if (ended_) return *ended_;
  if (!process_) return "not started";
  const pid_t group = process_->pid();
  // A polite SIGTERM first, so Xvfb removes its lock file and Firefox its profile lock; then
  // whatever is left of the group is killed.
  ::kill(-group, SIGTERM);
  auto how = process_->wait_exit(clock_type::now() + std::chrono::milliseconds(1500));
  ::kill(-group, SIGKILL);
  if (!how) how = process_->terminate();
  ended_ = *how;
  return *ended_;
}

std::string browser_launch::log_tail(std::size_t max_bytes) const {
  std::ifstream in(profile_ / "browser.log", std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.size() > max_bytes) text = "..." + text.substr(text.size() - max_bytes);
  return text;
}

std::string installed_browser_version(browser_engine e) {
  const char* package = e == browser_engine::chromium  ? "chromium"
                        : e == browser_engine::firefox ? "firefox-esr"
                                                       : "libwebkit2gtk-4.1-0";
  const std::string command = std::string("dpkg-query -W -f='${Version}' ") + package + " 2>/dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return {};
  char buffer[128] = "";
  const std::size_t n = std::fread(buffer, 1, sizeof buffer - 1, pipe);
  ::pclose(pipe);
  std::string version(buffer, n);
  if (const auto dash = version.find('-'); dash != std::string::npos) version.resize(dash);
  if (const auto colon = version.find(':'); colon != std::string::npos) version.erase(0, colon + 1);
  return version;
}

}  // namespace sse::runner
