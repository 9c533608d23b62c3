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
    dbus-run-session -- bash "$0" --inside-session "$@" || status=$?
  rm -rf "$keyring_home"
  exit "$status"
fi
shift # --inside-session

# A daemon inherited from an outer session (when COUNTERSIGN_KEYRING_SESSION was cleared on purpose)
# must not be reused: with GNOME_KEYRING_CONTROL set, gnome-keyring-daemon talks to that one instead.
unset GNOME_KEYRING_CONTROL
# The daemon prints shell assignments (GNOME_KEYRING_CONTROL=...); export them for the command.
# The login keyring is created on first unlock with this throwaway password.
eval "$(printf '%s' 'countersign-test' | gnome-keyring-daemon --daemonize --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL

# The daemon may claim its bus name only after the line above returns. A client that calls the
# Secret Service before that makes D-Bus activate a second daemon, whose keyring is not the one
# unlocked here; so wait until the name has an owner.
has_secret_service() {
  local reply
  reply="$(dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null)" || return 1
  [[ "$reply" == *"boolean true"* ]]
}
for _ in $(seq 200); do
  has_secret_service && break
  sleep 0.05
done
if ! has_secret_service; then
  echo "with-keyring: gnome-keyring-daemon did not register the Secret Service on the session bus" >&2
  exit 1
fi
export COUNTERSIGN_KEYRING_SESSION=1

# The command runs as a child (not exec) so that the daemon is shut down with the bus afterwards.
status=0
"$@" || status=$?
exit "$status"
