// Evidence archives: take chosen repositories' complete verified trust data from their server into one
// file the user saves, and verify such a file offline (no server, no network).
import type { EvidenceExport } from '../../../shared/schemas/evidence';
import type { DomainHandlers } from '../router';
import type { Services } from '../services';
import { serverById } from './repositories';

function archiveName(server: { id: string }, when: Date): string {
  return `evidence-${server.id}-${when.toISOString().slice(0, 10)}.tar`;
}

export function evidenceHandlers(services: Services): DomainHandlers<'evidence'> {
  return {
    'evidence.export': async ({ serverId, guns }, { signal, progress }): Promise<EvidenceExport> => {
      const server = serverById(services.settings.read(), serverId);
      const archive = await services.evidence.create({ server, guns: [...new Set(guns)] }, { signal, progress });
      signal.throwIfAborted();
      const file = await services.files.save({ suggestedName: archiveName(server, new Date()), bytes: archive.bytes, kind: 'tar' }, { signal });
      return { sha256: archive.sha256, repositories: archive.repositories, file };
    },
    'evidence.verify': ({ archive, sha256 }) => services.evidence.verify(Buffer.from(archive, 'base64'), sha256),
  };
}
