#!/usr/bin/env bash
# The one command that runs every test (README: `npm test`). It installs what the tests drive for
# real (Debian packages: notary, docker-registry, gnome-keyring, chromium, ...), checks types, builds
# the bundles the E2E tests load, then runs unit, integration and E2E tests, each test file inside a
# private Secret Service session of its own (scripts/run-tests.mjs --keyring says why).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-deps.sh
[ -d node_modules ] || npm ci --no-audit --no-fund

echo "== typecheck"
npx tsc -p tsconfig.json --noEmit
echo "== lint"
npx eslint --max-warnings 0 .
echo "== build"
node scripts/build.mjs

suites=(test/unit test/integration)
[ -d test/e2e ] && suites+=(test/e2e)
echo "== tests: ${suites[*]}"
node scripts/run-tests.mjs --keyring "${suites[@]}"
