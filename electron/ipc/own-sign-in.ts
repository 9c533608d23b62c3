// Where a saved password may go: only to the address it was saved for.

/**
 * A connection check's request with the saved entry's sign-in only when it names that entry's own
 * address (origin) and user name: a form edited to another address (a typo, or a renderer that is
 * not ours) must not take the saved password there. Otherwise it is checked without one.
 */
export function withOwnSignIn<T extends { id?: string | undefined; url: string; username?: string | undefined }>(request: T, saved: readonly { id: string; url: string; username?: string | undefined }[]): T {
  if (request.id === undefined) return request;
  const entry = saved.find((candidate) => candidate.id === request.id);
  const sameOrigin = entry !== undefined && URL.canParse(entry.url) && URL.canParse(request.url) && new URL(entry.url).origin === new URL(request.url).origin;
  if (sameOrigin && entry.username === request.username) return request;
  const { id: _notTheSavedOne, ...unsaved } = request;
  return unsaved as T;
}
