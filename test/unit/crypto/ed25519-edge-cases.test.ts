// Ed25519 verification agrees with Go's crypto/ed25519 (notary's verifier) where implementations
// differ: S >= L, non-canonical encodings of A and R, small-order and mixed-order points. node:crypto
// is proven to give Go's verdict on every vector; Countersign's verifier gives it too, except that it
// also refuses small-order public keys — never accepting what Go refuses.
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import * as ed from '@noble/ed25519';
import { ed25519GenerateSeed, ed25519PublicKey, ed25519Sign, ed25519Verify } from '../../../electron/core/crypto/ed25519';
import { edgeVectors } from './support/ed25519-edge-vectors';

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const vectors = edgeVectors();

function nodeVerdict(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify(null, message, createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' }), signature);
  } catch {
    return false;
  }
}

describe('node:crypto ed25519 verification', () => {
  for (const v of vectors) {
    it(`gives Go's verdict (${v.go ? 'valid' : 'invalid'}): ${v.name}`, () => {
      assert.equal(nodeVerdict(v.publicKey, v.message, v.signature), v.go);
    });
  }
});

describe("Countersign's ed25519Verify", () => {
  for (const v of vectors) {
    const expected = v.go && !v.smallOrderKey;
    it(`${expected ? 'accepts' : 'refuses'}: ${v.name}`, () => {
      assert.equal(ed25519Verify(v.publicKey, v.message, v.signature), expected);
    });
  }

  it('never accepts a vector that Go refuses', () => {
    assert.deepEqual(vectors.filter((v) => !v.go && ed25519Verify(v.publicKey, v.message, v.signature)).map((v) => v.name), []);
  });

  it('flags as small order exactly the keys that noble decodes to a point of order 1, 2, 4 or 8', () => {
    for (const v of vectors) {
      let small = false;
      try {
        small = ed.Point.fromBytes(v.publicKey, true).isSmallOrder();
      } catch {
        // not a point at all
      }
      assert.equal(small, v.smallOrderKey, v.name);
    }
  });

  it('verifies what noble signs, as before', () => {
    const seed = ed25519GenerateSeed();
    const message = new TextEncoder().encode('{"signed":{}}');
    const signature = ed25519Sign(seed, message);
    assert.equal(ed25519Verify(ed25519PublicKey(seed), message, signature), true);
    signature[10]! ^= 1;
    assert.equal(ed25519Verify(ed25519PublicKey(seed), message, signature), false);
  });
});
