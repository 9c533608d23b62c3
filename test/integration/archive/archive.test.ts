// The evidence archive on the real stack: made by `countersign archive` from a real notary-server
// (repositories made by the real notary and docker clients: a root rotated twice, a removed signer,
// nested delegations), then the server is STOPPED and `countersign verify-archive` checks the file
// with nothing but the file. Every way of tampering with it must fail, naming the check that caught it.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ArchiveCheckName, ArchiveVerification } from '../../../shared/audit';
import { MANIFEST_PATH, verifyEvidenceArchive } from '../../../electron/core/archive';
import {
  dockerSigners,
  makeTempDir,
  nestedDelegations,
  removeTempDir,
  rotatedRoot,
  runCommand,
  startNotaryServer,
  type DockerSignersFixture,
  type NotaryServer,
  type RepoFacts,
} from '../../stack';
import { countersign, type CliResult } from '../inspect/run-countersign';
import { editJson, editSigned, flipByte, openArchive, rewrite } from './support/rewrite-archive';

let notary: NotaryServer | undefined;
let dir: string;
let archiveFile: string;
let archive: Buffer;
let made: CliResult;
let refused: CliResult;
let rotated: RepoFacts;
let team: DockerSignersFixture;
let nested: RepoFacts;

before(async () => {
  notary = await startNotaryServer();
  dir = makeTempDir('archive-test');
  const ctx = { notary };
  const rotatedRepo = await rotatedRoot(ctx);
  await rotatedRepo.admin.rotate(rotatedRepo.gun, 'root');
  rotated = rotatedRepo;
  team = await dockerSigners(ctx, { signs: { alice: ['v1'], bob: ['v2'] } });
  const alice = team.signers['alice']!;
  const admin = team.admin.notary();
  await admin.delegationRemove(team.gun, 'targets/releases', { keyIds: [alice.keyId] });
  await admin.delegationRemove(team.gun, 'targets/alice', { keyIds: [alice.keyId] });
  nested = await nestedDelegations(ctx);

  const global = ['--server', notary.url, '--tls-ca', notary.caFile, '--home', join(dir, 'home')];
  archiveFile = join(dir, 'evidence.tar');
  made = await countersign(['archive', rotated.gun, team.gun, nested.gun, '--out', archiveFile, ...global]);
  refused = await countersign(['archive', nested.gun, 'localhost:5000/never/signed', '--out', join(dir, 'refused.tar'), ...global]);
  archive = await readFile(archiveFile);

  // From here on there is no server: everything below is offline.
  await notary.stop();
  notary = undefined;
  for (const fixture of [rotatedRepo, team, nested]) await fixture.dispose();
});

after(async () => {
  await notary?.stop();
  if (dir) await removeTempDir(dir);
});

function failedChecks(result: ArchiveVerification): ArchiveCheckName[] {
  return [...result.checks, ...result.repositories.flatMap((r) => r.checks)].filter((c) => !c.ok).map((c) => c.name);
}

async function assertRefused(bytes: Uint8Array, expected: ArchiveCheckName, role?: string): Promise<ArchiveVerification> {
  const result = await verifyEvidenceArchive(bytes);
  assert.equal(result.ok, false, 'a tampered archive must not verify');
  const failures = failedChecks(result);
  assert.ok(failures.includes(expected), `expected ${expected} to fail, failed: ${failures.join(', ')}`);
  if (role !== undefined) {
    const check = [...result.checks, ...result.repositories.flatMap((r) => r.checks)].find((c) => c.name === expected && !c.ok);
    assert.equal(check?.error?.role, role, check?.detail);
  }
  return result;
}

const repoDir = (index: number): string => `repositories/${index + 1}`;

