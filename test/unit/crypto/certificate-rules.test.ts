// notary's rules for root certificates (tuf/utils/x509.go ValidateCertificate, trustpinning/certs.go
// parseAllCerts), each named after what it stops.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { certificateInfo, createRootCertificateKey } from '../../../electron/core/crypto/certificate';
import { certificateProblem, certificateShapeProblem, certificateTimeProblem, leafCertificateOf, NOT_BEFORE_LEEWAY_MS } from '../../../electron/core/crypto/certificate-rules';
import { certificatePemOf } from '../../../electron/core/crypto/key-id';
import { generatePrivateKey } from '../../../electron/core/crypto/private-key';
import { makeTestCa } from '../../helpers/ca-root';
import { openSslRootKey } from '../../helpers/openssl-certs';

const GUN = 'example.com/app';
const HOUR_MS = 60 * 60 * 1000;

function ourCertificate(options: { notBefore?: Date; validityDays?: number } = {}) {
  return certificateInfo(certificatePemOf(createRootCertificateKey(generatePrivateKey('ecdsa'), GUN, options)));
}

describe('the CA flag, as Go reads it', () => {
  it('calls a CA:TRUE certificate without keyCertSign a CA, so it cannot pose as a leaf (OpenSSL would call it a leaf)', () => {
    const pem = certificatePemOf(openSslRootKey(GUN, { ca: true }).public);
    assert.equal(certificateInfo(pem).isCA, true);
    assert.match(String(leafCertificateOf(pem)), /CA certificate, not a leaf/);
  });

  it('calls a certificate without basicConstraints a leaf', () => {
    const pem = certificatePemOf(makeTestCa().issueRootKey(GUN).public);
    assert.equal(certificateInfo(pem).isCA, false);
  });
});

describe('certificate shape (ValidateCertificate without expiry)', () => {
  it('refuses a validity window that ends before it starts', () => {
    assert.match(certificateShapeProblem(ourCertificate({ validityDays: -1 })) ?? '', /ends before it starts/);
  });

  it('refuses a SHA-1 signature (collisions are practical)', () => {
    assert.match(certificateShapeProblem(certificateInfo(certificatePemOf(openSslRootKey(GUN, { digest: 'sha1' }).public))) ?? '', /SHA-1/);
  });

  it('refuses an RSA key under 2048 bits', () => {
    assert.match(certificateShapeProblem(certificateInfo(certificatePemOf(openSslRootKey(GUN, { key: 'rsa-1024' }).public))) ?? '', /2048/);
  });

  it('accepts what notary init makes', () => {
    assert.equal(certificateShapeProblem(ourCertificate()), undefined);
  });
});

describe("certificate time (ValidateCertificate with expiry, notary's leeway)", () => {
  const now = new Date('2026-06-01T12:00:00Z');

  it("accepts a certificate starting within a day from now (a signer's clock running ahead)", () => {
    assert.equal(certificateTimeProblem(ourCertificate({ notBefore: new Date(now.getTime() + NOT_BEFORE_LEEWAY_MS - HOUR_MS) }), now), undefined);
  });

  it('refuses a certificate starting more than a day from now', () => {
    assert.match(certificateTimeProblem(ourCertificate({ notBefore: new Date(now.getTime() + NOT_BEFORE_LEEWAY_MS + HOUR_MS) }), now) ?? '', /not valid before/);
  });

  it('refuses a certificate that has expired (a stale key)', () => {
    assert.match(certificateTimeProblem(ourCertificate({ notBefore: new Date(now.getTime() - 20 * 24 * HOUR_MS), validityDays: 10 }), now) ?? '', /expired/);
  });

  it('checks only the shape without a clock (the trusted root, which may have expired since)', () => {
    const expired = ourCertificate({ notBefore: new Date(now.getTime() - 20 * 24 * HOUR_MS), validityDays: 10 });
    assert.equal(certificateProblem(expired, undefined), undefined);
    assert.notEqual(certificateProblem(expired, now), undefined);
  });
});

describe('root key bundles (parseAllCerts)', () => {
  it('takes the leaf first and the rest as intermediates', () => {
    const ca = makeTestCa().issueIntermediate('Intermediate');
    const bundle = leafCertificateOf(certificatePemOf(ca.issueRootKey(GUN).public));
    assert.ok(typeof bundle !== 'string', String(bundle));
    assert.equal(bundle.leaf.commonName, GUN);
    assert.deepEqual(bundle.intermediates.map((c) => c.commonName), ['Intermediate']);
  });

  it('refuses a bundle whose first certificate is a CA (the leaf must come first)', () => {
    const intermediate = makeTestCa().issueIntermediate('Intermediate');
    const leaf = certificatePemOf(intermediate.issueRootKey(GUN).public);
    const [first, second] = leaf.split(/(?<=-----END CERTIFICATE-----\n)/);
    assert.match(String(leafCertificateOf(`${second}${first}`)), /first certificate is a CA/);
  });
});
