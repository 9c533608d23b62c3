import type { UiPrefs } from '../../../../shared/schemas/settings';
import { PageHeader, Section } from '../../components/common';
import { useAppStore } from '../../store';

export function SettingsScreen() {
  const ui = useAppStore((s) => s.settings.value?.ui);
  const info = useAppStore((s) => s.info.value);
  const setUi = useAppStore((s) => s.setUi);
  if (ui === undefined) return null;
  const update = (prefs: Partial<UiPrefs>) => void setUi(prefs);
  return (
    <div className="screen">
      <PageHeader title="Settings" />
      <Section title="Appearance">
        <div className="form narrow">
          <label className="field">
            <span>Theme</span>
            <select className="input" value={ui.theme} onChange={(e) => update({ theme: e.target.value as UiPrefs['theme'] })}>
              <option value="system">Follow the system</option>
              <option value="light">Light</option>
              <option value="dark">Dark</option>
            </select>
          </label>
          <label className="field">
            <span>Density</span>
            <select className="input" value={ui.density} onChange={(e) => update({ density: e.target.value as UiPrefs['density'] })}>
              <option value="comfortable">Comfortable</option>
              <option value="compact">Compact</option>
            </select>
          </label>
        </div>
      </Section>
      <Section title="Expiry warnings" hint="Roles and certificates expiring within this many days are shown in amber.">
        <div className="form narrow">
          <label className="field">
            <span>Warn this many days ahead</span>
            <input
              className="input"
              type="number"
              min={1}
              max={365}
              value={ui.expiryWarningDays}
              onChange={(e) => {
                const days = Number(e.target.value);
                if (Number.isInteger(days) && days >= 1 && days <= 365) update({ expiryWarningDays: days });
              }}
            />
          </label>
        </div>
      </Section>
      {info === undefined ? null : (
        <Section title="About">
          <dl className="facts">
            <dt>Version</dt>
            <dd>{info.version}</dd>
            <dt>Data folder</dt>
            <dd>
              <code>{info.homeDir}</code>
            </dd>
            <dt>Platform</dt>
            <dd>
              {info.platform} ({info.runtime})
            </dd>
          </dl>
        </Section>
      )}
    </div>
  );
}
