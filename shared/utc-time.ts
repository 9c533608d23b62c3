// Calendar fields as Go's time parser reads them: a time that does not exist (a 13th month, 30
// February, 24:00, second 60) is refused there, where Date.UTC rolls it over into the next month,
// day or minute. notary reads certificate validity and metadata expiry with Go, so both are read here.

/** The instant these UTC fields name (month 1-12), or undefined when no such time exists. */
export function existingUtcTime(year: number, month: number, day: number, hour: number, minute: number, second: number): Date | undefined {
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const exists =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  return exists ? date : undefined;
}
