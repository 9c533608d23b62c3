// `countersign archive` and `countersign verify-archive`: keep proof of what was signed after a notary
// server is gone (Docker Hub's shuts down on 2026-12-08), and check that proof with no server at all.
import { readFile, stat } from 'node:fs/promises';
import type { ArchiveCheck, ArchiveVerification } from '../../../shared/audit';
import { CountersignError } from '../../../shared/errors';
import { ARCHIVE_LIMITS, createEvidenceArchive, verifyEvidenceArchive, type CosignSource, type CreatedArchive } from '../../core/archive';
import { writeFileAtomic } from '../../core/state/atomic-file';
import { readCosignPublicKey } from '../../core/migrate';
import { stringOption, type ParsedArgs } from '../args';
import type { Command } from '../command';
import { archiveSpec, verifyArchiveSpec } from './specs';
import { gunOf, readTextFile, type CliContext } from '../context';

export const archiveCommand: Command = {
  ...archiveSpec,
  async run(context, args) {
    const out = stringOption(args, 'out');
    if (out === undefined) throw new CountersignError('invalid-input', 'archive needs --out FILE');
    if (args.positionals.length === 0) throw new CountersignError('invalid-input', 'archive needs at least one repository');
    const cosign = cosignSourceOf(context, args);
    const repositories = args.positionals.map((input) => {
      const { gun, tag } = gunOf(input);
      if (tag !== undefined) throw new CountersignError('invalid-input', `archive takes whole repositories, not a tag: ${input}`);
      return { gun, notary: context.notary(context.serverFor(gun)), ...(cosign ? { cosign: cosign(gun) } : {}) };
    });
    const archive = await createEvidenceArchive({ home: context.home, repositories });
    await writeFileAtomic(out, archive.bytes, 0o644);
    context.out.write(context.json ? `${JSON.stringify({ file: out, sha256: archive.sha256, repositories: archive.repositories }, null, 2)}\n` : createdText(out, archive));
    return 0;
  },
};

/** With --cosign-key: where each repository's cosign signatures are (the GUN's path in --registry). */
function cosignSourceOf(context: CliContext, args: ParsedArgs): ((gun: string) => CosignSource) | undefined {
  const keyFile = stringOption(args, 'cosign-key');
  const registryUrl = stringOption(args, 'registry');
  if (keyFile === undefined) {
    if (registryUrl !== undefined) throw new CountersignError('invalid-input', 'archive --registry is only for --cosign-key');
    return undefined;
  }
  if (registryUrl === undefined) throw new CountersignError('invalid-input', 'archive --cosign-key needs --registry URL');
  const publicKeyPem = readTextFile(keyFile, 'the cosign public key');
  const key = readCosignPublicKey(publicKeyPem, keyFile);
  const registry = context.registry(registryUrl, stringOption(args, 'registry-ca'));
  return (gun) => ({ registry, repository: gun.slice(gun.indexOf('/') + 1), key, publicKeyPem });
}

function createdText(out: string, archive: CreatedArchive): string {
  const lines = archive.repositories.map((repository) => {
    const failed = repository.failedRoles.length > 0 ? `, ${repository.failedRoles.length} failed delegation(s) kept as evidence` : '';
    const cosign = repository.cosignSignatures === undefined ? '' : `, ${repository.cosignSignatures} cosign signature(s)`;
    return `  ${repository.gun}: ${repository.rootVersions} root version(s), ${repository.roles.length} role(s), ${repository.signedTags} signed tag(s)${cosign}${failed}\n`;
  });
  return [
    `Archived ${archive.repositories.length} repositories to ${out}\n`,
    ...lines,
    `Keep this hash somewhere else; \`countersign verify-archive ${out} --sha256 HASH\` checks it:\n`,
    `${archive.sha256}  ${out}\n`,
  ].join('');
}

export const verifyArchiveCommand: Command = {
  ...verifyArchiveSpec,
  async run(context, args) {
    const [file, ...extra] = args.positionals;
    if (file === undefined || extra.length > 0) throw new CountersignError('invalid-input', 'verify-archive needs exactly one FILE');
    const expected = stringOption(args, 'sha256');
    const result = await verifyEvidenceArchive(await readArchive(file), expected === undefined ? {} : { expectedSha256: expected });
    context.out.write(context.json ? `${JSON.stringify(result, null, 2)}\n` : verificationText(file, result));
    if (!result.ok) context.err.write(`countersign: ${file} does not verify: ${firstFailure(result)}\n`);
    return result.ok ? 0 : 1;
  },
};

async function readArchive(file: string): Promise<Buffer> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (error) {
    throw new CountersignError('not-found', `cannot read ${file}: ${(error as Error).message}`);
  }
  if (size > ARCHIVE_LIMITS.maxArchiveBytes) throw new CountersignError('metadata-too-large', `${file} is over ${ARCHIVE_LIMITS.maxArchiveBytes} bytes`);
  return readFile(file);
}

function checkLine(check: ArchiveCheck): string {
  return `  ${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}\n`;
}

function verificationText(file: string, result: ArchiveVerification): string {
  const parts = [`${file}\n  sha256 ${result.archiveSha256}${result.createdAt ? `, made ${result.createdAt}` : ''}\n`, ...result.checks.map(checkLine)];
  for (const repository of result.repositories) {
    parts.push(`\n${repository.gun} (from ${repository.server}, verified as of ${repository.verifiedAt})\n`, ...repository.checks.map(checkLine));
  }
  parts.push(`\n${result.ok ? 'The archive verifies.' : 'The archive does NOT verify.'}\n`);
  return parts.join('');
}

function firstFailure(result: ArchiveVerification): string {
  const global = result.checks.find((check) => !check.ok);
  if (global) return `${global.name}: ${global.detail}`;
  for (const repository of result.repositories) {
    const check = repository.checks.find((c) => !c.ok);
    if (check) return `${repository.gun}: ${check.name}: ${check.detail}`;
  }
  return 'no repository in it';
}

export const archiveCommands: readonly Command[] = [archiveCommand, verifyArchiveCommand];
