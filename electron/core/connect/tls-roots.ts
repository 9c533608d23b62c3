// The CAs a connection trusts, found where docker finds them: $DOCKER_CONFIG/tls/<host:port>/*.crt
// for notary servers and registries (docker trust's rule), /etc/docker/certs.d/<host:port>/*.crt for
// registries (the docker engine's rule), plus a CA the user configured. Each is trusted on top of
// the system roots, never instead of them.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CountersignError } from '../../../shared/errors';

/** Where the docker engine keeps per-registry CAs on Linux. */
export const DOCKER_CERTS_DIR = '/etc/docker/certs.d';

export type EndpointKind = 'notary' | 'registry';

export interface TlsRootOptions {
  dockerConfigDir: string;
  /** Default DOCKER_CERTS_DIR; tests point it at a temp dir. */
  certsDir?: string;
}

/** Every *.crt of a directory, in name order; none when it does not exist. */
function certificatesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.crt'))
    .sort()
    .map((name) => readFileSync(join(dir, name), 'utf8'));
}

/** The PEM bundle to trust for `host` ("host:port"), or undefined when nothing beyond the system roots. */
export function trustedCertificates(kind: EndpointKind, host: string, configured: string | undefined, options: TlsRootOptions): string | undefined {
  const pems = [
    ...(configured === undefined ? [] : [configured]),
    ...certificatesIn(join(options.dockerConfigDir, 'tls', host)),
    ...(kind === 'registry' ? certificatesIn(join(options.certsDir ?? DOCKER_CERTS_DIR, host)) : []),
  ];
  return pems.length === 0 ? undefined : [...new Set(pems)].join('\n');
}

/** A CA file named on the command line. */
export function readCaFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new CountersignError('invalid-input', `cannot read the CA file ${path}: ${(error as Error).message}`);
  }
}
