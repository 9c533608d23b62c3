// Settings kept in a key-value store: electron-store in the app, `conf` (its engine) in the test host
// and CLI. Only the 'settings' entry is ours; other parts of the app keep their own entries in the
// same file. What is read back is validated, and nothing invalid is ever written.
import { CountersignError } from '../../shared/errors';
import { DEFAULT_SETTINGS, settingsSchema, type Settings } from '../../shared/schemas/settings';

/** The part of electron-store's and conf's API we use. */
export interface KeyValueBackend {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

const KEY = 'settings';

export class SettingsStore {
  constructor(private readonly backend: KeyValueBackend) {}

  read(): Settings {
    const raw = this.backend.get(KEY);
    if (raw === undefined) return structuredClone(DEFAULT_SETTINGS);
    const parsed = settingsSchema.safeParse(raw);
    if (!parsed.success) {
      throw new CountersignError('config-invalid', `The settings file is not valid: ${parsed.error.issues[0]?.message ?? 'unknown problem'}`);
    }
    return parsed.data;
  }

  /** Applies `change` to the current settings and saves the result if it is valid. */
  update(change: (current: Settings) => Settings): Settings {
    const next = settingsSchema.safeParse(change(this.read()));
    if (!next.success) {
      throw new CountersignError('invalid-input', next.error.issues[0]?.message ?? 'invalid settings');
    }
    this.backend.set(KEY, next.data);
    return next.data;
  }
}

/** A backend that lives only in memory: unit tests, and a test host that must not touch disk. */
export function memoryBackend(): KeyValueBackend {
  const values = new Map<string, unknown>();
  return {
    get: (key) => structuredClone(values.get(key)),
    set: (key, value) => void values.set(key, structuredClone(value)),
  };
}
