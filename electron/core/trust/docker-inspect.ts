// `docker trust inspect` output from a verified RepositoryView: the same schema and content, field
// for field, so scripts written for docker keep working. Extra fields are added after docker's.
import { randomBytes } from 'node:crypto';
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

/**
 * JSON text printed as is where a value goes: docker's SignedTags rendered once (renderSignedTags)
 * and kept in the view cache, instead of 10,000 rows rendered again on every run.
 */
export class PrintedJson {
  constructor(readonly text: string) {}
}

/**
 * `toDockerInspect`'s item, with its SignedTags as `printed` when given (the whole list: only when
 * no tag is asked for) instead of rendered from the view's rows.
 */
export function toDockerInspect(name: string, view: RepositoryView, tag?: string, printed?: string): Omit<DockerTrustInspect, 'SignedTags'> & { SignedTags: DockerTrustInspect['SignedTags'] | PrintedJson } {
  return {
    Name: name,
    SignedTags: printed !== undefined && tag === undefined ? new PrintedJson(printed) : dockerSignedTags(view, tag),
    Signers: view.signers.map((signer) => signerEntry(signer.name, signer.keyIds)),
    AdministrativeKeys: [signerEntry('Root', view.administrativeKeys.root), signerEntry('Repository', view.administrativeKeys.repository)],
  };
}

function dockerSignedTags(view: RepositoryView, tag?: string): DockerTrustInspect['SignedTags'] {
  const rows = tag === undefined ? view.signedTags : view.signedTags.filter((row) => row.tag === tag);
  return rows.map((row) => ({ SignedTag: row.tag, Digest: row.digest, Signers: [...row.signers] }));
}

/**
 * Every SignedTag of the view as formatDockerJson prints it, for PrintedJson: rendered where
 * formatDockerJson puts it (array, item, member), so that JSON.stringify itself indents it, and cut
 * out of that.
 */
export function renderSignedTags(view: RepositoryView): string {
  const text = JSON.stringify([{ SignedTags: dockerSignedTags(view) }], null, 4);
  return text.slice(SIGNED_TAGS_PREFIX.length, text.length - SIGNED_TAGS_SUFFIX.length);
}
const SIGNED_TAGS_PREFIX = '[\n    {\n        "SignedTags": ';
const SIGNED_TAGS_SUFFIX = '\n    }\n]';

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

/**
 * docker prints inspect results as a JSON array indented by four spaces. A PrintedJson member is
 * printed as its text: a placeholder string stands in for it, then the text replaces the
 * placeholder's JSON.
 */
export function formatDockerJson(items: readonly object[]): string {
  if (!items.some((item) => Object.values(item).some((value) => value instanceof PrintedJson))) return `${JSON.stringify(items, null, 4)}\n`;
  // Unguessable, so that no value of the items (an error text a server sent, say) can be taken for one.
  const nonce = randomBytes(12).toString('hex');
  const printed: string[] = [];
  const placeholders = items.map((item) =>
    Object.fromEntries(Object.entries(item).map(([key, value]) => [key, value instanceof PrintedJson ? `\u0000${nonce} ${printed.push(value.text) - 1}` : value])),
  );
  let text = JSON.stringify(placeholders, null, 4);
  for (const [index, json] of printed.entries()) text = text.replace(JSON.stringify(`\u0000${nonce} ${index}`), () => json);
  return `${text}\n`;
}
