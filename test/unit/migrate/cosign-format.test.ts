// The rules of cosign's format as Countersign writes and reads it: the signature tag, the
// simple-signing payload containers/image accepts (and what it refuses), the DER signature, the
// cosign.pub key, and the signature image with its appended layers.
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import { generatePrivateKey, publicKeyOf } from '../../../electron/core/crypto/private-key';
import type { Signer } from '../../../electron/core/keys/vault';
import {
  buildSignatureImage,
  COSIGN_MEDIA_TYPES,
  cosignPublicKeyPem,
  cosignSign,
  cosignVerify,
  isCosignAttachmentTag,
  readCosignPublicKey,
  readSignatureManifest,
  readSimpleSigningPayload,
  signatureTag,
  simpleSigningPayload,
  SIGNATURE_ANNOTATION,
} from '../../../electron/core/migrate';
import { ecdsaRawToDer } from '../../../electron/core/migrate/cosign-key';
import { memorySigner } from '../../helpers/memory-signer';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const CLAIM = { manifestDigest: DIGEST, dockerReference: 'registry.example.com:5000/team/app' };

const testSigner = (): Signer => memorySigner('test');

function payloadWith(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

const criticalOf = (claim = CLAIM) => ({
  identity: { 'docker-reference': claim.dockerReference },
  image: { 'docker-manifest-digest': claim.manifestDigest },
  type: 'cosign container image signature',
});

describe('the signature tag', () => {
  it('is "sha256-<hex>.sig" of the manifest digest', () => {
    assert.equal(signatureTag(DIGEST), `sha256-${'ab'.repeat(32)}.sig`);
  });

  it('refuses what is not a digest', () => {
    assert.throws(() => signatureTag('latest'), { code: 'invalid-input' });
  });

  it('recognises cosign attachment tags (.sig, .att, .sbom) and nothing a person would push', () => {
    assert.equal(isCosignAttachmentTag(signatureTag(DIGEST)), true);
    assert.equal(isCosignAttachmentTag(`sha256-${'ab'.repeat(32)}.att`), true);
    assert.equal(isCosignAttachmentTag('v1.sig'), false);
    assert.equal(isCosignAttachmentTag(`sha256-${'ab'.repeat(31)}.sig`), false);
  });
});

describe('the simple-signing payload', () => {
  it('names exactly the digest, the repository and cosign\'s type, with an optional object', () => {
    const payload = JSON.parse(simpleSigningPayload(CLAIM, { creator: 'Countersign', timestamp: 1_700_000_000 }).toString('utf8')) as Record<string, unknown>;
    assert.deepEqual(payload, { critical: criticalOf(), optional: { creator: 'Countersign', timestamp: 1_700_000_000 } });
  });

  it('refuses an identity with a tag or a digest in it', () => {
    assert.throws(() => simpleSigningPayload({ ...CLAIM, dockerReference: 'r.example.com/team/app:v1' }, { creator: 'x', timestamp: 1 }), { code: 'invalid-input' });
  });

  it('is read back as the claim it makes, with optional null as cosign writes it', () => {
    assert.deepEqual(readSimpleSigningPayload(payloadWith({ critical: criticalOf(), optional: null }), 'p'), CLAIM);
  });

  const refused: [string, unknown][] = [
    ['a missing optional (containers/image requires the field)', { critical: criticalOf() }],
    ['another signature type', { critical: { ...criticalOf(), type: 'atomic container signature' }, optional: null }],
    ['an extra critical field', { critical: { ...criticalOf(), extra: 1 }, optional: null }],
    ['an extra top-level field', { critical: criticalOf(), optional: null, more: true }],
    ['a digest that is not one', { critical: { ...criticalOf(), image: { 'docker-manifest-digest': 'sha256:zz' } }, optional: null }],
    ['a fractional timestamp', { critical: criticalOf(), optional: { timestamp: 1.5 } }],
  ];
  for (const [what, value] of refused) {
    it(`refuses ${what}`, () => {
      assert.throws(() => readSimpleSigningPayload(payloadWith(value), 'p'), { code: 'metadata-malformed' });
    });
  }

  it('refuses a payload with a duplicated key (a parser differential)', () => {
    const text = `{"critical":${JSON.stringify(criticalOf())},"critical":${JSON.stringify(criticalOf({ ...CLAIM, manifestDigest: `sha256:${'cd'.repeat(32)}` }))},"optional":null}`;
    assert.throws(() => readSimpleSigningPayload(Buffer.from(text), 'p'), { code: 'metadata-duplicate-key' });
  });
});

describe('the cosign signature', () => {
  it('is DER ECDSA over SHA-256 of the payload, verifiable with the cosign.pub PEM', () => {
    const signer = testSigner();
    const payload = simpleSigningPayload(CLAIM, { creator: 'c', timestamp: 1 });
    const signature = cosignSign(signer, payload);
    const pem = cosignPublicKeyPem(signer.publicKey);
    assert.match(pem, /^-----BEGIN PUBLIC KEY-----\n/);
    assert.equal(verify('sha256', payload, { key: createPublicKey(pem), dsaEncoding: 'der' }, Buffer.from(signature, 'base64')), true);
    assert.equal(cosignVerify(readCosignPublicKey(pem), payload, signature), true);
  });

  it('does not verify for other bytes, another key, or a signature that is not base64 DER', () => {
    const signer = testSigner();
    const payload = Buffer.from('payload');
    const signature = cosignSign(signer, payload);
    const key = readCosignPublicKey(cosignPublicKeyPem(signer.publicKey));
    assert.equal(cosignVerify(key, Buffer.from('payloaD'), signature), false);
    assert.equal(cosignVerify(readCosignPublicKey(cosignPublicKeyPem(testSigner().publicKey)), payload, signature), false);
    assert.equal(cosignVerify(key, payload, 'not base64!'), false);
    assert.equal(cosignVerify(key, payload, Buffer.from('garbage').toString('base64')), false);
  });

  it('encodes r and s as minimal positive INTEGERs (a zero pad for a high bit, leading zeros dropped)', () => {
    const raw = Buffer.concat([Buffer.from([0x80, ...new Array<number>(31).fill(1)]), Buffer.from([0, 0, 0x7f, ...new Array<number>(29).fill(2)])]);
    const der = Buffer.from(ecdsaRawToDer(raw));
    assert.equal(der[0], 0x30);
    assert.deepEqual([...der.subarray(2, 5)], [0x02, 33, 0x00]);
    assert.deepEqual([...der.subarray(2 + 2 + 33, 2 + 2 + 33 + 3)], [0x02, 30, 0x7f]);
  });

  it('refuses keys that are not ECDSA P-256', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    assert.throws(() => readCosignPublicKey(p384), { code: 'key-unsupported' });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    assert.throws(() => readCosignPublicKey(rsa), { code: 'key-unsupported' });
    assert.throws(() => cosignPublicKeyPem(publicKeyOf(generatePrivateKey('ed25519'))), { code: 'key-unsupported' });
  });
});

