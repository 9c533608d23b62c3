// Lists the key files of a trust dir; prints the codes of the folders it could not read.
import { keyFilesOfTrustDir } from '../../../electron/core/keys/key-sources';
import type { ErrorInfo } from '../../../shared/errors';

const [dir] = process.argv.slice(2);
const unreadable: { path: string; reason: ErrorInfo }[] = [];
await keyFilesOfTrustDir(dir!, unreadable);
console.log(JSON.stringify(unreadable.map((entry) => entry.reason.code)));
