#!/usr/bin/env node
// Checks, after packaging, that the Electron binary has the fuses electron-builder.yml asks for
// (`electronFuses`). Uses @electron/fuses only if it is already installed (electron-builder brings
// it); it is not a dependency of Countersign, so without it this says so and checks nothing.
//   node scripts/check-fuses.mjs release/linux-unpacked/countersign
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const binary = process.argv[2];
let fuses;
try {
  fuses = require('@electron/fuses');
} catch {
  console.log('check-fuses: @electron/fuses is not installed, so the fuses were NOT checked. Install electron-builder (which applies electronFuses from electron-builder.yml) and run this again on the packaged binary.');
  process.exit(0);
}
if (binary === undefined) {
  console.error('usage: node scripts/check-fuses.mjs PATH_TO_PACKAGED_ELECTRON_BINARY');
  process.exit(2);
}
// The wanted fuses, from electron-builder.yml's electronFuses block (camelCase name: true|false).
const yml = readFileSync(new URL('../electron-builder.yml', import.meta.url), 'utf8');
const block = /^electronFuses:\n((?:[ ]+\w+: (?:true|false)\n)+)/m.exec(yml)?.[1] ?? '';
const wanted = Object.fromEntries([...block.matchAll(/^\s+(\w+): (true|false)$/gm)].map((m) => [m[1], m[2] === 'true']));
const NAMES = {
  runAsNode: 'RunAsNode',
  enableCookieEncryption: 'EnableCookieEncryption',
  enableNodeOptionsEnvironmentVariable: 'EnableNodeOptionsEnvironmentVariable',
  enableNodeCliInspectArguments: 'EnableNodeCliInspectArguments',
  enableEmbeddedAsarIntegrityValidation: 'EnableEmbeddedAsarIntegrityValidation',
  onlyLoadAppFromAsar: 'OnlyLoadAppFromAsar',
  loadBrowserProcessSpecificV8Snapshot: 'LoadBrowserProcessSpecificV8Snapshot',
  grantFileProtocolExtraPrivileges: 'GrantFileProtocolExtraPrivileges',
};
const actual = await fuses.getCurrentFuseWire(binary);
let wrong = 0;
for (const [name, on] of Object.entries(wanted)) {
  const option = fuses.FuseV1Options[NAMES[name]];
  const state = actual[option];
  const isOn = state === fuses.FuseState.ENABLE || state === '1' || state === 49;
  if (option === undefined || isOn !== on) {
    console.error(`check-fuses: ${name} should be ${on ? 'on' : 'off'} in ${binary}`);
    wrong++;
  }
}
console.log(wrong === 0 ? `check-fuses: all ${Object.keys(wanted).length} fuses as electron-builder.yml says` : `check-fuses: ${wrong} fuse(s) wrong`);
process.exit(wrong === 0 ? 0 : 1);
