// Temp dirs for one test file, removed when the file's tests are done.
import { after } from 'node:test';
import { makeTempDir, removeTempDir } from '../../../stack/process';

export function tempDirsForThisFile(label: string): () => string {
  const dirs: string[] = [];
  after(async () => {
    for (const dir of dirs) await removeTempDir(dir);
  });
  return () => {
    const dir = makeTempDir(label);
    dirs.push(dir);
    return dir;
  };
}
