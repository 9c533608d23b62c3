#!/usr/bin/env bash
# Installs the Debian packages the integration and E2E tests drive for real (notary, a registry, a
# Secret Service keyring, Chromium, skopeo, openssl, the docker client). Idempotent and quiet: when
# everything is present it only asks dpkg and returns, so CI and developers can call it every run.
set -euo pipefail

packages=(notary docker-registry gnome-keyring dbus dbus-x11 libsecret-tools chromium skopeo openssl)
# Any docker client will do (some machines have a static one in /usr/local/bin); only fall back to
# Debian's when none is on PATH, so we never replace a newer client with an older one.
if ! command -v docker >/dev/null 2>&1; then
  packages+=(docker.io)
fi

is_installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = "installed" ]
}

missing=()
for pkg in "${packages[@]}"; do
  is_installed "$pkg" || missing+=("$pkg")
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-test-deps: missing packages: ${missing[*]}" >&2
  echo "install-test-deps: run this script as root (or: sudo apt-get install -y ${missing[*]})" >&2
  exit 1
fi

echo "install-test-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq "${missing[@]}" >/dev/null
