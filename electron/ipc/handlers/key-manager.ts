// The Keys screen's handlers beyond list, generate, import and remove: label, the public key as a
// .pub file, and encrypted export. Files reach the user through the FileSaver (a save dialog), so
// the renderer never names a path and never receives key material.
import type { DomainHandlers } from '../router';
import type { Services } from '../services';

type KeyManagerChannels = 'keys.label' | 'keys.savePublicKey' | 'keys.export';

export function keyManagerHandlers(services: Services): Pick<DomainHandlers<'keys'>, KeyManagerChannels> {
  const { keys, files } = services;
  const encoder = new TextEncoder();
  return {
    'keys.label': ({ id, label }) => keys.label(id, label === '' ? undefined : label),
    'keys.savePublicKey': async ({ id }, { signal }) => {
      const key = await keys.get(id);
      return files.save({ suggestedName: key.publicKeyFileName, bytes: encoder.encode(key.publicKeyPem), kind: 'pem' }, { signal });
    },
    'keys.export': async ({ ids, passphrase }, { signal }) => {
      const pem = await keys.exportKeys(ids, passphrase);
      const first = await keys.get(ids[0]!);
      const name = ids.length === 1 ? `${first.publicKeyFileName.replace(/\.pub$/, '')}-${ids[0]!.slice(0, 8)}.key` : `countersign-keys-${ids.length}.key`;
      return files.save({ suggestedName: name, bytes: encoder.encode(pem), kind: 'pem', secret: true }, { signal });
    },
  };
}
