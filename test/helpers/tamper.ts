// Ways to corrupt one metadata file, as byte -> byte functions (for SimFetcher.tamper and
// RepoSimulator.publish({ rewrite })), and a way to aim an attack at any role and read the verdict.
import { toErrorInfo, type ErrorCode } from '../../shared/errors';
import type { RefreshResult } from '../../electron/core/tuf/updater';
import { decodeFile, encodeFile, RepoSimulator, signatures, type SignatureJson, type SignedJson, type SimFetcher, type SimKey } from './repo-simulator';
import { refreshSim, type SimRefresh } from './tuf-harness';

export type Tamper = (bytes: Uint8Array) => Uint8Array;

/** The same "signed", signed instead by `signers`. */
export function resignedBy(signers: readonly SimKey[]): Tamper {
  return (bytes) => {
    const { signed } = decodeFile(bytes);
    return encodeFile(signed, signatures(signed, signers));
  };
}

/** The same "signed" with its signature list changed. */
export function withSignatures(change: (signatures: SignatureJson[]) => SignatureJson[]): Tamper {
  return (bytes) => {
    const file = decodeFile(bytes);
    return encodeFile(file.signed, change(file.signatures));
  };
}

/** One bit of the first signature flipped: still well-formed base64 of the right length. */
export const flippedSignature: Tamper = withSignatures(([first, ...rest]) => {
  if (!first) throw new Error('no signature to flip');
  const sig = Buffer.from(first.sig, 'base64');
  sig[sig.length - 1]! ^= 0x01;
  return [{ ...first, sig: sig.toString('base64') }, ...rest];
});

/** "signed" changed after signing, signatures kept. */
export function editedAfterSigning(edit: (signed: SignedJson) => void): Tamper {
  return (bytes) => {
    const file = decodeFile(bytes);
    edit(file.signed);
    return encodeFile(file.signed, file.signatures);
  };
}

export function text(change: (json: string) => string): Tamper {
  return (bytes) => Buffer.from(change(Buffer.from(bytes).toString('utf8')));
}

export type Role = 'root' | 'timestamp' | 'snapshot' | 'targets' | 'targets/releases';
export const ALL_ROLES: readonly Role[] = ['root', 'timestamp', 'snapshot', 'targets', 'targets/releases'];

export interface Verdict {
  code: ErrorCode | 'verified';
  role?: string | undefined;
}

/**
 * A simulator with targets/releases holding "v1" and targets holding "v1", as `docker trust sign`
 * leaves them, ready for an attack.
 */
export function releasedRepository(setup?: (sim: RepoSimulator) => void): RepoSimulator {
  const sim = new RepoSimulator();
  sim.addDelegation('targets/releases');
  const image = { sha256Hex: 'aa'.repeat(32), length: 1234 };
  sim.addTarget('targets', 'v1', image).addTarget('targets/releases', 'v1', image);
  setup?.(sim);
  sim.publish();
  return sim;
}

/**
 * Makes `role`'s current file be `tamper(file)` the way an attacker would: root (met for the first
 * time) and timestamp are served as is, since nothing vouches for their bytes; snapshot, targets and
 * delegations are vouched for by their parent, as a holder of the parent's key (the notary server
 * holds the timestamp key, and often the snapshot key) can make it.
 */
export function attack(sim: RepoSimulator, role: Role, tamper: Tamper): SimFetcher {
  const fetcher = sim.fetcher();
  if (role === 'root' || role === 'timestamp') fetcher.tamper(role, tamper);
  else {
    // Re-signed with a new version, so that the rewrite happens where the parent hashes it.
    if (role !== 'snapshot') sim.editSigned(role, () => undefined);
    sim.publish({ rewrite: { [role]: tamper } });
  }
  return fetcher;
}

/** The refusal a refresh ends with, a delegation's failure, or "verified". */
export async function verdictOf(sim: RepoSimulator, role: string, options: SimRefresh = {}): Promise<Verdict> {
  let result: RefreshResult;
  try {
    result = await refreshSim(sim, options);
  } catch (error) {
    const info = toErrorInfo(error);
    return { code: info.code, role: info.role };
  }
  const failure = result.failedDelegations.find((f) => f.role === role);
  return failure ? { code: failure.error.code, role: failure.error.role } : { code: 'verified' };
}
