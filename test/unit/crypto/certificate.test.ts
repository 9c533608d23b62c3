// Root certificates: ours must look to notary exactly like the ones `notary init` makes.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import { certificateInfo, createRootCertificateKey, ROOT_CERTIFICATE_VALIDITY_DAYS } from '../../../electron/core/crypto/certificate';
import * as der from '../../../electron/core/crypto/der';
import { canonicalKeyIdOf, certificatePemOf, keyId } from '../../../electron/core/crypto/key-id';
import { firstPemBlock } from '../../../electron/core/crypto/pem';
import { generatePrivateKey, privateKeyFromKeyObject, publicKeyOf } from '../../../electron/core/crypto/private-key';
import { generateKeyPairSync } from 'node:crypto';
import * as forms from '../../helpers/x509-forms';
import type { CertificateEdit } from '../../helpers/x509-forms';
import { manifest, rootKeys, rootRoleKeyIds } from './support/fixtures';

const DAY_MS = 86_400_000;

function notaryRootCertificatePem(): string {
  const [rootId] = rootRoleKeyIds('notary-repo', 'root');
  return certificatePemOf(rootKeys('notary-repo')[rootId!]!);
}

/** tbsCertificate's fields: version, serial, signature algorithm, issuer, validity, subject, key, extensions. */
function tbsFields(pem: string): der.DerNode[] {
  const [tbs] = der.children(der.readDer(firstPemBlock(pem, 'CERTIFICATE').bytes));
  return der.children(tbs!);
}

describe('reading a root certificate made by notary', () => {
  it('reports its common name (the GUN), validity, CA flag and signature algorithm', () => {
    const info = certificateInfo(notaryRootCertificatePem());
    assert.equal(info.commonName, manifest.gun);
    assert.equal(info.isCA, false);
    assert.equal(Math.round((info.notAfter.getTime() - info.notBefore.getTime()) / DAY_MS), 3650);
    assert.equal(info.signatureAlgorithmOid, '1.2.840.10045.4.3.2');
  });

  // Each form below parses in OpenSSL (node's X509Certificate) and fails Go's x509.ParseCertificate,
  // notary's parser: to notary such a root key has no certificate at all.
  const goRefuses: [string, CertificateEdit, RegExp][] = [
    ['names another signature algorithm outside its signed part', { outerAlgorithm: forms.otherOuterAlgorithm }, /signature algorithm differs/],
    ['lists an extension twice', { fields: forms.withFirstExtensionTwice }, /extension 2\.5\.29\.\d+ twice/],
    ['says it is version 4', { fields: forms.withVersionFour }, /version is not 1, 2 or 3/],
    ['writes the length of its validity in BER form', { fields: forms.withLongFormLength(4) }, /malformed structure/],
    ['holds a key usage that is not a BIT STRING', { fields: forms.keyUsageNotBits }, /extension 2\.5\.29\.15 does not hold/],
    ['marks an extension critical with 0x01 instead of 0xff', { fields: forms.criticalFlagNotDer }, /malformed structure/],
    ['holds an extended key usage that lists an INTEGER', { fields: forms.extendedKeyUsageNotOids }, /extension 2\.5\.29\.37 does not hold/],
    ['names a DNS name in its subjectAltName that is not ASCII', { fields: forms.altNameNotAscii }, /extension 2\.5\.29\.17 does not hold/],
    ['names an IP address of 5 bytes in its subjectAltName', { fields: forms.altNameIpOfFiveBytes }, /extension 2\.5\.29\.17 does not hold/],
    ['has name constraints with no subtrees', { fields: forms.emptyNameConstraints }, /extension 2\.5\.29\.30 does not hold/],
    ['constrains names to an IP range whose mask is not ones then zeros', { fields: forms.nameConstraintsBadMask }, /extension 2\.5\.29\.30 does not hold/],
    ['holds an INTEGER where its CRL distribution points belong', { fields: forms.crlPointsNotASequence }, /extension 2\.5\.29\.31 does not hold/],
    ['lists one certificate policy twice', { fields: forms.policyListedTwice }, /extension 2\.5\.29\.32 does not hold/],
    ['marks its authority information access critical', { fields: forms.criticalAuthorityInfoAccess }, /marks the extension 1\.3\.6\.1\.5\.5\.7\.1\.1 critical/],
    ['marks a subject key identifier critical', { fields: forms.criticalSubjectKeyIdentifier }, /marks the extension 2\.5\.29\.14 critical/],
  ];
  for (const [what, edit, message] of goRefuses) {
    it(`refuses a certificate that ${what}, as Go's parser does`, () => {
      const pem = forms.editedCertificatePem(notaryRootCertificatePem(), edit);
      assert.ok(new X509Certificate(pem), 'OpenSSL reads it');
      assert.throws(() => certificateInfo(pem), { code: 'pem-invalid', message });
    });
  }

  it('still reads the certificate re-encoded without an edit, or with a well-formed subjectAltName (the controls)', () => {
    assert.equal(certificateInfo(forms.editedCertificatePem(notaryRootCertificatePem(), {})).commonName, manifest.gun);
    assert.equal(certificateInfo(forms.editedCertificatePem(notaryRootCertificatePem(), { fields: forms.withPlainAltName })).commonName, manifest.gun);
  });

  it('refuses text that is not a certificate', () => {
    assert.throws(() => certificateInfo('hello'), { code: 'pem-invalid' });
    const broken = notaryRootCertificatePem().replace(/^MII/m, 'MIA');
    assert.throws(() => certificateInfo(broken), { code: 'pem-invalid' });
  });
});

