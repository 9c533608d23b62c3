import type { RoleView } from '../../../../shared/domain';
import { explainError } from '../../../../shared/schemas/plain-words';
import { Expiry, KeyId } from '../../components/common';

const TOP_LEVEL = ['root', 'targets', 'snapshot', 'timestamp'];

/** Top-level roles in TUF order, then delegations by name. */
export function sortRoles(roles: readonly RoleView[]): RoleView[] {
  const rank = (r: RoleView) => (TOP_LEVEL.includes(r.name) ? TOP_LEVEL.indexOf(r.name) : TOP_LEVEL.length);
  return [...roles].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

export function RolesTable(props: { roles: readonly RoleView[] }) {
  return (
    <table className="table">
      <thead>
        <tr>
          <th>Role</th>
          <th>Status</th>
          <th>Version</th>
          <th>Expiry</th>
          <th>Threshold</th>
          <th>Keys</th>
        </tr>
      </thead>
      <tbody>
        {sortRoles(props.roles).map((role) => (
          <tr key={role.name} className={role.status === 'failed' ? 'row-failed' : undefined}>
            <td>
              <span className="strong">{role.name}</span>
              {role.serverManaged ? <span className="pill pill-server">server-held key</span> : null}
              {role.paths !== undefined && role.paths.length > 0 && !(role.paths.length === 1 && role.paths[0] === '') ? (
                <div className="muted small">paths: {role.paths.join(', ')}</div>
              ) : null}
            </td>
            <td>
              {role.status === 'verified' ? (
                <span className="badge badge-verified">Verified</span>
              ) : (
                <span className="badge badge-failed" title={role.error?.message}>
                  Failed{role.error === undefined ? '' : `: ${explainError(role.error).summary}`}
                </span>
              )}
            </td>
            <td>{role.version ?? '—'}</td>
            <td>
              <Expiry expires={role.expires} renewedByServer={role.serverManaged} />
            </td>
            <td>{role.threshold ?? '—'}</td>
            <td>
              <span className="chips">{role.keyIds?.map((id) => <KeyId key={id} id={id} />)}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
