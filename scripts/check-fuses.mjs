#!/usr/bin/env node
// Checks that a packaged Electron binary has the fuses of scripts/fuses.mjs (the list after-pack.mjs
// applies). Exits 1 when a fuse is wrong, and also when @electron/fuses is missing: a check that
// could not run must not pass a release.
//   node scripts/check-fuses.mjs release/linux-unpacked/countersign
//   node scripts/check-fuses.mjs release/mac/Countersign.app
import { checkFuses, loadFuseLibrary, MISSING_LIBRARY, WANTED_FUSES } from './fuses.mjs';

const binary = process.argv[2];
if (binary === undefined) {
  console.error('usage: node scripts/check-fuses.mjs PATH_TO_PACKAGED_ELECTRON_BINARY');
  process.exit(2);
}
const lib = await loadFuseLibrary();
if (lib === undefined) {
  console.error(`check-fuses: FAILED, nothing was checked. ${MISSING_LIBRARY}`);
  process.exit(1);
}
let result;
try {
  result = await checkFuses(lib, binary);
} catch (error) {
  console.error(`check-fuses: FAILED, cannot read the fuses of ${binary}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
for (const line of result.wrong) console.error(`check-fuses: ${line} in ${binary}`);
if (result.undecided.length > 0) console.log(`check-fuses: not decided in scripts/fuses.mjs (Electron's default kept): ${result.undecided.join(', ')}`);
console.log(result.wrong.length === 0 ? `check-fuses: all ${Object.keys(WANTED_FUSES).length} fuses as scripts/fuses.mjs says` : `check-fuses: ${result.wrong.length} fuse(s) wrong`);
process.exit(result.wrong.length === 0 ? 0 : 1);
