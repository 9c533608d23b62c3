// `docker trust inspect` output from a verified RepositoryView: the same schema and content, field
// for field, so scripts written for docker keep working. Extra fields are added after docker's.
import type { RepositoryView } from '../../../shared/domain';

export interface DockerTrustKey {
  ID: string;
}
export interface DockerTrustSigner {
  Name: string;
  /** Absent when there are none: docker's struct tags it `json:",omitempty"`. */
  Keys?: DockerTrustKey[];
}
export interface DockerTrustInspect {
  Name: string;
  SignedTags: { SignedTag: string; Digest: string; Signers: string[] }[];
  Signers: DockerTrustSigner[];
  AdministrativeKeys: DockerTrustSigner[];
}

/** Countersign's additions, under one key so docker's fields stay exactly docker's. */
export interface CountersignExtras {
  Countersign: {
    Server: string;
    VerifiedAt: string;
    Source: RepositoryView['source'];
    Stale?: RepositoryView['stale'];
    Roles: { Name: string; Status: string; Version?: number; Expires?: string; Error?: string }[];
    Warnings: string[];
  };
}

export function toDockerInspect(name: string, view: RepositoryView, tag?: string): DockerTrustInspect {
  const rows = tag === undefined ? view.signedTags : view.signedTags.filter((row) => row.tag === tag);
  return {
    Name: name,
    SignedTags: rows.map((row) => ({ SignedTag: row.tag, Digest: row.digest, Signers: [...row.signers] })),
    Signers: view.signers.map((signer) => signerEntry(signer.name, signer.keyIds)),
    AdministrativeKeys: [signerEntry('Root', view.administrativeKeys.root), signerEntry('Repository', view.administrativeKeys.repository)],
  };
}

/** A signer as docker marshals it: a delegation left without keys prints no "Keys" at all, not []. */
function signerEntry(name: string, keyIds: readonly string[]): DockerTrustSigner {
  return keyIds.length === 0 ? { Name: name } : { Name: name, Keys: keyIds.map((ID) => ({ ID })) };
}

export function countersignExtras(view: RepositoryView): CountersignExtras {
  const extras: CountersignExtras['Countersign'] = {
    Server: view.server,
    VerifiedAt: view.verifiedAt,
    Source: view.source,
    Roles: view.roles.map((role) => {
      const out: CountersignExtras['Countersign']['Roles'][number] = { Name: role.name, Status: role.status };
      if (role.version !== undefined) out.Version = role.version;
      if (role.expires !== undefined) out.Expires = role.expires;
      if (role.error) out.Error = `${role.error.code}: ${role.error.message}`;
      return out;
    }),
    Warnings: view.warnings.map((w) => `${w.role ?? ''}: ${w.code}: ${w.message}`),
  };
  if (view.stale) extras.Stale = view.stale;
  return { Countersign: extras };
}

/** docker prints inspect results as a JSON array indented by four spaces. */
export function formatDockerJson(items: readonly object[]): string {
  return `${JSON.stringify(items, null, 4)}\n`;
}
