// An in-memory notary repository for unit tests: it publishes, re-signs and corrupts metadata in the
// exact shapes notary 0.7 makes (compare test/fixtures/tuf/notary-delegations, made by the real
// notary), and serves it through a MetadataFetcher that counts requests and can be told to lie.
//
// What notary does and the simulator copies:
// - root keys are ecdsa-x509 certificates with CN = the GUN; targets and snapshot keys are bare ecdsa;
//   the server's timestamp key is ed25519; delegation keys are ecdsa.
// - a file is {"signed": <canonical signed>, "signatures": [...]}, "signed" first (struct order),
//   no whitespace; signatures cover the canonical JSON of "signed".
// - every publish re-signs what changed (version + 1, fresh expiry), then a new snapshot listing root,
//   targets and every delegation (sha256 + sha512 base64, length), then a new timestamp listing
//   the snapshot. Every version stays served as <role>.json (newest), <N>.<role>.json and
//   <role>.<sha256 hex>.json.
import { createHash, generateKeyPairSync, sign as nodeSign, type KeyObject } from 'node:crypto';
import { CountersignError } from '../../shared/errors';
import { canonicalString } from '../../electron/core/tuf/canonical';
import { createRootCertificateKey, type RootCertificateOptions } from '../../electron/core/crypto/certificate';
import { keyId } from '../../electron/core/crypto/key-id';
import { generatePrivateKey, publicKeyOf, signWith } from '../../electron/core/crypto/private-key';
import type { KeyAlgorithm, PrivateKeyMaterial, TufPublicKey } from '../../electron/core/crypto/types';
import type { MetadataFetcher } from '../../electron/core/tuf/updater';
import { compressedP256Spki } from './x509-forms';

// ---------------------------------------------------------------------------------------------
// Keys

export interface SimKey {
  material: PrivateKeyMaterial;
  public: TufPublicKey;
  /** The ID metadata lists it under (for x509 keys, the certificate's ID). */
  id: string;
}

/** A fresh bare key: ecdsa (P-256) by default, ed25519 like notary-server's timestamp keys. */
export function newKey(algorithm: KeyAlgorithm = 'ecdsa'): SimKey {
  const material = algorithm === 'ed25519' ? nativeEd25519() : generatePrivateKey(algorithm);
  return withPublic(material, publicKeyOf(material));
}

// Node's own ed25519 is many times faster than the pure-JS one the product uses, and ed25519
// signatures are deterministic, so signing with it gives the very same bytes. Tests make hundreds.
const nativeEd25519Keys = new WeakMap<Uint8Array, KeyObject>();

function nativeEd25519(): PrivateKeyMaterial {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const seed = new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32));
  nativeEd25519Keys.set(seed, privateKey);
  return { algorithm: 'ed25519', seed, publicKey: new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(-32)) };
}

function signData(material: PrivateKeyMaterial, data: Uint8Array): { method: string; sig: string } {
  const native = material.algorithm === 'ed25519' ? nativeEd25519Keys.get(material.seed) : undefined;
  if (native) return { method: 'eddsa', sig: nodeSign(null, data, native).toString('base64') };
  return signWith(material, data);
}

/** A fresh P-256 key published with its point compressed: OpenSSL reads it, Go's x509 (notary) does not. */
export function compressedPointKey(): SimKey {
  const material = generatePrivateKey('ecdsa');
  const spki = Buffer.from(publicKeyOf(material).keyval.public, 'base64');
  return withPublic(material, { keytype: 'ecdsa', keyval: { private: null, public: compressedP256Spki(spki).toString('base64') } });
}

/** A root key as `notary init` makes it: an ecdsa-x509 certificate for `commonName` (the GUN). */
export function newRootKey(commonName: string, options: RootCertificateOptions = {}): SimKey {
  return certificateKeyOf(newKey('ecdsa'), commonName, options);
}

/** The same private key published as a certificate: a second ID for one public key. */
export function certificateKeyOf(key: SimKey, commonName: string, options: RootCertificateOptions = {}): SimKey {
  return withPublic(key.material, createRootCertificateKey(key.material, commonName, options));
}

