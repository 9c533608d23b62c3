// The repository screen's registry states per signed tag, and the check's summary: a mismatch says
// both digests, and a registry not checked, unreachable or not serving a tag is never a match.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SignedTagView } from '../../../shared/domain';
import { registryStateCounts, servesOtherDigest, tagRegistryState, type ServedDigests } from '../../../shared/registry-digests';
import { registryRows, registrySummary } from '../../../renderer/src/features/repository/RegistryCheck';

const SIGNED = 'a'.repeat(64);
const OTHER = `sha256:${'b'.repeat(64)}`;

function found(served: Record<string, string | null>, extra: Partial<ServedDigests> = {}): ServedDigests {
  return { registry: 'https://registry.example.com', repository: 'team/app', checkedAt: '2026-12-07T03:00:00Z', served, ...extra };
}

function tag(name: string, digest = SIGNED): SignedTagView {
  return { tag: name, digest, size: 1234, roles: ['targets/releases'], signers: ['alice'] } as SignedTagView;
}

describe('tagRegistryState', () => {
  it('is a mismatch naming both digests when the registry serves another one than signed', () => {
    assert.deepEqual(tagRegistryState('v1', SIGNED, found({ v1: OTHER })), { state: 'mismatch', registryDigest: OTHER, signedDigest: `sha256:${SIGNED}` });
  });

  it('is a match only when the registry serves exactly the signed digest', () => {
    assert.deepEqual(tagRegistryState('v1', SIGNED, found({ v1: `sha256:${SIGNED}` })), { state: 'match', digest: `sha256:${SIGNED}` });
  });

  it('is "not checked" before any check, and for a tag the check did not ask about', () => {
    assert.deepEqual(tagRegistryState('v1', SIGNED, undefined), { state: 'not-checked' });
    assert.deepEqual(tagRegistryState('v9', SIGNED, found({ v1: `sha256:${SIGNED}` })), { state: 'not-checked' });
  });

  it('is "unreachable" for every tag when the registry could not be read, whatever it served before', () => {
    const error = { code: 'server-unreachable' as const, message: 'cannot reach registry.example.com' };
    assert.deepEqual(tagRegistryState('v1', SIGNED, found({ v1: `sha256:${SIGNED}` }, { error })), { state: 'unreachable', error });
  });

  it('is "absent" when the registry serves no such tag', () => {
    assert.deepEqual(tagRegistryState('v1', SIGNED, found({ v1: null })), { state: 'absent' });
  });

  it('does not take a tag named like an Object property as checked', () => {
    assert.deepEqual(tagRegistryState('constructor', SIGNED, found({})), { state: 'not-checked' });
  });

  it('uses the audit\'s comparison (digest-mismatch when the digests differ at all)', () => {
    assert.equal(servesOtherDigest(OTHER, `sha256:${SIGNED}`), true);
    assert.equal(servesOtherDigest(`sha256:${SIGNED}`, `sha256:${SIGNED}`), false);
  });
});

describe('registrySummary', () => {
  it('says "not checked" before a check, in no colour of success', () => {
    const summary = registrySummary(undefined, registryRows([tag('v1')], undefined));
    assert.equal(summary.tone, 'none');
    assert.match(summary.text, /^Registry not checked/);
  });

  it('says "unreachable" and that this says nothing about signatures', () => {
    const result = found({}, { error: { code: 'timeout', message: 'no answer' } });
    const summary = registrySummary(result, registryRows([tag('v1')], result));
    assert.equal(summary.tone, 'warn');
    assert.match(summary.text, /^Registry unreachable: https:\/\/registry\.example\.com could not be read, so no tag was checked/);
  });

  it('counts differences first and is red when any tag is served with another digest', () => {
    const result = found({ v1: `sha256:${SIGNED}`, v2: OTHER, v3: null });
    const rows = registryRows([tag('v1'), tag('v2'), tag('v3')], result);
    assert.deepEqual(registryStateCounts(rows.map((r) => r.registry)), { 'not-checked': 0, unreachable: 0, absent: 1, mismatch: 1, match: 1 });
    const summary = registrySummary(result, rows);
    assert.equal(summary.tone, 'bad');
    assert.match(summary.text, /1 tag served with another digest than signed, 1 not served, 1 matches\.$/);
  });

  it('is green only when every tag matches', () => {
    const result = found({ v1: `sha256:${SIGNED}` });
    assert.equal(registrySummary(result, registryRows([tag('v1')], result)).tone, 'ok');
  });
});
