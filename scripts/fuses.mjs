// The one list of Electron fuses Countersign ships with, and the two things done with it: flipping
// them in a packaged binary (scripts/after-pack.mjs, electron-builder's afterPack hook) and checking
// a binary has them (scripts/check-fuses.mjs). Both go through @electron/fuses, which reads and writes
// the fuse wire Electron compiles into its binary (a sentinel, a version byte, a length byte, then one
// byte per fuse: '0' off, '1' on, 'r' removed).
//
// Names are @electron/fuses' FuseV1Options keys. A fuse Electron adds later and that is not listed
// here keeps Electron's default; check-fuses names it, so an upgrade shows what is left to decide.

/** @type {Readonly<Record<string, boolean>>} */
export const WANTED_FUSES = Object.freeze({
  // The binary cannot be started as plain Node (ELECTRON_RUN_AS_NODE), which would bypass the app.
  RunAsNode: false,
  // Cookies on disk are encrypted with an OS-protected key.
  EnableCookieEncryption: true,
  // NODE_OPTIONS and --inspect would let anyone who can set the environment run code in the main
  // process, the one process that holds keys.
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  // app.asar is checked against the hash packaged with the binary (Electron enforces this on macOS
  // and Windows only), and the app loads from app.asar alone, so a loose app/ folder cannot replace it.
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
  LoadBrowserProcessSpecificV8Snapshot: false,
  // The renderer is served from a custom scheme: file:// needs no extra privileges.
  GrantFileProtocolExtraPrivileges: false,
});

export const MISSING_LIBRARY =
  '@electron/fuses is not installed, so the Electron fuses can be neither applied nor checked. It is a devDependency of Countersign: run npm ci (or npm install) before packaging.';

/** @electron/fuses, or undefined when it is not installed (any other load failure is thrown). */
export async function loadFuseLibrary() {
  try {
    return await import('@electron/fuses');
  } catch (error) {
    if (error?.code === 'ERR_MODULE_NOT_FOUND' || error?.code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}

/** The wanted fuses as @electron/fuses' config (wire index -> on/off). */
export function fuseConfig(lib, extra = {}) {
  const config = { version: lib.FuseVersion.V1, ...extra };
  for (const [name, on] of Object.entries(WANTED_FUSES)) {
    const index = lib.FuseV1Options[name];
    if (typeof index !== 'number') throw new Error(`@electron/fuses does not know the fuse ${name}; update it or scripts/fuses.mjs`);
    config[index] = on;
  }
  return config;
}

/** Flips the wanted fuses in the binary (a macOS .app, a Windows .exe or a Linux executable). */
export async function applyFuses(lib, binary, { resetAdHocDarwinSignature = false } = {}) {
  return lib.flipFuses(binary, fuseConfig(lib, resetAdHocDarwinSignature ? { resetAdHocDarwinSignature: true } : {}));
}

/**
 * Compares the binary's fuse wire with the wanted fuses: `wrong` lists each wanted fuse the binary
 * does not have as wanted (or lacks), `undecided` the binary's fuses this list says nothing about.
 */
export async function checkFuses(lib, binary) {
  const wire = await lib.getCurrentFuseWire(binary);
  const wrong = [];
  for (const [name, on] of Object.entries(WANTED_FUSES)) {
    const state = wire[lib.FuseV1Options[name]];
    const actual = state === lib.FuseState.ENABLE ? 'on' : state === lib.FuseState.DISABLE ? 'off' : state === lib.FuseState.REMOVED ? 'removed' : 'absent';
    if (actual !== (on ? 'on' : 'off')) wrong.push(`${name} should be ${on ? 'on' : 'off'} but is ${actual}`);
  }
  const decided = new Set(Object.keys(WANTED_FUSES).map((name) => String(lib.FuseV1Options[name])));
  const undecided = Object.keys(wire)
    .filter((key) => key !== 'version' && !decided.has(key))
    .map((key) => lib.FuseV1Options[Number(key)] ?? `fuse #${key}`);
  return { wrong, undecided };
}
