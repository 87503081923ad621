# Sourced by bin/mkv and bin/test: makes sure Debian's nginx (with the DAV module) is installed.
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "mkv: installing nginx (apt-get install nginx-light)..." >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >&2 || {
      echo "mkv: could not install nginx; install it by hand: apt-get install nginx-light" >&2; exit 1; }
    # Debian starts a system nginx on port 80 after install; mkv runs its own, so stop that one.
    if command -v systemctl >/dev/null 2>&1; then systemctl stop nginx >/dev/null 2>&1 || true; systemctl disable nginx >/dev/null 2>&1 || true; fi
    if [ -f /run/nginx.pid ]; then kill -QUIT "$(cat /run/nginx.pid)" 2>/dev/null || true; fi
  else
    echo "mkv: nginx is not installed; install it as root: apt-get install nginx-light" >&2; exit 1
  fi
fi
export PATH="$PATH:/usr/sbin"
