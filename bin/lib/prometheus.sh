# Sourced by bin/test: makes sure Debian's prometheus (the server and promtool) is installed; the
# metrics test (it/: MetricsIT) scrapes a coordinator with it and checks the exposition with
# promtool. Like nginx, it is installed with apt-get when missing and we are root.
if ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "mkv: installing prometheus (apt-get install prometheus), to test the metrics..." >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >&2 || {
      echo "mkv: could not install prometheus; install it by hand: apt-get install prometheus" >&2; exit 1; }
    # The package starts a system-wide service on :9090; the tests run their own on a free port.
    if command -v systemctl >/dev/null 2>&1; then systemctl disable --now prometheus >/dev/null 2>&1 || true; fi
  else
    echo "mkv: prometheus is not installed (the metrics test scrapes with it); install it as root: apt-get install prometheus" >&2; exit 1
  fi
fi
