// Throwaway certificates made by openssl in a temp dir: a CA, a good server certificate for
// localhost/127.0.0.1, one for another host name, an expired one, and one from a CA nobody trusts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KeyPair {
  key: string;
  cert: string;
}

export interface TlsFixture {
  caCert: string;
  good: KeyPair;
  wrongHost: KeyPair;
  expired: KeyPair;
  untrusted: KeyPair;
  /** The CA of `untrusted`, which the tests do not trust (unless they say so). */
  untrustedCaCert: string;
  dispose(): void;
}

const CA_CONFIG = `
[ ca ]
default_ca = local
[ local ]
database = index.txt
new_certs_dir = issued
serial = serial
default_md = sha256
policy = anything
copy_extensions = copy
[ anything ]
commonName = supplied
`;

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function makeCa(dir: string, name: string): void {
  openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2', '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
}

function makeRequest(dir: string, name: string, altNames: string): void {
  openssl(dir, ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`, '-addext', `subjectAltName=${altNames}`]);
}

function issue(dir: string, name: string, ca: string, validity: string[]): KeyPair {
  openssl(dir, ['ca', '-batch', '-notext', '-config', 'ca.cnf', '-cert', `${ca}.crt`, '-keyfile', `${ca}.key`,
    '-in', `${name}.csr`, '-out', `${name}.crt`, ...validity]);
  return { key: readFileSync(join(dir, `${name}.key`), 'utf8'), cert: readFileSync(join(dir, `${name}.crt`), 'utf8') };
}

export function makeTlsFixture(): TlsFixture {
  const dir = mkdtempSync(join(tmpdir(), 'countersign-tls-'));
  writeFileSync(join(dir, 'ca.cnf'), CA_CONFIG);
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  mkdirSync(join(dir, 'issued'));
  makeCa(dir, 'trusted-ca');
  makeCa(dir, 'stranger-ca');
  const loopback = 'DNS:localhost,IP:127.0.0.1';
  makeRequest(dir, 'good', loopback);
  makeRequest(dir, 'wrong-host', 'DNS:registry.example');
  makeRequest(dir, 'expired', loopback);
  makeRequest(dir, 'untrusted', loopback);
  const fixture: TlsFixture = {
    caCert: readFileSync(join(dir, 'trusted-ca.crt'), 'utf8'),
    good: issue(dir, 'good', 'trusted-ca', ['-days', '2']),
    wrongHost: issue(dir, 'wrong-host', 'trusted-ca', ['-days', '2']),
    expired: issue(dir, 'expired', 'trusted-ca', ['-startdate', '20200101000000Z', '-enddate', '20200102000000Z']),
    untrusted: issue(dir, 'untrusted', 'stranger-ca', ['-days', '2']),
    untrustedCaCert: readFileSync(join(dir, 'stranger-ca.crt'), 'utf8'),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
  return fixture;
}