describe('creating a root certificate', () => {
  const gun = 'registry.example.com/team/app';
  const material = generatePrivateKey('ecdsa');
  const notBefore = new Date('2030-01-02T03:04:05.678Z');
  const rootKey = createRootCertificateKey(material, gun, { notBefore });
  const pem = certificatePemOf(rootKey);

  it('is an ecdsa-x509 key whose certificate names the GUN and is not a CA', () => {
    assert.equal(rootKey.keytype, 'ecdsa-x509');
    const info = certificateInfo(pem);
    assert.equal(info.commonName, gun);
    assert.equal(info.isCA, false);
  });

  it('is valid from the given second for ten notary years (3650 days)', () => {
    const info = certificateInfo(pem);
    assert.equal(info.notBefore.toISOString(), '2030-01-02T03:04:05.000Z');
    assert.equal(info.notAfter.getTime() - info.notBefore.getTime(), ROOT_CERTIFICATE_VALIDITY_DAYS * DAY_MS);
  });

  it('is self-signed by the key it certifies', () => {
    const certificate = new X509Certificate(pem);
    assert.equal(certificate.verify(certificate.publicKey), true);
  });

  it('has the canonical ID of its bare key, and a different ID of its own', () => {
    assert.equal(canonicalKeyIdOf(rootKey), keyId(publicKeyOf(material)));
    assert.notEqual(keyId(rootKey), keyId(publicKeyOf(material)));
  });

  it('carries exactly the extensions notary writes (key usage, code signing, CA:FALSE)', () => {
    const extensionsOf = (certificatePem: string) => Buffer.from(tbsFields(certificatePem).at(-1)!.encoded).toString('hex');
    assert.equal(extensionsOf(pem), extensionsOf(notaryRootCertificatePem()));
  });

  it('lays out version, algorithms and names as notary does', () => {
    const ours = tbsFields(pem);
    const notarys = tbsFields(notaryRootCertificatePem());
    assert.deepEqual(ours.map((f) => f.tag), notarys.map((f) => f.tag));
    assert.deepEqual(ours[0]!.encoded, notarys[0]!.encoded, 'version v3');
    assert.deepEqual(ours[2]!.encoded, notarys[2]!.encoded, 'ecdsa-with-SHA256');
    assert.equal(ours[1]!.content.length <= 17, true, 'serial of at most 128 bits');
  });

  it('uses a random serial for every certificate', () => {
    const again = certificatePemOf(createRootCertificateKey(material, gun, { notBefore }));
    assert.notDeepEqual(tbsFields(again)[1]!.encoded, tbsFields(pem)[1]!.encoded);
  });

  it('writes a GUN that PrintableString cannot hold as UTF8String', () => {
    const underscored = 'registry.example.com/my_team/app';
    const fields = tbsFields(certificatePemOf(createRootCertificateKey(material, underscored)));
    const subject = fields[5]!;
    const [attribute] = der.children(der.children(subject)[0]!);
    const [, value] = der.children(attribute!);
    assert.equal(value!.tag, der.TAG.utf8String);
    assert.equal(certificateInfo(certificatePemOf(createRootCertificateKey(material, underscored))).commonName, underscored);
  });

  it('switches to GeneralizedTime for dates from 2050 on, as RFC 5280 requires', () => {
    const late = createRootCertificateKey(material, gun, { notBefore: new Date('2049-06-01T00:00:00Z') });
    const validity = tbsFields(certificatePemOf(late))[4]!;
    const [start, end] = der.children(validity);
    assert.equal(start!.tag, der.TAG.utcTime);
    assert.equal(end!.tag, der.TAG.generalizedTime);
    assert.equal(certificateInfo(certificatePemOf(late)).notAfter.getUTCFullYear(), 2059);
  });

  it('makes rsa-x509 root keys from RSA keys', () => {
    const rsa = privateKeyFromKeyObject(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
    const rsaRoot = createRootCertificateKey(rsa, gun);
    assert.equal(rsaRoot.keytype, 'rsa-x509');
    const certificate = new X509Certificate(certificatePemOf(rsaRoot));
    assert.equal(certificate.verify(certificate.publicKey), true);
  });

  it('refuses ed25519 root keys, which notary cannot certify', () => {
    assert.throws(() => createRootCertificateKey(generatePrivateKey('ed25519'), gun), { code: 'key-unsupported' });
  });
});
