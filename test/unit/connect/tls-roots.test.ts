// Which CAs a connection trusts: docker's tls/ dir for both kinds, certs.d/ for registries, plus a configured one.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { trustedCertificates } from '../../../electron/core/connect';

const root = mkdtempSync(join(tmpdir(), 'countersign-roots-'));
after(() => rmSync(root, { recursive: true, force: true }));
const HOST = 'registry.example.test:5000';
const dockerConfigDir = join(root, 'docker');
const certsDir = join(root, 'certs.d');
mkdirSync(join(dockerConfigDir, 'tls', HOST), { recursive: true });
mkdirSync(join(certsDir, HOST), { recursive: true });
writeFileSync(join(dockerConfigDir, 'tls', HOST, 'ca.crt'), 'DOCKER-TLS');
writeFileSync(join(dockerConfigDir, 'tls', HOST, 'client.key'), 'NOT A CA');
writeFileSync(join(certsDir, HOST, 'ca.crt'), 'CERTS-D');

describe('trusted CAs', () => {
  it('for a registry: the configured CA, docker tls/ and certs.d/', () => {
    assert.equal(trustedCertificates('registry', HOST, 'CONFIGURED', { dockerConfigDir, certsDir }), 'CONFIGURED\nDOCKER-TLS\nCERTS-D');
  });

  it('for a notary server: docker tls/ only (certs.d/ is the engine\'s, for registries)', () => {
    assert.equal(trustedCertificates('notary', HOST, undefined, { dockerConfigDir, certsDir }), 'DOCKER-TLS');
  });

  it('nothing beyond the system roots for a host docker knows nothing about', () => {
    assert.equal(trustedCertificates('registry', 'other.example.test', undefined, { dockerConfigDir, certsDir }), undefined);
  });
});
