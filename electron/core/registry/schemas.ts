// Shapes of the registry's JSON answers. Anything else is refused before it reaches the audit.
import { z } from 'zod';
import { TAG_PATTERN } from '../../../shared/names';

// Distribution's grammar for repository names: lowercase path components joined by "/".
const REPOSITORY_NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

export const repositoryNameSchema = z.string().max(255).regex(REPOSITORY_NAME);
export const tagSchema = z.string().regex(TAG_PATTERN);

export const catalogPageSchema = z.object({
  repositories: z.array(repositoryNameSchema).nullable().optional(),
});

export const tagsPageSchema = z.object({
  name: z.string(),
  tags: z.array(tagSchema).nullable().optional(),
});

/** Just enough of any manifest or index to know what it is; the rest is kept as sent. */
export const manifestSchema = z.looseObject({
  schemaVersion: z.number().int(),
  mediaType: z.string().optional(),
});

export const errorBodySchema = z.object({
  errors: z.array(z.looseObject({ code: z.string(), message: z.string().optional() })),
});
