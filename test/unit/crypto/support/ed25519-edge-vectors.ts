// Ed25519 signatures on the edges where implementations disagree (S >= L, non-canonical point
// encodings, small-order and mixed-order points), each with the verdict of Go's crypto/ed25519 —
// notary's verifier. Go's rules, from its source (ed25519.go and its test over the C2SP vectors):
//   - S must be canonical (S < L), else false;
//   - A is decoded leniently (non-canonical y and the x = 0 sign bit accepted, small order accepted);
//     a 32-byte string that is no curve point is false;
//   - R is never decoded: [S]B - [k]A is computed (cofactorless) and its canonical encoding must equal
//     the signature's R bytes, so a low-order residue and a non-canonical R are both false;
//   - k = SHA-512(R bytes || A bytes || M), over the bytes as given.
// The vectors are built here with noble's point arithmetic; `go` is what those rules give, stated
// per vector from its construction (not computed by a model of Go).
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';

export interface EdgeVector {
  name: string;
  publicKey: Uint8Array;
  message: Uint8Array;
  signature: Uint8Array;
  /** Go's crypto/ed25519.Verify. */
  go: boolean;
  /** The public key is a point of order 1, 2, 4 or 8 (Countersign refuses those beyond Go). */
  smallOrderKey: boolean;
}

const { Point } = ed;
const L = Point.CURVE().n;
const B = Point.BASE;

