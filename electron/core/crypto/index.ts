// Countersign's crypto layer: key IDs, signature verification and signing as notary does them,
// root certificates, and notary/docker key files. Plain Node; private keys never leave the caller.
export type { KeyAlgorithm, KeyType, PrivateKeyMaterial, Signature, SignatureMethod, TufPublicKey } from './types';
export { keyId, canonicalKeyIdOf, bareKeyOf, certificatePemOf, isX509KeyType } from './key-id';
export { verifySignature, isSignatureMethod } from './verify';
export { publicKeyFromTuf, spkiOf } from './public-key';
export { certificateInfo, createRootCertificateKey, ROOT_CERTIFICATE_VALIDITY_DAYS, SHA1_SIGNATURE_OIDS } from './certificate';
export type { CertificateInfo, RootCertificateOptions } from './certificate';
export { generatePrivateKey, privateKeyFromKeyObject, publicKeyOf, signWith, MIN_RSA_BITS } from './private-key';
export { parsePemBlocks, encodePemBlock, firstPemBlock } from './pem';
export type { PemBlock } from './pem';
export { decryptPkcs8, encryptPkcs8, privateKeyFromPkcs8, privateKeyToPkcs8, DEFAULT_PBKDF2_ITERATIONS } from './pkcs8';
export { readPrivateKeyBlocks, decryptPrivateKeyBlock, encodeEncryptedPrivateKey, roleHasGun } from './key-file';
export type { PrivateKeyBlock, KeyFileHeaders } from './key-file';
