// A job refused for some repositories because changes were staged there earlier: once the user says
// what to do with them, the job runs again for those repositories only (a second run over the others
// would repeat what they already did), and its outcomes take the place of the refusals.
import type { FlowSummary, RepositoryOutcome, RepositoryRef } from './schemas/flows';

const key = (ref: RepositoryRef): string => `${ref.serverId} ${ref.gun}`;

/** The repositories whose outcome is the refusal "changes were staged here earlier". */
export function waitingForEarlierStaged(summary: FlowSummary): RepositoryRef[] {
  return summary.outcomes.filter((outcome) => outcome.error?.code === 'staged-changes-pending').map(({ gun, serverId }) => ({ gun, serverId }));
}

/** `first`, with the outcomes of the repositories `retried` ran again replaced by its own. */
export function withRetried<S extends FlowSummary>(first: FlowSummary, retried: S): S {
  const again = new Map<string, RepositoryOutcome>(retried.outcomes.map((outcome) => [key(outcome), outcome]));
  return { ...retried, outcomes: first.outcomes.map((outcome) => again.get(key(outcome)) ?? outcome) };
}
