// Freeze attacks: a server keeps serving validly signed metadata past its expiry, so that clients
// never learn about newer versions (a revoked key, a re-signed tag). Expired metadata is refused at
// the one `now` read per refresh.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { releasedRepository, verdictOf } from '../../helpers/tamper';
import { daysFrom, refreshSim } from '../../helpers/tuf-harness';

describe('freeze attack', () => {
  for (const role of ['root', 'timestamp', 'snapshot', 'targets', 'targets/releases'] as const) {
    it(`refuses an expired ${role}`, async () => {
      const sim = releasedRepository();
      sim.setExpires(role, daysFrom(sim.now, -1));
      if (role !== 'snapshot' && role !== 'timestamp') sim.editSigned(role, () => undefined);
      sim.publish();
      assert.deepEqual(await verdictOf(sim, role), { code: 'expired', role });
    });
  }

  for (const role of ['timestamp', 'targets', 'targets/releases'] as const) {
    it(`refuses ${role} whose expiry is not a real date (month 13), rather than never expiring it`, async () => {
      const sim = releasedRepository();
      sim.setExpires(role, '2030-13-01T00:00:00Z');
      if (role !== 'timestamp') sim.editSigned(role, () => undefined);
      sim.publish();
      assert.deepEqual(await verdictOf(sim, role), { code: 'metadata-malformed', role });
    });
  }

  it('refuses a timestamp that was fresh when cached but has expired since', async () => {
    const sim = releasedRepository();
    const { toStore } = await refreshSim(sim);
    // notary-server's timestamp lives 14 days; a server that stops renewing it freezes its clients.
    await assert.rejects(refreshSim(sim, { stored: toStore, now: daysFrom(sim.now, 15) }), { code: 'expired', role: 'timestamp' });
  });

  it('accepts a trusted root that has expired when a newer root supersedes it', async () => {
    const sim = releasedRepository();
    sim.setExpires('root', daysFrom(sim.now, 1)).publish();
    const { toStore } = await refreshSim(sim);
    sim.setExpires('root', daysFrom(sim.now, 3650));
    sim.rotateRoot();
    sim.publish();
    const result = await refreshSim(sim, { stored: toStore, now: daysFrom(sim.now, 2) });
    assert.equal(result.trusted.root.signed.version, 3);
  });

  it('refuses an expired trusted root that nothing supersedes', async () => {
    const sim = releasedRepository();
    sim.setExpires('root', daysFrom(sim.now, 1)).publish();
    const { toStore } = await refreshSim(sim);
    await assert.rejects(refreshSim(sim, { stored: toStore, now: daysFrom(sim.now, 2) }), { code: 'expired', role: 'root' });
  });
});
