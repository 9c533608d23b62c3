// Signing a tag: by a digest the user gives, or by the digest the registry serves. With a registry
// named (the digest guard), it must serve exactly the digest and size being signed right before the
// signature is staged: a tag re-pushed since the user looked is refused, not signed.
import type { FlowSummary, RegistrySource, RepositoryRef } from '../../../shared/schemas/flows';
import type { TargetMeta } from '../publish/changes';
import { confirmRegistryServes, registryTarget } from '../publish/digest-guard';
import { stageSignature } from '../publish/stage';
import type { ServedDigestsProgress } from '../../../shared/registry-digests';
import { readRegistryDigest, readServedDigests, repositoryContext, type JobContext, type JobEnvironment } from './environment';
import { finishOwn, openForWrite, type EarlierStaged } from './open';
import { publishEach, type FlowContext } from './run';

export interface SignRequest extends RepositoryRef {
  tag: string;
  /** "sha256:<hex>" with its size; undefined: read from the registry (`guard` then names it). */
  target?: { digest: string; size: number } | undefined;
  roles: readonly string[];
  /** The registry to check (or read) the digest at. */
  guard?: RegistrySource | undefined;
  earlierStaged: EarlierStaged;
  /** Stage only; publish later (countersign publish). */
  stageOnly?: boolean;
}

export function signJobs(env: JobEnvironment) {
  return {
    readDigest: (ref: RepositoryRef, tag: string, source: RegistrySource, signal: AbortSignal) => readRegistryDigest(env, ref, tag, source, signal),
    /** What the registry serves for signed tags, so a re-pushed tag shows before anyone signs or pulls. */
    servedDigests: (ref: RepositoryRef, tags: readonly string[], context: JobContext<ServedDigestsProgress>) => readServedDigests(env, ref, tags, context),

    tag(request: SignRequest, context: FlowContext): Promise<FlowSummary> {
      return publishEach(env, [request], context, async (ref, step) => {
        const repository = repositoryContext(env, ref, context.signal);
        const notes: string[] = [];
        let meta: TargetMeta | undefined = request.target === undefined ? undefined : targetMeta(request.target);
        if (request.guard !== undefined || meta === undefined) {
          step('checking the digest at the registry');
          const access = env.registry(ref, request.guard ?? {});
          try {
            if (meta === undefined) meta = await registryTarget(access, request.tag, context.signal);
            else notes.push(await confirmRegistryServes(access, request.tag, meta, context.signal));
          } finally {
            access.close();
          }
        }
        step('reading the repository');
        await openForWrite(repository, request.earlierStaged);
        step('signing');
        const own = await stageSignature(repository, request.tag, meta, request.roles);
        return { result: await finishOwn(repository, own, step, request.stageOnly), notes };
      });
    },
  };
}

export function targetMeta(target: { digest: string; size: number }): TargetMeta {
  return { length: target.size, hashes: { sha256: Buffer.from(target.digest.slice('sha256:'.length), 'hex').toString('base64') } };
}
