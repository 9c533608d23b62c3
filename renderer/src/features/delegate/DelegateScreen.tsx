import { useState } from 'react';
import type { RepositoryRef } from '../../../../shared/schemas/flows';
import { PageHeader } from '../../components/common';
import { AddCollaborator } from './AddCollaborator';
import { RemoveSigner, ReplaceSignerKey } from './ManageSigners';

const TABS = [
  { id: 'add', label: 'Add a collaborator' },
  { id: 'replace', label: "Replace a signer's key" },
  { id: 'remove', label: 'Remove a signer' },
] as const;

export function DelegateScreen(props: { preset?: RepositoryRef | undefined }) {
  const [tab, setTab] = useState<(typeof TABS)[number]['id']>('add');
  return (
    <div className="screen flow-screen">
      <PageHeader title="Delegate" subtitle="Let collaborators sign with their own keys, swap a signer's key safely, or remove a signer." />
      <div className="tabs" role="tablist">
        {TABS.map((t) => (
          <button key={t.id} type="button" role="tab" className="tab" aria-selected={tab === t.id} onClick={() => setTab(t.id)}>
            {t.label}
          </button>
        ))}
      </div>
      {tab === 'add' ? <AddCollaborator preset={props.preset} /> : tab === 'replace' ? <ReplaceSignerKey preset={props.preset} /> : <RemoveSigner preset={props.preset} />}
    </div>
  );
}
