// The real test stack in one import: `import { startNotaryServer, notaryCli } from '../stack'`.
export * from './ca';
export * from './docker-trust';
export * from './fixtures';
export * from './https';
export * from './keys';
export * from './metadata';
export * from './mitm';
export * from './notary-cli';
export * from './notary-server';
export * from './process';
export * from './registry';
export * from './table';
export * from './tls-server';
export * from './token-issuer';
export * from './token-stack';
