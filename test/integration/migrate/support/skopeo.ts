// Debian's skopeo (containers/image 5.23 with sigstore verification patched out) as a second,
// independent reader of cosign's layout. With `use-sigstore-attachments: true` it looks up
// "sha256-<hex>.sig" and fetches every layer; copied into a `dir:` layout (accepting anything) it
// writes each as a `signature-N` file: 0x00, "sigstore-json", a newline, then JSON {mimeType,
// payload (base64), annotations}. Asked to verify, it refuses every one ("Debian-local change:
// sigstore disabled"), so the tests assert what it discovers, never that it accepts.
import { mkdirSync, readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand, type CommandResult, type Registry } from '../../../stack';

export interface DiscoveredSignature {
  mimeType: string;
  payload: Buffer;
  annotations: Record<string, string>;
}

let runs = 0;

/** A private containers config (registries.d, policy, HOME) so skopeo touches nothing of the machine's. */
async function skopeoCopy(registry: Registry, reference: string, work: string, policy: unknown): Promise<{ result: CommandResult; out: string }> {
  const dir = join(work, `skopeo-${++runs}`);
  mkdirSync(join(dir, 'registries.d'), { recursive: true });
  await writeFile(join(dir, 'registries.d', 'default.yaml'), `docker:\n  ${registry.host}:\n    use-sigstore-attachments: true\n`);
  await writeFile(join(dir, 'policy.json'), JSON.stringify(policy));
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, XDG_CONFIG_HOME: dir, XDG_DATA_HOME: dir, XDG_CACHE_HOME: dir, XDG_RUNTIME_DIR: dir, _CONTAINERS_ROOTLESS_UID: String(process.getuid?.() ?? 1000) };
  const out = join(dir, 'image');
  const args = ['--debug', '--policy', join(dir, 'policy.json'), '--registries.d', join(dir, 'registries.d'), 'copy', '--src-cert-dir', registry.certDir, `docker://${registry.host}/${reference}`, `dir:${out}`];
  return { result: await runCommand('skopeo', args, { env, timeoutMs: 60_000 }), out };
}

/** The signatures skopeo finds for `repo:tag`, read from the dir: copy it makes. */
export async function skopeoDiscoveredSignatures(registry: Registry, reference: string, work: string): Promise<DiscoveredSignature[]> {
  const { result, out } = await skopeoCopy(registry, reference, work, { default: [{ type: 'insecureAcceptAnything' }] });
  if (result.code !== 0) throw new Error(`skopeo copy ${reference} failed: ${result.stderr}`);
  const files = readdirSync(out).filter((name) => /^signature-\d+$/.test(name)).sort((a, b) => Number(a.slice(10)) - Number(b.slice(10)));
  return Promise.all(files.map(async (name) => parseSignatureFile(await readFile(join(out, name)))));
}

function parseSignatureFile(blob: Buffer): DiscoveredSignature {
  const header = Buffer.from('\0sigstore-json\n');
  if (!blob.subarray(0, header.length).equals(header)) throw new Error('skopeo wrote a signature that is not a sigstore-json one');
  const json = JSON.parse(blob.subarray(header.length).toString('utf8')) as { mimeType: string; payload: string; annotations: Record<string, string> };
  return { mimeType: json.mimeType, payload: Buffer.from(json.payload, 'base64'), annotations: json.annotations };
}

/** What skopeo says when a policy asks it to verify with `publicKeyFile`: how many layers it found, and its refusal. */
export async function skopeoVerification(registry: Registry, reference: string, publicKeyFile: string, work: string): Promise<{ code: number; layersFound: number | undefined; stderr: string }> {
  const policy = {
    default: [{ type: 'reject' }],
    transports: { docker: { [registry.host]: [{ type: 'sigstoreSigned', keyPath: publicKeyFile, signedIdentity: { type: 'matchRepository' } }] } },
  };
  const { result } = await skopeoCopy(registry, reference, work, policy);
  const found = /Found a sigstore attachment manifest with (\d+) layers/.exec(result.stderr);
  return { code: result.code, layersFound: found ? Number(found[1]) : undefined, stderr: result.stderr };
}
