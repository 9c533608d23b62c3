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
# Nor may a machine-wide runtime dir join this daemon to others: with XDG_RUNTIME_DIR set, every
# gnome-keyring-daemon of the user finds the others through $XDG_RUNTIME_DIR/keyring.
export XDG_RUNTIME_DIR="$COUNTERSIGN_KEYRING_HOME/runtime"
mkdir -m 700 -p "$XDG_RUNTIME_DIR"

# The login keyring is created on first unlock with this throwaway password.
readonly KEYRING_PASSWORD='countersign-test'
# Starts the daemon (secrets component) unlocked; with --replace, in place of one already running.
# It prints shell assignments (GNOME_KEYRING_CONTROL=...); they are exported for the command.
start_keyring() {
  eval "$(printf '%s' "$KEYRING_PASSWORD" | gnome-keyring-daemon "$@" --daemonize --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL
}

# The process that owns the Secret Service's name, if any (asking the bus does not activate anything).
secret_service_pid() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets 2>/dev/null | awk '/uint32/ { print $2 }' || true
}
# The daemon may claim its bus name only after start_keyring returns. A client that calls the
# Secret Service before that makes D-Bus activate a second daemon, whose keyring is not the one
# unlocked here; so wait until the name has an owner.
wait_for_secret_service() {
  for _ in $(seq 200); do
    [ -n "$(secret_service_pid)" ] && return 0
    sleep 0.05
  done
  echo "with-keyring: gnome-keyring-daemon did not register the Secret Service on the session bus" >&2
  return 1
}

# If the daemon goes away mid-run (gnome-keyring 42 dies after some thousands of sessions: see
# run-tests.mjs, which therefore gives each test file a session of its own), the next client makes
# D-Bus activate a new one, whose login keyring is locked; with no one to answer its unlock prompt,
# every keychain call then fails with "unlock prompt was dismissed". As a desktop session keeps its
# keyring unlocked while the user is logged in, this notices, says so, and replaces whatever owns
# the name with an unlocked daemon again: a backstop, since calls made in between still fail.
watch_keyring() {
  local expected="$1" now
  while sleep 0.5; do
    now="$(secret_service_pid)"
    [ -n "$now" ] && [ "$now" = "$expected" ] && continue
    echo "with-keyring: the Secret Service daemon (pid $expected) is gone (its name is now owned by: ${now:-nobody}); starting an unlocked one in its place" >&2
    start_keyring --replace >/dev/null 2>&1 || true
    wait_for_secret_service || true
    expected="$(secret_service_pid)"
  done
}

start_keyring
wait_for_secret_service
export COUNTERSIGN_KEYRING_SESSION=1
watch_keyring "$(secret_service_pid)" &
watcher=$!

# The command runs as a child (not exec) so that the daemon is shut down with the bus afterwards.
status=0
"$@" || status=$?
kill "$watcher" 2>/dev/null || true
wait "$watcher" 2>/dev/null || true
exit "$status"
