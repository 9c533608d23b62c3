// Signing a tag from the app: by a digest the user gives, or by the digest the registry serves. The
// digest guard: when a registry is named, it must serve exactly the digest (and size) being signed
// right before the signature is staged — a tag re-pushed since the user looked is refused, not signed
// (confirmation-required: the user confirmed one digest and must look at the new one).
import { CountersignError } from '../../../shared/errors';
import type { FlowSummary, RegistryDigest, RegistrySource, RepositoryRef } from '../../../shared/schemas/flows';
import { publishStaged } from '../../core/publish/publish';
import { stageSignature } from '../../core/publish/stage';
import { registryFor, repositoryContext, type WriteEnvironment } from './environment';
import { publishEach, type FlowContext } from './run';

export interface SignRequest extends RepositoryRef {
  tag: string;
  digest: string;
  size: number;
  roles: string[];
  guard?: RegistrySource | undefined;
}

export function signFlows(env: WriteEnvironment) {
  async function readDigest(ref: RepositoryRef, tag: string, source: RegistrySource, signal: AbortSignal): Promise<RegistryDigest> {
    const { client, repository, configured, close } = registryFor(env, ref, source);
    try {
      const found = await client.manifestDescriptor(repository, tag, { signal });
      if (found === undefined) throw new CountersignError('not-found', `${client.origin.host}/${repository} has no tag ${tag}`);
      return { registry: client.origin.origin, repository, tag, ...found, ...(configured === undefined ? {} : { registryName: configured.name }) };
    } finally {
      close();
    }
  }

  /** The digest guard. */
  async function checkRegistryServes(request: SignRequest, source: RegistrySource, signal: AbortSignal): Promise<string> {
    const served = await readDigest(request, request.tag, source, signal);
    if (served.digest !== request.digest) {
      // The user confirmed one digest; the registry now serves another: they must look again.
      throw new CountersignError(
        'confirmation-required',
        `${served.registry} now serves ${served.digest} for ${request.tag}, not ${request.digest}: the tag was pushed again since its digest was read. Nothing was signed; read the digest again and check it.`,
      );
    }
    if (served.size !== request.size) {
      throw new CountersignError('confirmation-required', `${served.registry} serves a ${served.size}-byte manifest for ${request.tag}, not ${request.size} bytes. Nothing was signed.`);
    }
    return `the registry ${served.registry} serves ${served.digest} for ${request.tag}: checked right before signing`;
  }

  return {
    readDigest,
    tag(request: SignRequest, context: FlowContext): Promise<FlowSummary> {
      return publishEach(env, [request], context, async (ref, step) => {
        const repository = repositoryContext(env, ref, context.signal);
        const notes: string[] = [];
        if (request.guard !== undefined) {
          step('checking the digest at the registry');
          notes.push(await checkRegistryServes(request, request.guard, context.signal));
        }
        step('signing');
        const meta = { length: request.size, hashes: { sha256: Buffer.from(request.digest.slice('sha256:'.length), 'hex').toString('base64') } };
        await stageSignature(repository, request.tag, meta, request.roles);
        step('publishing');
        return { result: await publishStaged(repository), notes };
      });
    },
  };
}
