// Every CLI command, in the order `countersign --help` lists them. Adding a command is one line here.
import type { Command } from '../command';
import { archiveCommands } from './archive';
import { auditCommand } from './audit';
import { inspectCommand } from './inspect';
import { keyCommands } from './key';
import { loginCommands } from './login';
import { publishCommands } from './publish';
import { signerCommands } from './signer';
import { delegationCommands } from './delegation';
import { witnessCommand } from './witness';
import { rotateCommand } from './rotate';
import { migrateCommand } from './migrate';

export const COMMANDS: readonly Command[] = [inspectCommand, ...loginCommands, ...keyCommands, ...publishCommands, ...signerCommands, ...delegationCommands, witnessCommand, rotateCommand, auditCommand, migrateCommand, ...archiveCommands];
