# Sourced by bin/test: makes sure Debian's chromium is installed; StatusPageIT renders the admin
# status page in it, headless. Like nginx, it is installed with apt-get when missing and we are root.
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "mkv: installing chromium (apt-get install chromium), to render the status page in a test..." >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >&2 || {
      echo "mkv: could not install chromium; install it by hand: apt-get install chromium" >&2; exit 1; }
  else
    echo "mkv: chromium is not installed (StatusPageIT renders the status page with it); install it as root: apt-get install chromium" >&2; exit 1
  fi
fi
