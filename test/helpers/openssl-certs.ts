// Root keys whose certificates notary would refuse (SHA-1, short RSA, a CA as leaf, code-signing
// only), made with the real openssl in a temp dir removed at once, for tests of the certificate
// rules. The private key exists only in memory afterwards.
import { execFileSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyId } from '../../electron/core/crypto/key-id';
import type { SimKey } from './repo-simulator';
import { tempDir } from './tuf-harness';

export interface OpenSslCertificateOptions {
  key?: 'ec' | 'rsa-1024' | 'rsa-2048';
  digest?: 'sha1' | 'sha256';
  /** basicConstraints CA:TRUE (a CA certificate where a leaf belongs). */
  ca?: boolean;
  /** e.g. "codeSigning" (what notary init writes) or "serverAuth"; none by default. */
  extendedKeyUsage?: string;
  days?: number;
  /** How the EC point is written: 'compressed' is what OpenSSL reads and Go's x509 (notary) does not. */
  point?: 'uncompressed' | 'compressed';
}

/** A self-signed root key for `commonName`, as openssl makes it with these options. */
export function openSslRootKey(commonName: string, options: OpenSslCertificateOptions = {}): SimKey {
  const scratch = tempDir('openssl-cert');
  try {
    const extensions = [
      `basicConstraints = critical,CA:${options.ca ? 'TRUE' : 'FALSE'}`,
      'keyUsage = critical,digitalSignature,keyEncipherment',
      ...(options.extendedKeyUsage ? [`extendedKeyUsage = ${options.extendedKeyUsage}`] : []),
    ];
    const config = ['[req]', 'distinguished_name = dn', 'x509_extensions = ext', 'prompt = no', '[dn]', `CN = ${commonName}`, '[ext]', ...extensions].join('\n');
    writeFileSync(join(scratch.dir, 'cert.cnf'), `${config}\n`);
    const key = options.key ?? 'ec';
    const run = (args: string[]) => execFileSync('openssl', args, { cwd: scratch.dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let newKey = key === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-keyout', 'key.pem'] : ['-newkey', `rsa:${key.slice(4)}`, '-keyout', 'key.pem'];
    if (key === 'ec' && options.point === 'compressed') {
      // req cannot choose the point form of a key it makes: the key is made, and its form set, first.
      run(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'made.pem']);
      run(['ec', '-in', 'made.pem', '-conv_form', 'compressed', '-out', 'key.pem']);
      newKey = ['-key', 'key.pem'];
    }
    run(['req', '-x509', '-config', 'cert.cnf', ...newKey, '-nodes', `-${options.digest ?? 'sha256'}`, '-days', String(options.days ?? 30), '-out', 'cert.pem']);
    const keyObject = createPrivateKey(readFileSync(join(scratch.dir, 'key.pem')));
    // Built directly: the product refuses to load an RSA key under 2048 bits, which is the point.
    const material = key === 'ec' ? { algorithm: 'ecdsa' as const, key: keyObject } : { algorithm: 'rsa' as const, key: keyObject };
    const publicKey = {
      keytype: key === 'ec' ? ('ecdsa-x509' as const) : ('rsa-x509' as const),
      keyval: { private: null, public: readFileSync(join(scratch.dir, 'cert.pem')).toString('base64') },
    };
    return { material, public: publicKey, id: keyId(publicKey) };
  } finally {
    scratch.remove();
  }
}
