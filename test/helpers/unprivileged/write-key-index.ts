// Writes one record into the key index of the home given; prints the error's code (or "written").
import { KeyIndex } from '../../../electron/core/keys/key-index';
import { toErrorInfo } from '../../../shared/errors';

const [home] = process.argv.slice(2);
try {
  await new KeyIndex(home!).write([{ id: 'a'.repeat(64), keytype: 'ecdsa', publicKey: 'AAAA', role: 'targets/releases', createdAt: '2030-01-01T00:00:00.000Z', origin: 'generated', location: 'keychain' }]);
  console.log(JSON.stringify('written'));
} catch (error) {
  console.log(JSON.stringify(toErrorInfo(error).code));
}
