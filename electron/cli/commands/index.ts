// Every CLI command, in the order `countersign --help` lists them. Adding a command is its spec in
// specs.ts, its run() in its module, and one line here. Modules are imported on first use, so that
// help, usage errors and each command load only what they need.
import { lazyCommands, type Command } from '../command';
import * as spec from './specs';

export const COMMANDS: readonly Command[] = [
  ...lazyCommands([spec.inspectSpec], async () => [(await import('./inspect')).inspectCommand]),
  ...lazyCommands([spec.loginSpec, spec.logoutSpec], async () => (await import('./login')).loginCommands),
  ...lazyCommands(
    [spec.keyGenerateSpec, spec.keyImportSpec, spec.keyExportSpec, spec.keyListSpec, spec.keyRemoveSpec, spec.keyLabelSpec, spec.keyOfflineSpec, spec.keyOnlineSpec, spec.keyCosignPubSpec, spec.keyCosignExportSpec],
    async () => (await import('./key')).keyCommands,
  ),
  ...lazyCommands(
    [spec.initSpec, spec.signSpec, spec.revokeSpec, spec.publishSpec, spec.statusSpec, spec.resetSpec],
    async () => (await import('./publish')).publishCommands,
  ),
  ...lazyCommands([spec.signerAddSpec, spec.signerRemoveSpec], async () => (await import('./signer')).signerCommands),
  ...lazyCommands([spec.delegationAddSpec, spec.delegationRemoveSpec, spec.delegationListSpec], async () => (await import('./delegation')).delegationCommands),
  ...lazyCommands([spec.witnessSpec], async () => [(await import('./witness')).witnessCommand]),
  ...lazyCommands([spec.rotateSpec], async () => [(await import('./rotate')).rotateCommand]),
  ...lazyCommands([spec.auditSpec], async () => [(await import('./audit')).auditCommand]),
  ...lazyCommands([spec.migrateSpec], async () => [(await import('./migrate')).migrateCommand]),
  ...lazyCommands([spec.archiveSpec, spec.verifyArchiveSpec], async () => (await import('./archive')).archiveCommands),
];
