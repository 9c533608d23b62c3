// Defaults the command line's help prints, in a module of their own so that --help loads nothing else.

/** Images signed at once: registries take a few concurrent uploads well, not dozens. */
export const DEFAULT_MIGRATION_CONCURRENCY = 4;
