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
  /**
   * A root key for `commonName` whose certificate this CA issued (with an extendedKeyUsage, e.g.
   * "codeSigning"). An intermediate's keys carry the intermediate after the leaf, as notary bundles them.
   */
  issueRootKey(commonName: string, options?: { extendedKeyUsage?: string }): SimKey;
  /** A certificate this CA issued that issues root keys in turn (`ca: false` makes it a leaf that pretends). */
  issueIntermediate(name: string, options?: { ca?: boolean }): TestCa;
}

export function makeTestCa(name = 'Countersign Test CA', validityDays = 30): TestCa {
  return inScratch('test-ca', (openssl, dir) => {
    openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key');
    openssl('req', '-x509', '-new', '-key', 'ca.key', '-subj', `/CN=${name}`, '-days', String(validityDays), '-out', 'ca.crt');
    return authority(readFileSync(join(dir, 'ca.key'), 'utf8'), readFileSync(join(dir, 'ca.crt'), 'utf8'), '');
  });
}

/** `chain` is what an issued leaf's PEM carries after the leaf itself (the intermediates). */
function authority(caKey: string, certPem: string, chain: string): TestCa {
  return {
    certPem,
    issueRootKey: (commonName, options = {}) => {
      const issued = issue(caKey, certPem, commonName, options.extendedKeyUsage === undefined ? [] : [`extendedKeyUsage = ${options.extendedKeyUsage}`]);
      const material = privateKeyFromKeyObject(createPrivateKey(issued.keyPem));
      const publicKey = { keytype: 'ecdsa-x509' as const, keyval: { private: null, public: Buffer.from(issued.certPem + chain).toString('base64') } };
      return { material, public: publicKey, id: keyId(publicKey) };
    },
    issueIntermediate: (name, options = {}) => {
      const ca = options.ca ?? true;
      const issued = issue(caKey, certPem, name, [`basicConstraints = critical,CA:${ca ? 'TRUE' : 'FALSE'}`, ...(ca ? ['keyUsage = critical,keyCertSign,cRLSign'] : [])]);
      return authority(issued.keyPem, issued.certPem, issued.certPem + chain);
    },
  };
}

function issue(caKey: string, caCert: string, commonName: string, extensions: string[]): { keyPem: string; certPem: string } {
  return inScratch('test-ca-leaf', (openssl, dir) => {
    writeFileSync(join(dir, 'ca.key'), caKey, { mode: 0o600 });
    writeFileSync(join(dir, 'ca.crt'), caCert);
    openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'leaf.key');
    // -subj reads "/" as the start of the next name part; a GUN's slashes must be escaped.
    openssl('req', '-new', '-key', 'leaf.key', '-subj', `/CN=${commonName.replaceAll('/', '\\/')}`, '-out', 'leaf.csr');
    const extfile: string[] = [];
    if (extensions.length > 0) {
      writeFileSync(join(dir, 'leaf.ext'), `${extensions.join('\n')}\n`);
      extfile.push('-extfile', 'leaf.ext');
    }
    openssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '10', ...extfile, '-out', 'leaf.crt');
    return { keyPem: readFileSync(join(dir, 'leaf.key'), 'utf8'), certPem: readFileSync(join(dir, 'leaf.crt'), 'utf8') };
  });
}

function inScratch<T>(label: string, work: (openssl: (...args: string[]) => void, dir: string) => T): T {
  const scratch = tempDir(label);
  try {
    return work((...args) => void execFileSync('openssl', args, { cwd: scratch.dir, stdio: ['ignore', 'ignore', 'pipe'] }), scratch.dir);
  } finally {
    scratch.remove();
  }
}