describe('countersign archive', () => {
  it('writes one file and prints its sha256', () => {
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /Archived 3 repositories/);
    assert.ok(made.stdout.includes(`${createHash('sha256').update(archive).digest('hex')}  ${archiveFile}`));
  });

  it('holds every root version, each role\'s current file, and the tag -> digest -> signers map, each listed with its sha256', () => {
    const { files, manifest } = openArchive(archive);
    assert.deepEqual(manifest.repositories.map((r) => r.gun), [rotated.gun, team.gun, nested.gun]);
    const [rotatedEntry, teamEntry, nestedEntry] = manifest.repositories;
    assert.equal(rotatedEntry?.rootVersions, 3);
    for (const version of [1, 2, 3]) assert.ok(files.has(`${repoDir(0)}/root-history/${version}.root.json`));
    assert.deepEqual(nestedEntry?.roles, ['root', 'snapshot', 'targets', 'targets/team', 'targets/team/sub', 'timestamp']);
    for (const entry of manifest.repositories) {
      for (const file of entry.files) assert.equal(file.sha256, createHash('sha256').update(files.get(file.path)!).digest('hex'), file.path);
    }
    const tags = JSON.parse(Buffer.from(files.get(`${repoDir(1)}/tags.json`)!).toString()) as { signedTags: Record<string, Record<string, { signers: string[] }>> };
    assert.deepEqual(tags.signedTags['v2']?.[team.tags['v2']!.sha256]?.signers, ['bob']);
    assert.ok(teamEntry);
  });

  it('keeps a delegation that failed verification as evidence, recorded as failed', () => {
    const { files, manifest } = openArchive(archive);
    assert.deepEqual(manifest.repositories[1]?.failedRoles, [{ role: 'targets/alice', code: 'signature-threshold' }]);
    assert.ok(files.has(`${repoDir(1)}/metadata/targets/alice.json`));
  });

  it('opens with the standard tar tool', async () => {
    const listing = await runCommand('tar', ['-tf', archiveFile]);
    assert.equal(listing.code, 0, listing.stderr);
    assert.ok(listing.stdout.split('\n').includes(`${repoDir(1)}/metadata/targets/releases.json`));
    const manifest = await runCommand('tar', ['-xOf', archiveFile, MANIFEST_PATH]);
    assert.equal((JSON.parse(manifest.stdout) as { format: string }).format, 'countersign-evidence-archive');
  });

  it('writes nothing when one repository cannot be archived', () => {
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /repository-not-found/);
    assert.equal(existsSync(join(dir, 'refused.tar')), false);
  });
});

describe('countersign verify-archive, with the server stopped', () => {
  it('verifies every check of every repository', async () => {
    const result = await countersign(['verify-archive', archiveFile]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /The archive verifies\./);
    assert.doesNotMatch(result.stdout, /FAIL/);
    const json = JSON.parse((await countersign(['verify-archive', archiveFile, '--json'])).stdout) as ArchiveVerification;
    assert.equal(json.ok, true);
    for (const repository of json.repositories) {
      assert.deepEqual(repository.checks.map((c) => c.name), ['archive-format', 'file-hashes', 'root-chain', 'metadata', 'roles', 'tag-map']);
    }
    assert.equal(json.repositories[0]?.rootVersions, 3);
  });

  it('checks the sha256 recorded when it was made', async () => {
    const sha256 = createHash('sha256').update(archive).digest('hex');
    assert.equal((await countersign(['verify-archive', archiveFile, '--sha256', sha256])).code, 0);
    const wrong = await countersign(['verify-archive', archiveFile, '--sha256', 'ab'.repeat(32)]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /file-hashes: hash-mismatch/);
  });

  it('fails on a tampered file, naming the failed check', async () => {
    const tampered = join(dir, 'tampered.tar');
    await writeFile(tampered, rewrite(archive, false, (a) => a.files.set(`${repoDir(1)}/tags.json`, flipByte(a.files.get(`${repoDir(1)}/tags.json`)!))));
    const result = await countersign(['verify-archive', tampered]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /FAIL file-hashes/);
    assert.match(result.stderr, /does not verify: .*file-hashes/);
  });

  it('fails on a file that is not an archive', async () => {
    const junk = join(dir, 'junk.tar');
    await writeFile(junk, 'not a tar at all');
    const result = await countersign(['verify-archive', junk]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /FAIL archive-format/);
  });
});

describe('tampering, naively: a byte changed, the manifest left alone', () => {
  it('is caught in every file of the archive', async () => {
    const { files } = openArchive(archive);
    assert.ok(files.size > 20);
    for (const path of files.keys()) {
      const bytes = rewrite(archive, false, (a) => a.files.set(path, flipByte(a.files.get(path)!)));
      const result = await verifyEvidenceArchive(bytes);
      assert.equal(result.ok, false, `a changed byte in ${path} went unnoticed`);
      const failures = failedChecks(result);
      const expected: ArchiveCheckName[] = path.startsWith('countersign-archive') ? ['file-hashes', 'archive-format'] : ['file-hashes'];
      assert.ok(failures.some((name) => expected.includes(name)), `${path}: failed ${failures.join(', ')}`);
    }
  });

  it('is caught when a file is taken out', async () => {
    await assertRefused(rewrite(archive, false, (a) => a.files.delete(`${repoDir(1)}/metadata/targets/bob.json`)), 'file-hashes');
  });

  it('is caught when a file is slipped in, or bytes follow the end of the archive', async () => {
    await assertRefused(rewrite(archive, false, (a) => a.files.set(`${repoDir(0)}/metadata/targets/evil.json`, Buffer.from('{}'))), 'archive-format');
    await assertRefused(Buffer.concat([archive, Buffer.from('appended')]), 'archive-format');
  });
});

