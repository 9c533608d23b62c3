#!/usr/bin/env bash
# Runs a command against a real, private Secret Service: a fresh D-Bus session bus with
# gnome-keyring-daemon (secrets component) started and unlocked, and HOME pointing at a throwaway
# directory so the keyring files never touch the user's real keyring. Exits with the command's status.
#
#   scripts/with-keyring.sh node scripts/run-tests.mjs test/integration
#
# Nested calls (a test runner started under this script that starts a child under it again) reuse
# the session instead of stacking another bus and daemon.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 COMMAND [ARG...]" >&2
  exit 2
fi

if [ "${COUNTERSIGN_KEYRING_SESSION:-}" = "1" ]; then
  exec "$@"
fi

if [ "${1:-}" != "--inside-session" ]; then
  keyring_home="$(mktemp -d "${TMPDIR:-/tmp}/countersign-keyring.XXXXXX")"
  status=0
  HOME="$keyring_home" COUNTERSIGN_KEYRING_HOME="$keyring_home" \
    dbus-run-session -- "$0" --inside-session "$@" || status=$?
  rm -rf "$keyring_home"
  exit "$status"
fi
shift # --inside-session

# The daemon prints shell assignments (GNOME_KEYRING_CONTROL=...); export them for the command.
# The login keyring is created on first unlock with this throwaway password.
eval "$(printf '%s' 'countersign-test' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
export COUNTERSIGN_KEYRING_SESSION=1

# The command runs as a child (not exec) so that the daemon is shut down with the bus afterwards.
status=0
"$@" || status=$?
exit "$status"
