/**
 * How profile secrets are encrypted before they touch the disk. The app passes a box over
 * Electron's `safeStorage` (built by `safeStorageSecretBox` from the object the shell hands
 * over, so this file stays plain Node); tests pass their own.
 */
export interface SecretBox {
  /** 'keychain', 'dpapi', 'gnome_libsecret', 'kwallet5', 'basic_text', … */
  backend(): string;
  /** False where encryption would be plaintext in disguise ('basic_text') or is not there at all. */
  canEncrypt(): boolean;
  /** Returns base64. */
  encrypt(plain: string): string;
  decrypt(cipher: string): string;
}

/** The part of Electron's `safeStorage` used here. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only, and only after the app is ready. */
  getSelectedStorageBackend?(): string;
}

/**
 * On Linux without a keyring, safeStorage falls back to 'basic_text': a fixed key compiled
 * into Chromium, no better than plaintext. Such backends count as unable to encrypt.
 */
const weakBackends = new Set(['basic_text', 'unknown']);

export function safeStorageSecretBox(
  safeStorage: SafeStorageLike,
  platform: NodeJS.Platform = process.platform,
): SecretBox {
  const backend = (): string => {
    if (platform === 'darwin') return 'keychain';
    if (platform === 'win32') return 'dpapi';
    return safeStorage.getSelectedStorageBackend?.() ?? 'unknown';
  };
  return {
    backend,
    canEncrypt: () => safeStorage.isEncryptionAvailable() && !weakBackends.has(backend()),
    encrypt: (plain) => safeStorage.encryptString(plain).toString('base64'),
    decrypt: (cipher) => safeStorage.decryptString(Buffer.from(cipher, 'base64')),
  };
}
