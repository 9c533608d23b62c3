// A throwaway certificate authority and one server certificate for localhost / 127.0.0.1, made with
// the openssl CLI. Every server of the stack (notary-server, the registry, the tampering proxy) can
// share one CA, so a client configured with caFile reaches any of them.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { runCommandOk } from './process';

export interface TestCa {
  dir: string;
  caCertFile: string;
  caKeyFile: string;
  caPem: string;
  serverCertFile: string;
  serverKeyFile: string;
  serverCertPem: string;
  serverKeyPem: string;
}

export interface TestCaOptions {
  /** Validity of both certificates. Go clients (notary, docker) refuse expired ones. */
  days?: number;
  /** Extra subjectAltName entries beyond DNS:localhost and IP:127.0.0.1, e.g. "DNS:notary.test". */
  extraSubjectAltNames?: readonly string[];
}

// P-256 keeps generation fast; every client involved (Go, Node, Chromium) accepts it.
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'] as const;

/** Writes a new CA and a server certificate for localhost into dir (created if needed). */
export async function makeTestCa(dir: string, options: TestCaOptions = {}): Promise<TestCa> {
  await mkdir(dir, { recursive: true });
  const days = String(options.days ?? 7);
  const file = (name: string): string => join(dir, name);

  await runCommandOk('openssl', [
    'req', '-x509', ...EC_KEY,
    '-keyout', file('ca.key'), '-out', file('ca.crt'), '-days', days,
    '-subj', '/CN=Countersign Test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await runCommandOk('openssl', [
    'req', '-new', ...EC_KEY,
    '-keyout', file('server.key'), '-out', file('server.csr'),
    '-subj', '/CN=localhost',
  ]);
  // Go ignores the CN since 1.15: the subjectAltName is what makes "localhost" and "127.0.0.1" valid.
  const altNames = ['DNS:localhost', 'IP:127.0.0.1', ...(options.extraSubjectAltNames ?? [])];
  await writeFile(
    file('server.ext'),
    [
      `subjectAltName=${altNames.join(',')}`,
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      '',
    ].join('\n'),
  );
  await runCommandOk('openssl', [
    'x509', '-req', '-in', file('server.csr'),
    '-CA', file('ca.crt'), '-CAkey', file('ca.key'),
    // A random serial instead of a serial file: several CAs may be made in parallel.
    '-set_serial', `0x${randomBytes(8).toString('hex')}`,
    '-days', days, '-extfile', file('server.ext'), '-out', file('server.crt'),
  ]);

  const [caPem, serverCertPem, serverKeyPem] = await Promise.all([
    readFile(file('ca.crt'), 'utf8'),
    readFile(file('server.crt'), 'utf8'),
    readFile(file('server.key'), 'utf8'),
  ]);
  return {
    dir,
    caCertFile: file('ca.crt'),
    caKeyFile: file('ca.key'),
    caPem,
    serverCertFile: file('server.crt'),
    serverKeyFile: file('server.key'),
    serverCertPem,
    serverKeyPem,
  };
}
