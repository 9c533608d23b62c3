// Every job that changes trust data — and the plan of each, before it runs — once, for the app (electron/ipc) and the command line
// (electron/cli) alike: publish staged changes, sign, revoke, delegate, rotate keys, re-sign what
// expires. The front ends only adapt requests and print or return the outcomes.
import { delegationJobs } from './delegation';
import type { JobEnvironment } from './environment';
import { expiryJobs } from './expiry';
import { initJobs } from './init';
import { planJobs } from './plan';
import { publishJobs } from './publish';
import { revokeJobs } from './revoke';
import { rotationJobs } from './rotation';
import { signJobs } from './sign';

export function createJobs(env: JobEnvironment) {
  return {
    init: initJobs(env),
    plan: planJobs(env),
    publish: publishJobs(env),
    sign: signJobs(env),
    revoke: revokeJobs(env),
    delegation: delegationJobs(env),
    rotation: rotationJobs(env),
    expiry: expiryJobs(env),
  };
}

export type Jobs = ReturnType<typeof createJobs>;
export type { JobEnvironment } from './environment';
export type { EarlierStaged } from './open';
