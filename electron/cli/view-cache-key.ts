// The key that authenticates cached verified views (electron/core/state/view-cache.ts), from the OS
// keychain: one for every command of a CLI process, read from the keychain at most once.
import { keychainSecretStore } from '../core/keys/secret-store';
import { storedViewCacheKey, VIEW_CACHE_SERVICE, type ViewCacheKey } from '../core/state/view-cache';

let key: ViewCacheKey | undefined;

export function cliViewCacheKey(): ViewCacheKey {
  key ??= storedViewCacheKey(keychainSecretStore(VIEW_CACHE_SERVICE));
  return key;
}
