// Root keys issued by a certificate authority (what a CA trust pin expects), made with the real
// openssl in a temp dir that is removed at once. The private keys exist only in memory afterwards.
import { execFileSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { privateKeyFromKeyObject } from '../../electron/core/crypto/private-key';
import { keyId } from '../../electron/core/crypto/key-id';
import type { SimKey } from './repo-simulator';
import { tempDir } from './tuf-harness';

export interface TestCa {
  certPem: string;
  /** A root key for `commonName` whose certificate this CA issued (with an extendedKeyUsage, e.g. "codeSigning"). */
  issueRootKey(commonName: string, options?: { extendedKeyUsage?: string }): SimKey;
}

export function makeTestCa(name = 'Countersign Test CA', validityDays = 30): TestCa {
  const scratch = tempDir('test-ca');
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: scratch.dir, stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key');
    openssl('req', '-x509', '-new', '-key', 'ca.key', '-subj', `/CN=${name}`, '-days', String(validityDays), '-out', 'ca.crt');
    const caKey = readFileSync(join(scratch.dir, 'ca.key'), 'utf8');
    const certPem = readFileSync(join(scratch.dir, 'ca.crt'), 'utf8');
    return { certPem, issueRootKey: (commonName, options = {}) => issue(caKey, certPem, commonName, options.extendedKeyUsage) };
  } finally {
    scratch.remove();
  }
}

function issue(caKey: string, caCert: string, commonName: string, extendedKeyUsage: string | undefined): SimKey {
  const scratch = tempDir('test-ca-leaf');
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: scratch.dir, stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    writeFileSync(join(scratch.dir, 'ca.key'), caKey, { mode: 0o600 });
    writeFileSync(join(scratch.dir, 'ca.crt'), caCert);
    openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'leaf.key');
    // -subj reads "/" as the start of the next name part; a GUN's slashes must be escaped.
    openssl('req', '-new', '-key', 'leaf.key', '-subj', `/CN=${commonName.replaceAll('/', '\\/')}`, '-out', 'leaf.csr');
    const extensions: string[] = [];
    if (extendedKeyUsage !== undefined) {
      writeFileSync(join(scratch.dir, 'leaf.ext'), `extendedKeyUsage = ${extendedKeyUsage}\n`);
      extensions.push('-extfile', 'leaf.ext');
    }
    openssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '10', ...extensions, '-out', 'leaf.crt');
    const material = privateKeyFromKeyObject(createPrivateKey(readFileSync(join(scratch.dir, 'leaf.key'))));
    const publicKey = { keytype: 'ecdsa-x509' as const, keyval: { private: null, public: readFileSync(join(scratch.dir, 'leaf.crt')).toString('base64') } };
    return { material, public: publicKey, id: keyId(publicKey) };
  } finally {
    scratch.remove();
  }
}
