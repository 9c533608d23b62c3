// The keychain binding, in a module of its own so that secret-store.ts can load it on first use
// with import(): the bundler then evaluates this module, and loads the native library, only then.
export * as keytar from '@napi-rs/keyring/keytar.js';
