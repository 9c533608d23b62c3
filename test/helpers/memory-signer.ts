// A Signer over a key held in memory, for unit tests and benchmarks that measure or check anything
// but the keychain. Integration tests use the real vault.
import { generatePrivateKey, publicKeyOf, signWith } from '../../electron/core/crypto/private-key';
import type { Signer } from '../../electron/core/keys/vault';

export function memorySigner(id = 'memory'): Signer {
  const material = generatePrivateKey('ecdsa');
  return {
    id,
    role: 'cosign',
    publicKey: publicKeyOf(material),
    sign: (data) => signWith(material, data),
    certificateKey: () => {
      throw new Error('a memory signer makes no certificates');
    },
  };
}
