// A picture of who vouches for whom: root -> targets -> delegations (nested) -> keys, with snapshot
// and timestamp beside targets, server-held keys marked and every expiry coloured.
import type { KeyView, RepositoryView, RoleView } from '../../../../shared/domain';
import { Expiry, KeyId } from '../../components/common';

interface Node {
  role: RoleView;
  children: Node[];
}

/** Builds the delegation tree: "targets/a/b" hangs under "targets/a" when that role exists, else under targets. */
export function roleTree(roles: readonly RoleView[]): Node | undefined {
  const byName = new Map(roles.map((r) => [r.name, { role: r, children: [] as Node[] }]));
  const root = byName.get('root');
  if (root === undefined) return undefined;
  for (const name of ['targets', 'snapshot', 'timestamp']) {
    const node = byName.get(name);
    if (node !== undefined) root.children.push(node);
  }
  const delegations = roles.filter((r) => r.name.startsWith('targets/')).sort((a, b) => a.name.localeCompare(b.name));
  for (const role of delegations) {
    let parentName = role.name.slice(0, role.name.lastIndexOf('/'));
    while (parentName.includes('/') && !byName.has(parentName)) parentName = parentName.slice(0, parentName.lastIndexOf('/'));
    byName.get(parentName)?.children.push(byName.get(role.name)!);
  }
  return root;
}

function RoleBox(props: { node: Node; keys: ReadonlyMap<string, KeyView> }) {
  const { role } = props.node;
  const failed = role.status === 'failed';
  return (
    <li className="tree-item">
      <div className={failed ? 'tree-node failed' : 'tree-node'} data-role={role.name}>
        <div className="tree-node-head">
          <span className="strong">{role.name}</span>
          {role.version === undefined ? null : <span className="muted small">v{role.version}</span>}
          {role.threshold === undefined ? null : <span className="muted small">threshold {role.threshold}</span>}
          {failed ? <span className="badge badge-failed">failed</span> : null}
        </div>
        <div className="small">
          <Expiry expires={role.expires} renewedByServer={role.serverManaged} />
        </div>
        <div className="tree-keys">
          {(role.keyIds ?? []).map((id) => {
            const key = props.keys.get(id);
            return (
              <span key={id} className={role.serverManaged ? 'key-chip server' : 'key-chip'}>
                <KeyId id={id} />
                <span className="muted small">{key?.keytype ?? ''}</span>
                {role.serverManaged ? <span className="pill pill-server">server-held</span> : null}
                {key?.certificateExpires === undefined ? null : <Expiry expires={key.certificateExpires} prefix="cert" />}
              </span>
            );
          })}
        </div>
      </div>
      {props.node.children.length === 0 ? null : (
        <ul className="tree-children">
          {props.node.children.map((child) => (
            <RoleBox key={child.role.name} node={child} keys={props.keys} />
          ))}
        </ul>
      )}
    </li>
  );
}

export function KeyHierarchy(props: { view: RepositoryView }) {
  const tree = roleTree(props.view.roles);
  if (tree === undefined) return <p className="muted">No root role in this data.</p>;
  const keys = new Map(props.view.keys.map((k) => [k.id, k]));
  return (
    <ul className="tree" aria-label="Key hierarchy">
      <RoleBox node={tree} keys={keys} />
    </ul>
  );
}
