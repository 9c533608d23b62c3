// Every CLI command, in the order `countersign --help` lists them. Adding a command is one line here.
import type { Command } from '../command';
import { archiveCommands } from './archive';
import { auditCommand } from './audit';
import { inspectCommand } from './inspect';
import { keyCommands } from './key';
import { publishCommands } from './publish';

export const COMMANDS: readonly Command[] = [inspectCommand, ...keyCommands, ...publishCommands, auditCommand, ...archiveCommands];
