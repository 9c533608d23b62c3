// A verified-looking RepositoryView of any size, for measuring the renderer alone: the numbers are
// about drawing and filtering 10,000 rows, not about fetching them (the TUF bench covers that).
import { createHash } from 'node:crypto';
import type { RepositoryView } from '../../../shared/domain';

export function largeView(gun: string, server: string, tagCount: number): RepositoryView {
  const signers = Array.from({ length: 10 }, (_, i) => `signer-${i}`);
  const keyId = (seed: string) => createHash('sha256').update(seed).digest('hex');
  const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
  return {
    gun,
    server,
    verifiedAt: new Date().toISOString(),
    source: 'server',
    roles: [
      { name: 'root', status: 'verified', version: 1, expires: future(3650), threshold: 1, keyIds: [keyId('root')] },
      { name: 'targets', status: 'verified', version: 12, expires: future(1000), threshold: 1, keyIds: [keyId('targets')] },
      { name: 'snapshot', status: 'verified', version: 40, expires: future(1000), threshold: 1, keyIds: [keyId('snapshot')] },
      { name: 'timestamp', status: 'verified', version: 90, expires: future(14), threshold: 1, keyIds: [keyId('timestamp')], serverManaged: true },
      ...signers.map((s) => ({ name: `targets/${s}`, status: 'verified' as const, version: 3, expires: future(900), threshold: 1, keyIds: [keyId(s)] })),
    ],
    keys: [],
    signedTags: Array.from({ length: tagCount }, (_, i) => ({
      tag: `v${Math.floor(i / 100)}.${i % 100}.${i % 7}`,
      digest: keyId(`tag-${i}`),
      size: 1000 + i,
      signers: [signers[i % signers.length]!],
      roles: [`targets/${signers[i % signers.length]}`],
    })),
    signers: signers.map((name) => ({ name, keyIds: [keyId(name)] })),
    administrativeKeys: { root: [keyId('root')], repository: [keyId('targets')] },
    warnings: [],
  };
}
