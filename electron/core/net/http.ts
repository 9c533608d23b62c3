// The network layer's public face: import from here, not from the files behind it.
export { HttpClient, DEFAULT_TIMEOUT_MS, DEFAULT_USER_AGENT } from './http-client';
export { failedAfterSending } from './transport';
export { IDENTITY_TOKEN_USERNAME } from './types';
export type {
  Credentials,
  CredentialLookup,
  CredentialRequest,
  HttpClientOptions,
  HttpMethod,
  HttpResponse,
  RequestOptions,
} from './types';
export { isLoopback, mayCarryCredentials } from './credential-policy';
export { mapLimit, type MapLimitOptions, type MapLimitTask } from './map-limit';