const hex = (text: string) => Uint8Array.from(Buffer.from(text, 'hex'));
const le = (n: bigint) => {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
};
const fromLe = (bytes: Uint8Array) => bytes.reduceRight((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
const mod = (n: bigint) => ((n % L) + L) % L;
const times = (point: ed.Point, n: bigint) => (mod(n) === 0n ? Point.ZERO : point.multiply(mod(n), false));
const challenge = (r: Uint8Array, a: Uint8Array, m: Uint8Array) => mod(fromLe(sha512(new Uint8Array([...r, ...a, ...m]))));
const text = (s: string) => new TextEncoder().encode(s);
const sig = (r: Uint8Array, s: bigint | Uint8Array) => new Uint8Array([...r, ...(typeof s === 'bigint' ? le(s) : s)]);

// Fixed scalars: the vectors are the same on every run.
const a = mod(0x1234567890abcdefn * 0xfedcba0987654321n + 7n);
const r = mod(0x0badc0ffeen * 0x1337n + 11n);
const A = times(B, a);
const Abytes = A.toBytes();

/** The low-order points, canonically encoded, with their order. */
const LOW_ORDER = [
  { name: 'identity', bytes: hex('0100000000000000000000000000000000000000000000000000000000000000'), order: 1 },
  { name: 'order 2', bytes: hex('ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'), order: 2 },
  { name: 'order 4', bytes: hex('0000000000000000000000000000000000000000000000000000000000000000'), order: 4 },
  { name: 'order 4 (negative)', bytes: hex('0000000000000000000000000000000000000000000000000000000000000080'), order: 4 },
  { name: 'order 8', bytes: hex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05'), order: 8 },
  { name: 'order 8 (other)', bytes: hex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a'), order: 8 },
];
/** Non-canonical encodings (y >= p, or x = 0 with the sign bit) of low-order points. */
const NON_CANONICAL = [
  { name: 'identity as y = p + 1', bytes: hex('eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'), order: 1 },
  { name: 'identity with the sign bit', bytes: hex('0100000000000000000000000000000000000000000000000000000000000080'), order: 1 },
  { name: 'order 2 with the sign bit', bytes: hex('ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff'), order: 2 },
  { name: 'order 4 as y = p', bytes: hex('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'), order: 4 },
];
const T8 = Point.fromBytes(LOW_ORDER[4]!.bytes, true);

/** The first message (from a label and a counter) whose challenge satisfies `want`. */
function messageWhere(label: string, rBytes: Uint8Array, aBytes: Uint8Array, want: (k: bigint) => boolean): { m: Uint8Array; k: bigint } {
  for (let i = 0; ; i++) {
    const m = text(`${label} #${i}`);
    const k = challenge(rBytes, aBytes, m);
    if (want(k)) return { m, k };
  }
}

export function edgeVectors(): EdgeVector[] {
  const vectors: EdgeVector[] = [];
  const add = (name: string, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array, go: boolean, smallOrderKey = false) =>
    vectors.push({ name, publicKey, message, signature, go, smallOrderKey });

  // An ordinary signature, and its malleations through S.
  const R = times(B, r).toBytes();
  const m0 = text('countersign ed25519 edge vectors');
  const k0 = challenge(R, Abytes, m0);
  const s0 = mod(r + k0 * a);
  add('an ordinary signature', Abytes, m0, sig(R, s0), true);
  add('S + L (S >= L, the same signature malleated)', Abytes, m0, sig(R, s0 + L), false);
  add('S + 2^253 (high bits set)', Abytes, m0, sig(R, s0 + (1n << 253n)), false);
  add('S = L exactly', Abytes, m0, sig(R, L), false);
  add('a flipped bit of R', Abytes, m0, sig(R.map((byte, i) => (i === 0 ? byte ^ 1 : byte)), s0), false);

  // Low-order public keys: [S]B - [k]A = R exactly when [k]A vanishes, else a low-order residue.
  for (const point of [...LOW_ORDER, ...NON_CANONICAL]) {
    const canonical = LOW_ORDER.includes(point);
    const kind = canonical ? 'small-order A' : 'non-canonical small-order A';
    const P = Point.fromBytes(point.bytes, true);
    const cancels = messageWhere(`A ${point.name} cancels`, R, point.bytes, (k) => times(P, k).is0());
    add(`${kind} (${point.name}), [k]A = 0`, point.bytes, cancels.m, sig(R, r), true, true);
    if (point.order > 1) {
      const residue = messageWhere(`A ${point.name} residue`, R, point.bytes, (k) => !times(P, k).is0());
      add(`${kind} (${point.name}), low-order residue`, point.bytes, residue.m, sig(R, r), false, true);
    }
  }

  // Low-order R: the computed R is the identity, so only the identity's canonical bytes match.
  for (const point of [...LOW_ORDER, ...NON_CANONICAL]) {
    const canonical = LOW_ORDER.includes(point);
    const m = text(`R ${point.name}`);
    const k = challenge(point.bytes, Abytes, m);
    const go = canonical && point.order === 1;
    add(`${canonical ? 'small-order' : 'non-canonical small-order'} R (${point.name}), [S]B = [k]A`, Abytes, m, sig(point.bytes, mod(k * a)), go);
  }

  // Mixed-order public key A + T8: verifies (cofactorless) only when 8 divides k.
  const mixedA = A.add(T8).toBytes();
  const divisible = messageWhere('mixed A, k = 0 mod 8', R, mixedA, (k) => k % 8n === 0n);
  add('mixed-order A, k divisible by 8 (residue cancels)', mixedA, divisible.m, sig(R, mod(r + divisible.k * a)), true);
  const notDivisible = messageWhere('mixed A, k != 0 mod 8', R, mixedA, (k) => k % 8n !== 0n);
  add('mixed-order A, low-order residue', mixedA, notDivisible.m, sig(R, mod(r + notDivisible.k * a)), false);

  // Mixed-order R = [r]B + T8 with an ordinary A: the residue T8 never cancels.
  const mixedR = times(B, r).add(T8).toBytes();
  const m1 = text('mixed R');
  add('mixed-order R, ordinary A (low-order residue)', Abytes, m1, sig(mixedR, mod(r + challenge(mixedR, Abytes, m1) * a)), false);
  // Mixed-order R and A whose torsion parts cancel: -[k]T8 = T8, i.e. k = -1 mod 8.
  const both = messageWhere('mixed R and A cancel', mixedR, mixedA, (k) => k % 8n === 7n);
  add('mixed-order R and A, torsion cancels', mixedA, both.m, sig(mixedR, mod(r + both.k * a)), true);

  // 32 bytes that are no point: y with no x on the curve.
  for (let y = 2n; ; y++) {
    const bytes = le(y);
    try {
      Point.fromBytes(bytes, true);
    } catch {
      add(`A is no curve point (y = ${y})`, bytes, m0, sig(R, s0), false);
      break;
    }
  }
  return vectors;
}
