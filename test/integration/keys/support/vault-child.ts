// Runs one vault operation in a fresh process, to show that keys outlive the process that made them
// and to run the vault against a keychain set up differently from the test's own.
//   node --import tsx vault-child.ts HOME sign KEYID DATA_BASE64   -> {"method","sig"}
//   node --import tsx vault-child.ts HOME generate ROLE [GUN]       -> the new record
import { openKeyVault } from '../../../../electron/core/keys/vault';
import { noPassphrases } from '../../../../electron/core/keys/passphrase';
import { toErrorInfo } from '../../../../shared/errors';

const [home, operation, ...args] = process.argv.slice(2);
const vault = openKeyVault({ homeDir: home!, passphrases: noPassphrases });

try {
  if (operation === 'sign') {
    const signer = await vault.getSigner(args[0]!);
    process.stdout.write(JSON.stringify(signer.sign(Buffer.from(args[1]!, 'base64'))));
  } else if (operation === 'generate') {
    process.stdout.write(JSON.stringify(await vault.generate({ role: args[0]!, gun: args[1] })));
  } else {
    throw new Error(`unknown operation ${operation}`);
  }
} catch (error) {
  process.stdout.write(JSON.stringify({ error: toErrorInfo(error) }));
  process.exitCode = 1;
}