describe('the signature image', () => {
  const layer = (text: string) => ({ payload: Buffer.from(text), signature: Buffer.from(`sig-${text}`).toString('base64') });

  it('is an OCI manifest with an OCI config and one simple-signing layer per signature', () => {
    const image = buildSignatureImage(undefined, [layer('a')]);
    const manifest = readSignatureManifest(image.manifest, 'm');
    assert.equal(manifest.mediaType, COSIGN_MEDIA_TYPES.manifest);
    assert.equal(manifest.config.mediaType, COSIGN_MEDIA_TYPES.config);
    assert.equal(manifest.layers.length, 1);
    assert.equal(manifest.layers[0]?.mediaType, COSIGN_MEDIA_TYPES.simpleSigning);
    assert.equal(manifest.layers[0]?.annotations?.[SIGNATURE_ANNOTATION], layer('a').signature);
    const config = JSON.parse(image.config.toString('utf8')) as { rootfs: { diff_ids: string[] } };
    assert.deepEqual(config.rootfs.diff_ids, [manifest.layers[0]?.digest]);
    assert.equal(image.blobs.length, 2, 'the payload and the config');
  });

  it('keeps every existing layer, annotations and all, and appends after them', () => {
    const first = readSignatureManifest(buildSignatureImage(undefined, [layer('a')]).manifest, 'm');
    first.layers[0]!.annotations = { ...first.layers[0]!.annotations, 'dev.sigstore.cosign/bundle': '{}' };
    const appended = readSignatureManifest(buildSignatureImage(first, [layer('b')]).manifest, 'm');
    assert.deepEqual(appended.layers[0], first.layers[0]);
    assert.equal(appended.layers.length, 2);
  });

  it('refuses a manifest that is not an image manifest with layers', () => {
    assert.throws(() => readSignatureManifest(Buffer.from('{"schemaVersion":2,"manifests":[]}'), 'm'), { code: 'metadata-malformed' });
  });
});
