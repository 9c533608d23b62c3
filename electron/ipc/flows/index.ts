// The write flows behind the publish.*, sign.*, revoke.*, delegation.*, rotation.* and expiry.* channels.
import { delegationFlows } from './delegation-flow';
import type { WriteEnvironment } from './environment';
import { expiryFlows } from './expiry-flow';
import { publishFlows } from './publish-flow';
import { revokeFlows } from './revoke-flow';
import { rotationFlows } from './rotation-flow';
import { signFlows } from './sign-flow';

export function createWriteFlows(env: WriteEnvironment) {
  return {
    publish: publishFlows(env),
    sign: signFlows(env),
    revoke: revokeFlows(env),
    delegation: delegationFlows(env),
    rotation: rotationFlows(env),
    expiry: expiryFlows(env),
  };
}

export type WriteFlows = ReturnType<typeof createWriteFlows>;
export type { WriteEnvironment } from './environment';