describe('tampering carefully: the manifest re-hashed to match', () => {
  it('is caught in every metadata file by the verifier itself', async () => {
    const { files } = openArchive(archive);
    for (const path of [...files.keys()].filter((p) => p.includes('/metadata/') || p.includes('/root-history/'))) {
      const bytes = rewrite(archive, true, (a) => a.files.set(path, flipByte(a.files.get(path)!)));
      const result = await verifyEvidenceArchive(bytes);
      assert.equal(result.ok, false, `a careful change of ${path} went unnoticed`);
      const failures = failedChecks(result);
      assert.ok(!failures.includes('file-hashes'), 'the hashes were made to match');
      assert.ok(failures.some((name) => ['root-chain', 'metadata', 'roles', 'tag-map'].includes(name)), `${path}: ${failures.join(', ')}`);
    }
  });

  it('is caught when a signed tag\'s digest is changed in targets/releases', async () => {
    const path = `${repoDir(1)}/metadata/targets/releases.json`;
    const bytes = rewrite(archive, true, (a) =>
      a.files.set(path, editSigned(a.files.get(path)!, (signed) => {
        const targets = signed['targets'] as Record<string, { hashes: { sha256: string } }>;
        targets['v2']!.hashes.sha256 = Buffer.alloc(32, 7).toString('base64');
      })),
    );
    await assertRefused(bytes, 'roles', 'targets/releases');
  });

  it('is caught when a delegation is removed from the archive', async () => {
    const bytes = rewrite(archive, true, (a) => {
      a.files.delete(`${repoDir(1)}/metadata/targets/bob.json`);
      const entry = a.manifest.repositories[1]!;
      entry.roles = entry.roles.filter((role) => role !== 'targets/bob');
    });
    const result = await assertRefused(bytes, 'roles', 'targets/bob');
    assert.ok(failedChecks(result).includes('tag-map'), 'bob\'s tag lost its signer');
  });

  it('is caught when a failed delegation and its record are removed together', async () => {
    const bytes = rewrite(archive, true, (a) => {
      a.files.delete(`${repoDir(1)}/metadata/targets/alice.json`);
      a.manifest.repositories[1]!.failedRoles = [];
    });
    await assertRefused(bytes, 'roles', 'targets/alice');
  });

  it('is caught when the record of a failure is changed', async () => {
    await assertRefused(rewrite(archive, true, (a) => (a.manifest.repositories[1]!.failedRoles = [{ role: 'targets/alice', code: 'expired' }])), 'roles');
  });

  it('is caught when the list of verified roles is changed', async () => {
    await assertRefused(rewrite(archive, true, (a) => a.manifest.repositories[2]!.roles.pop()), 'roles');
  });

  for (const [what, edit] of [
    ['attributes a tag to another signer', (tags: Record<string, unknown>) => {
      const signed = tags['signedTags'] as Record<string, Record<string, { signers: string[] }>>;
      for (const row of Object.values(signed['v2'] ?? {})) row.signers = ['alice'];
    }],
    ['adds a tag nothing signs', (tags: Record<string, unknown>) => {
      (tags['signedTags'] as Record<string, unknown>)['v9'] = { ['cd'.repeat(32)]: { size: 1, signers: ['bob'], roles: ['targets/releases'] } };
    }],
    ['drops a tag', (tags: Record<string, unknown>) => {
      delete (tags['signedTags'] as Record<string, unknown>)['v1'];
    }],
    ['gives a signer another key', (tags: Record<string, unknown>) => {
      (tags['signers'] as Record<string, string[]>)['bob'] = ['ef'.repeat(32)];
    }],
  ] as const) {
    it(`is caught when the tag map ${what}`, async () => {
      const path = `${repoDir(1)}/tags.json`;
      await assertRefused(rewrite(archive, true, (a) => a.files.set(path, editJson(a.files.get(path)!, edit))), 'tag-map');
    });
  }

  it('is caught when a root version is taken out of the chain', async () => {
    const bytes = rewrite(archive, true, (a) => {
      const dir0 = repoDir(0);
      a.files.set(`${dir0}/root-history/2.root.json`, a.files.get(`${dir0}/root-history/3.root.json`)!);
      a.files.delete(`${dir0}/root-history/3.root.json`);
      a.manifest.repositories[0]!.rootVersions = 2;
    });
    await assertRefused(bytes, 'root-chain', 'root');
  });

  it('is caught when the first root is swapped for another repository\'s', async () => {
    const bytes = rewrite(archive, true, (a) => a.files.set(`${repoDir(1)}/root-history/1.root.json`, a.files.get(`${repoDir(2)}/root-history/1.root.json`)!));
    await assertRefused(bytes, 'root-chain', 'root');
  });

  it('is caught when the repository is renamed', async () => {
    await assertRefused(rewrite(archive, true, (a) => (a.manifest.repositories[2]!.gun = `${nested.gun}-copy`)), 'root-chain', 'root');
  });

  it('is caught when the recorded time is moved past what the metadata allows', async () => {
    const later = new Date(Date.now() + 30 * 24 * 60 * 60 * 1000).toISOString();
    await assertRefused(rewrite(archive, true, (a) => (a.manifest.repositories[2]!.verifiedAt = later)), 'metadata', 'timestamp');
  });
});
