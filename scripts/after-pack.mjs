// electron-builder's afterPack hook (electron-builder.yml): flips the fuses of scripts/fuses.mjs in the
// packaged binary, then reads them back. It runs before signing, so the OS signature covers the flipped
// fuses. Packaging fails when @electron/fuses is missing or a fuse did not take.
import { join } from 'node:path';
import { applyFuses, checkFuses, loadFuseLibrary, MISSING_LIBRARY } from './fuses.mjs';

// electron-builder's Arch enum (builder-util): ia32 0, x64 1, armv7l 2, arm64 3, universal 4.
const ARM64 = 3;
const UNIVERSAL = 4;

/** The file that carries the fuse wire, as @electron/fuses expects it per platform. */
export function packagedBinary(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  const name = packager.appInfo.productFilename;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') return join(appOutDir, `${name}.app`);
  if (electronPlatformName === 'win32') return join(appOutDir, `${name}.exe`);
  return join(appOutDir, packager.executableName);
}

export default async function afterPack(context) {
  const lib = await loadFuseLibrary();
  if (lib === undefined) throw new Error(`after-pack: ${MISSING_LIBRARY}`);
  const binary = packagedBinary(context);
  // An unsigned arm64 macOS binary must keep a valid ad-hoc signature after its bytes change.
  const darwin = context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas';
  await applyFuses(lib, binary, { resetAdHocDarwinSignature: darwin && (context.arch === ARM64 || context.arch === UNIVERSAL) });
  const { wrong } = await checkFuses(lib, binary);
  if (wrong.length > 0) throw new Error(`after-pack: fuses did not take in ${binary}: ${wrong.join('; ')}`);
  console.log(`after-pack: Electron fuses applied and checked in ${binary}`);
}
