// The key vault: private keys in the OS keychain, a non-secret index in the settings store.
export { KeyVault, openKeyVault, DEFAULT_IMPORT_ROLE } from './vault';
export type { GenerateOptions, ImportOptions, ImportReport, RecoveryEvent, Signer, KeyVaultOptions } from './vault';
export { KeyIndex, confBackend, keyRecordSchema } from './key-index';
export type { KeyRecord, KeyValueBackend, RootCertificateRecord } from './key-index';
export { keychainSecretStore, KEYCHAIN_SERVICE } from './secret-store';
export type { SecretStore } from './secret-store';
export { envPassphraseProvider, firstPassphraseProvider, noPassphrases, PASSPHRASE_ENV, passphraseVariables, ROLE_PASSPHRASE_ENV } from './passphrase';
export type { PassphraseProvider, PassphraseRequest } from './passphrase';