/** The same key pair under another certificate (`pem`), e.g. one re-encoded in a form a parser refuses. */
export function withCertificatePem(key: SimKey, pem: string): SimKey {
  return withPublic(key.material, { keytype: key.public.keytype, keyval: { private: null, public: Buffer.from(pem).toString('base64') } });
}

function withPublic(material: PrivateKeyMaterial, publicKey: TufPublicKey): SimKey {
  const json: TufPublicKey = { keytype: publicKey.keytype, keyval: { private: null, public: publicKey.keyval.public } };
  return { material, public: json, id: keyId(json) };
}

// ---------------------------------------------------------------------------------------------
// Metadata shapes (what notary writes; fields in the order notary's canonical form sorts them)

export interface KeyJson {
  keytype: string;
  keyval: { private: null; public: string };
}
export interface RoleKeysJson {
  keyids: string[];
  threshold: number;
}
export interface FileMetaJson {
  hashes: Record<string, string>;
  length: number;
}
export interface DelegationJson extends RoleKeysJson {
  name: string;
  paths: string[];
  path_hash_prefixes?: string[];
}
export interface SignedJson {
  _type: string;
  expires: string;
  version: number;
  [field: string]: unknown;
}
export interface RootJson extends SignedJson {
  consistent_snapshot: boolean;
  keys: Record<string, KeyJson>;
  roles: Record<'root' | 'snapshot' | 'targets' | 'timestamp', RoleKeysJson>;
}
export interface TargetsJson extends SignedJson {
  delegations: { keys: Record<string, KeyJson>; roles: DelegationJson[] };
  targets: Record<string, FileMetaJson>;
}
export interface SnapshotJson extends SignedJson {
  meta: Record<string, FileMetaJson>;
}
export interface TimestampJson extends SignedJson {
  meta: { snapshot: FileMetaJson };
}
export interface SignatureJson {
  keyid: string;
  method: string;
  sig: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** notary's defaults: root 10 years, targets, delegations and snapshot 3 years, timestamp 14 days. */
const LIFETIME_DAYS: Record<'root' | 'targets' | 'snapshot' | 'timestamp', number> = {
  root: 3650,
  targets: 3 * 365,
  snapshot: 3 * 365,
  timestamp: 14,
};

/** Go's RFC 3339 with nanoseconds: trailing zeros of the fraction dropped, no fraction when zero. */
export function goTime(date: Date): string {
  return date.toISOString().replace(/\.?0*Z$/, 'Z');
}

/** A metadata file exactly as notary writes it: "signed" first, then "signatures", no whitespace. */
export function encodeFile(signed: unknown, signatures: readonly SignatureJson[]): Uint8Array {
  return new TextEncoder().encode(`{"signed":${canonicalString(signed)},"signatures":${canonicalString(signatures)}}`);
}

/** Signs the canonical JSON of `signed` once per signer (a repeated signer signs twice). */
export function signatures(signed: unknown, signers: readonly SimKey[]): SignatureJson[] {
  const data = Buffer.from(canonicalString(signed));
  return signers.map((key) => ({ keyid: key.id, ...signData(key.material, data) }));
}

export function signFile(signed: unknown, signers: readonly SimKey[]): Uint8Array {
  return encodeFile(signed, signatures(signed, signers));
}

/** Parses a file the simulator (or notary) wrote, for tests that take one apart. */
export function decodeFile<S = SignedJson>(bytes: Uint8Array): { signed: S; signatures: SignatureJson[] } {
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as { signed: S; signatures: SignatureJson[] };
}

export function fileMeta(bytes: Uint8Array): FileMetaJson {
  return {
    hashes: {
      sha256: createHash('sha256').update(bytes).digest('base64'),
      sha512: createHash('sha512').update(bytes).digest('base64'),
    },
    length: bytes.length,
  };
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// The repository

export type TopRole = 'root' | 'targets' | 'snapshot' | 'timestamp';

export interface SimulatorOptions {
  gun?: string;
  /** The clock expiries are computed from. Default: now. */
  now?: Date;
  /** The root key of version 1 (e.g. a certificate notary would refuse). Default: a fresh one for the GUN. */
  rootKey?: SimKey;
}

export interface DelegationOptions {
  /** Path prefixes; [''] (notary's "all paths") by default. */
  paths?: string[];
  /** Its keys: fresh ecdsa keys by default. */
  keys?: SimKey[];
  threshold?: number;
}

export interface PublishOptions {
  /** Changes to the snapshot or timestamp this publish generates, made before they are signed. */
  editSnapshot?: (snapshot: SnapshotJson) => void;
  editTimestamp?: (timestamp: TimestampJson) => void;
  /**
   * Replaces a role's bytes after signing but BEFORE its parent (snapshot, or timestamp for
   * snapshot) hashes them: what a holder of the parent's key (e.g. the notary server with its
   * timestamp key) can make the repository vouch for.
   */
  rewrite?: Partial<Record<string, (bytes: Uint8Array) => Uint8Array>>;
}

interface SignedRole {
  signed: SignedJson;
  signers: SimKey[];
}

export class RepoSimulator {
  readonly gun: string;
  now: Date;
  /** Every file served: "<role>.json", "<N>.<role>.json", "<role>.<sha256hex>.json". */
  readonly files = new Map<string, Uint8Array>();
  /** The root keys the next publish signs root with (old and new during a rotation). */
  private rootSigners: SimKey[];
  private readonly roles = new Map<string, SignedRole>();
  private readonly dirty = new Set<string>();
  private readonly expiresOverride = new Map<string, string>();
  /** Current private keys, by role name. */
  readonly keys = new Map<string, SimKey[]>();

  constructor(options: SimulatorOptions = {}) {
    this.gun = options.gun ?? 'example.com/countersign/sim';
    this.now = options.now ?? new Date();
    const root = options.rootKey ?? newRootKey(this.gun);
    const targets = newKey('ecdsa');
    const snapshot = newKey('ecdsa');
    const timestamp = newKey('ed25519');
    this.keys.set('root', [root]);
    this.keys.set('targets', [targets]);
    this.keys.set('snapshot', [snapshot]);
    this.keys.set('timestamp', [timestamp]);
    this.rootSigners = [root];
    const rootSigned: RootJson = {
      _type: 'Root',
      consistent_snapshot: false,
      expires: this.expiry('root'),
      keys: {},
      roles: {
        root: { keyids: [], threshold: 1 },
        snapshot: { keyids: [], threshold: 1 },
        targets: { keyids: [], threshold: 1 },
        timestamp: { keyids: [], threshold: 1 },
      },
      version: 0,
    };
    for (const [role, key] of [['root', root], ['targets', targets], ['snapshot', snapshot], ['timestamp', timestamp]] as const) {
      rootSigned.keys[key.id] = key.public as KeyJson;
      rootSigned.roles[role].keyids.push(key.id);
    }
    this.roles.set('root', { signed: rootSigned, signers: [root] });
    this.roles.set('targets', { signed: emptyTargets(this.expiry('targets')), signers: [targets] });
    this.roles.set('snapshot', { signed: { _type: 'Snapshot', expires: '', meta: {}, version: 0 }, signers: [snapshot] });
    this.roles.set('timestamp', { signed: { _type: 'Timestamp', expires: '', meta: {}, version: 0 }, signers: [timestamp] });
    this.dirty.add('root').add('targets');
    this.publish();
  }

  // --- reading -------------------------------------------------------------------------------

  /** A served file ("timestamp", "2.root", "targets/releases"); throws when there is none. */
  file(name: string): Uint8Array {
    const bytes = this.files.get(name.endsWith('.json') ? name : `${name}.json`);
    if (!bytes) throw new Error(`the simulator serves no ${name}`);
    return bytes;
  }

  version(role: string): number {
    return this.role(role).signed.version;
  }

  get root(): RootJson {
    return this.role('root').signed as RootJson;
  }

  targetsOf(role: string): TargetsJson {
    return this.role(role).signed as TargetsJson;
  }

  /** Role names in publish order: root, targets, then every delegation. */
  roleNames(): string[] {
    return [...this.roles.keys()].filter((r) => r !== 'snapshot' && r !== 'timestamp');
  }

  // --- editing (takes effect at the next publish) ---------------------------------------------

  addTarget(role: string, name: string, options: { sha256Hex?: string; length?: number } = {}): this {
    const sha256Hex = options.sha256Hex ?? createHash('sha256').update(`${role}:${name}`).digest('hex');
    this.editTargets(role, (targets) => {
      targets.targets[name] = { hashes: { sha256: Buffer.from(sha256Hex, 'hex').toString('base64') }, length: options.length ?? 1024 };
    });
    return this;
  }

  removeTarget(role: string, name: string): this {
    this.editTargets(role, (targets) => {
      delete targets.targets[name];
    });
    return this;
  }

  /** Delegates `name` from its parent ("targets/team/sub" from "targets/team"), as `notary delegation add`. */
  addDelegation(name: string, options: DelegationOptions = {}): SimKey[] {
    return this.addDelegationTo(name.slice(0, name.lastIndexOf('/')), name, options);
  }

  /** Lets any role delegate any name, even one that is not its child (an attack). */
  addDelegationTo(parent: string, name: string, options: DelegationOptions = {}): SimKey[] {
    const keys = options.keys ?? [newKey('ecdsa')];
    this.editTargets(parent, (targets) => {
      for (const key of keys) targets.delegations.keys[key.id] = key.public as KeyJson;
      targets.delegations.roles.push({ keyids: keys.map((k) => k.id), name, paths: options.paths ?? [''], threshold: options.threshold ?? 1 });
    });
    if (!this.roles.has(name)) {
      this.roles.set(name, { signed: emptyTargets(this.expiry('targets')), signers: keys.slice(0, options.threshold ?? 1) });
      this.keys.set(name, keys);
      this.dirty.add(name);
    }
    return keys;
  }

  /** `notary delegation remove`: the parent stops delegating it and snapshot stops listing it. */
  removeDelegation(name: string): this {
    this.editTargets(name.slice(0, name.lastIndexOf('/')), (targets) => {
      targets.delegations.roles = targets.delegations.roles.filter((role) => role.name !== name);
    });
    this.roles.delete(name);
    this.keys.delete(name);
    this.files.delete(`${name}.json`);
    return this;
  }

  editRoot(edit: (root: RootJson) => void): this {
    return this.editSigned('root', edit as (signed: SignedJson) => void);
  }

  editTargets(role: string, edit: (targets: TargetsJson) => void): this {
    return this.editSigned(role, edit as (signed: SignedJson) => void);
  }

  editSigned(role: string, edit: (signed: SignedJson) => void): this {
    edit(this.role(role).signed);
    this.dirty.add(role);
    return this;
  }

  /** Who signs a role from now on (repeat a key to make duplicate signatures). */
  setSigners(role: string, signers: SimKey[]): this {
    if (role === 'root') this.rootSigners = signers;
    this.role(role).signers = signers;
    this.dirty.add(role);
    return this;
  }

  /** Pins a role's expiry (e.g. in the past, or a raw string) instead of notary's default lifetime. */
  setExpires(role: string, expires: Date | string): this {
    this.expiresOverride.set(role, typeof expires === 'string' ? expires : goTime(expires));
    if (role !== 'snapshot' && role !== 'timestamp') this.dirty.add(role);
    return this;
  }

  /** `notary key rotate GUN ROLE` for targets, snapshot or timestamp: root lists the new key. */
  rotateKey(role: 'targets' | 'snapshot' | 'timestamp', key: SimKey = newKey(role === 'timestamp' ? 'ed25519' : 'ecdsa')): SimKey {
    this.replaceRoleKeys(role, [key], 1);
    this.role(role).signers = [key];
    this.dirty.add(role);
    return key;
  }

  /**
   * `notary key rotate GUN root`: the next root lists new root keys and is signed by the old keys
   * and the new ones (unless `signers` says otherwise); later roots only by the new ones.
   */
  rotateRoot(options: { keys?: SimKey[]; threshold?: number; signers?: SimKey[] } = {}): SimKey[] {
    const keys = options.keys ?? [newRootKey(this.gun)];
    const old = this.keys.get('root') ?? [];
    this.replaceRoleKeys('root', keys, options.threshold ?? 1);
    this.rootSigners = options.signers ?? [...old, ...keys];
    this.role('root').signers = keys;
    this.dirty.add('root');
    return keys;
  }

  /** Lists `keys` for a top-level role in root, removing the keys only that role used. */
  replaceRoleKeys(role: TopRole, keys: SimKey[], threshold: number): void {
    const root = this.root;
    const retired = root.roles[role].keyids;
    root.roles[role] = { keyids: keys.map((k) => k.id), threshold };
    const stillUsed = new Set(Object.values(root.roles).flatMap((r) => r.keyids));
    for (const id of retired) if (!stillUsed.has(id)) delete root.keys[id];
    for (const key of keys) root.keys[key.id] = key.public as KeyJson;
    this.keys.set(role, keys);
    this.dirty.add('root');
  }

  // --- publishing ----------------------------------------------------------------------------

  /** Signs every changed role, then a new snapshot and timestamp, and serves them all. */
  publish(options: PublishOptions = {}): this {
    const rewrite = (role: string, bytes: Uint8Array) => options.rewrite?.[role]?.(bytes) ?? bytes;
    const changed = this.roleNames().filter((role) => this.dirty.has(role));
    for (const role of changed) {
      const state = this.role(role);
      state.signed.version += 1;
      state.signed.expires = this.expiresOverride.get(role) ?? this.expiry(role === 'root' ? 'root' : 'targets');
      const signers = role === 'root' ? this.rootSigners : state.signers;
      this.serve(role, rewrite(role, signFile(state.signed, signers)));
    }
    if (changed.includes('root')) this.rootSigners = this.role('root').signers;
    this.dirty.clear();

    const snapshot = this.role('snapshot');
    const snapshotSigned = snapshot.signed as SnapshotJson;
    snapshotSigned.meta = {};
    for (const role of this.roleNames()) snapshotSigned.meta[role] = fileMeta(this.file(role));
    this.bump(snapshot, 'snapshot');
    options.editSnapshot?.(snapshotSigned);
    this.serve('snapshot', rewrite('snapshot', signFile(snapshotSigned, snapshot.signers)));
    return this.publishTimestamp(options);
  }

  /** What notary-server does when a timestamp nears expiry: a new timestamp over the same snapshot. */
  publishTimestamp(options: Pick<PublishOptions, 'editTimestamp' | 'rewrite'> = {}): this {
    const timestamp = this.role('timestamp');
    const timestampSigned = timestamp.signed as TimestampJson;
    timestampSigned.meta = { snapshot: fileMeta(this.file('snapshot')) };
    this.bump(timestamp, 'timestamp');
    options.editTimestamp?.(timestampSigned);
    const bytes = signFile(timestampSigned, timestamp.signers);
    this.serve('timestamp', options.rewrite?.['timestamp']?.(bytes) ?? bytes);
    return this;
  }

  /** A fetcher over this repository (it sees later publishes). */
  fetcher(): SimFetcher {
    return new SimFetcher(this);
  }

  private bump(state: SignedRole, role: 'snapshot' | 'timestamp'): void {
    state.signed.version += 1;
    state.signed.expires = this.expiresOverride.get(role) ?? this.expiry(role);
  }

  private serve(role: string, bytes: Uint8Array): void {
    const version = decodeVersion(bytes) ?? this.version(role);
    this.files.set(`${role}.json`, bytes);
    this.files.set(`${version}.${role}.json`, bytes);
    this.files.set(`${role}.${sha256Hex(bytes)}.json`, bytes);
  }

  private role(role: string): SignedRole {
    const state = this.roles.get(role);
    if (!state) throw new Error(`the simulator has no role ${role}`);
    return state;
  }

  private expiry(role: TopRole): string {
    return goTime(new Date(this.now.getTime() + LIFETIME_DAYS[role] * DAY_MS));
  }
}

function emptyTargets(expires: string): TargetsJson {
  return { _type: 'Targets', delegations: { keys: {}, roles: [] }, expires, targets: {}, version: 0 };
}

/** The version inside bytes that may have been rewritten into anything (then: unknown). */
function decodeVersion(bytes: Uint8Array): number | undefined {
  try {
    const version = decodeFile(bytes).signed.version;
    return typeof version === 'number' ? version : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Serving

/** What an interceptor answers: bytes, "no such file", a stream of chunks, or a network failure. */
export type Answer = Uint8Array | null | { chunks: Iterable<Uint8Array> } | { unreachable: true };
export type Interceptor = (name: string, served: Uint8Array | null) => Answer | undefined;

/** Every name a role's current file is served under: "<role>.json" and "<role>.<sha256>.json". */
export function currentNamesOf(role: string): (name: string) => boolean {
  const escaped = role.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const pattern = new RegExp(`^${escaped}(\\.[0-9a-f]{64})?\\.json$`);
  return (name) => pattern.test(name);
}

export class SimFetcher implements MetadataFetcher {
  /** Every name asked for, in order. */
  readonly requests: string[] = [];
  /** The size cap the client gave for each name (the last one, when asked twice). */
  readonly caps = new Map<string, number>();
  /** Bytes handed out or read from streams, per name: a client must stop reading at its cap. */
  readonly bytesRead = new Map<string, number>();
  private readonly interceptors: Interceptor[] = [];

  constructor(private readonly sim: RepoSimulator) {}

  /** Answers names matching `match` differently; the newest interceptor that answers wins. */
  intercept(match: string | ((name: string) => boolean), answer: (served: Uint8Array | null, name: string) => Answer): this {
    const matches = typeof match === 'string' ? (name: string) => name === match : match;
    this.interceptors.unshift((name, served) => (matches(name) ? answer(served, name) : undefined));
    return this;
  }

  /** Replaces what is served for a role's current file (plain and by-hash names alike). */
  tamper(role: string, change: (served: Uint8Array) => Uint8Array): this {
    return this.intercept(currentNamesOf(role), (served) => (served ? change(served) : null));
  }

  /** Every request fails as if the server were down. */
  unreachable(): this {
    return this.intercept(() => true, () => ({ unreachable: true }));
  }

  async fetch(name: string, maxBytes: number): Promise<Uint8Array | null> {
    this.requests.push(name);
    this.caps.set(name, maxBytes);
    const served = this.sim.files.get(name) ?? null;
    let answer: Answer = served;
    for (const interceptor of this.interceptors) {
      const result = interceptor(name, served);
      if (result !== undefined) {
        answer = result;
        break;
      }
    }
    if (answer === null) return null;
    if ('unreachable' in answer) throw new CountersignError('server-unreachable', `cannot reach the simulated server for ${name}`);
    const chunks = 'chunks' in answer ? answer.chunks : [answer];
    // Like the HTTP transport: read chunk by chunk and give up the moment the cap is passed.
    const parts: Uint8Array[] = [];
    let total = 0;
    for (const chunk of chunks) {
      total += chunk.length;
      this.bytesRead.set(name, total);
      if (total > maxBytes) throw new CountersignError('metadata-too-large', `${name} is larger than the ${maxBytes}-byte limit for it`);
      parts.push(chunk);
    }
    return new Uint8Array(Buffer.concat(parts));
  }

  count(): number {
    return this.requests.length;
  }

  reset(): void {
    this.requests.length = 0;
    this.caps.clear();
    this.bytesRead.clear();
  }
}

/** An endless body: the same chunk forever. */
export function* endless(chunk: Uint8Array = new Uint8Array(64 * 1024).fill(0x20)): Iterable<Uint8Array> {
  for (;;) yield chunk;
}
