// A key's public half as the .pub file `docker trust key generate` writes and `docker trust signer add`
// / `notary delegation add` read: one PUBLIC KEY block (SubjectPublicKeyInfo) with a role header.
import { encodePemBlock } from '../crypto/pem';
import { spkiOf } from '../crypto/public-key';
import type { KeyRecord } from './key-index';

export function publicKeyPemOf(record: Pick<KeyRecord, 'keytype' | 'publicKey' | 'role'>): string {
  const bytes = spkiOf({ keytype: record.keytype, keyval: { public: record.publicKey } });
  return encodePemBlock({ type: 'PUBLIC KEY', headers: { role: record.role }, bytes });
}

/** docker names the file after the signer: "alice.pub"; a role such as targets/releases becomes "releases.pub". */
export function publicKeyFileName(record: Pick<KeyRecord, 'role' | 'id'>): string {
  const name = record.role.split('/').pop() ?? record.role;
  return `${/^[a-z0-9][a-z0-9_-]*$/.test(name) ? name : record.id.slice(0, 12)}.pub`;
}
