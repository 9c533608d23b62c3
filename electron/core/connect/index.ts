// Connecting to notary servers and registries: import from here.
export { Connections, type ConnectOptions, type Endpoint } from './connections';
export { notaryAuthFromEnv, NOTARY_AUTH_ENV, registryHostOfGun, type Account } from './credential-sources';
export { keychainLoginStore, loginHost, LOGIN_KEYCHAIN_SERVICE, type LoginStore } from './login-store';
export { DOCKER_CERTS_DIR, readCaFile, trustedCertificates } from './tls-roots';
export { checkLogin, loginOrigin } from './login-check';
