// Runs one vault operation in a fresh process, to show that keys outlive the process that made them,
// to run the vault against a keychain set up differently from the test's own, and to be killed
// (kill -9) in the middle of an operation.
//   node --import tsx vault-child.ts HOME sign KEYID DATA_BASE64   -> {"method","sig"}
//   node --import tsx vault-child.ts HOME generate ROLE [GUN]       -> the new record
//   node --import tsx vault-child.ts HOME import FILE...            -> the import report
//   node --import tsx vault-child.ts HOME remove KEYID              -> the remove report
//   node --import tsx vault-child.ts HOME offline KEYID FILE        -> the offline record
//   node --import tsx vault-child.ts HOME list                      -> {"keys","recovery"}
// Passphrases come from $COUNTERSIGN_PASSPHRASE.
import { openKeyVault, type RecoveryEvent } from '../../../../electron/core/keys/vault';
import { envPassphraseProvider } from '../../../../electron/core/keys/passphrase';
import { toErrorInfo } from '../../../../shared/errors';

const [home, operation, ...args] = process.argv.slice(2);
const recovery: RecoveryEvent[] = [];
const vault = openKeyVault({ homeDir: home!, passphrases: envPassphraseProvider(process.env), onRecovery: (events) => recovery.push(...events) });

async function run(): Promise<unknown> {
  switch (operation) {
    case 'sign':
      return (await vault.getSigner(args[0]!)).sign(Buffer.from(args[1]!, 'base64'));
    case 'generate':
      return vault.generate({ role: args[0]!, gun: args[1] });
    case 'import':
      return vault.importFiles(args);
    case 'remove':
      return vault.remove(args[0]!);
    case 'offline':
      return vault.takeOffline(args[0]!, args[1]!);
    case 'list':
      return { keys: await vault.list(), recovery };
    default:
      throw new Error(`unknown operation ${operation}`);
  }
}

try {
  process.stdout.write(JSON.stringify(await run()));
} catch (error) {
  process.stdout.write(JSON.stringify({ error: toErrorInfo(error) }));
  process.exitCode = 1;
}
