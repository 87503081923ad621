# Sourced by bin/test: makes sure Debian's lintian is installed; the release tests (dist/) check
# the .deb with it. Like nginx, it is installed with apt-get when missing and we are root.
if ! command -v lintian >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "mkv: installing lintian (apt-get install lintian), to check the .deb..." >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends lintian >&2 || {
      echo "mkv: could not install lintian; install it by hand: apt-get install lintian" >&2; exit 1; }
  else
    echo "mkv: lintian is not installed (the release tests check the .deb with it); install it as root: apt-get install lintian" >&2; exit 1
  fi
fi
