// Every size and count limit of the update workflow, in one place. Each is a defence against a
// server (or a man in the middle) that sends endless or absurd data.

export const LIMITS = {
  /** notary's own client refuses a timestamp over 1 MiB; a real one is under 1 KiB. */
  timestampMaxBytes: 1024 * 1024,
  /** Root is fetched before anything vouches for its length; real ones are a few KiB. */
  rootMaxBytes: 2 * 1024 * 1024,
  /** The most any role may be, whatever length its parent lists (notary's download limit is 100 MiB). */
  unknownLengthMaxBytes: 100 * 1024 * 1024,
  /** Root versions walked in one refresh: a rotation per day for years, not an endless chain. */
  maxRootRotations: 1024,
  /** Delegated roles visited in one refresh, and how deep they may nest. */
  maxDelegations: 10_000,
  maxDelegationDepth: 32,
  /** Delegation files fetched at once. */
  delegationFetchConcurrency: 8,
} as const;
