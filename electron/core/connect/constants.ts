// Names the command line's help prints, apart from the code that uses them, so that `--help` loads
// nothing heavy (no zod, no keychain module).

/** The keychain service under which `countersign login` keeps sign-ins (shared with the app). */
export const LOGIN_KEYCHAIN_SERVICE = 'countersign-logins';

/** notary's variable for a sign-in ("user:password", base64). */
export const NOTARY_AUTH_ENV = 'NOTARY_AUTH';
