import { describe, expect, it } from 'vitest';
import { safeStorageSecretBox, type SafeStorageLike } from '../../../main/profiles/secret-box';

/** Shaped like Electron's safeStorage (the real one needs the Electron binary). */
function safeStorage(available: boolean, backend?: string): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    encryptString: (plain) =>
      Buffer.from([...Buffer.from(plain, 'utf8')].map((byte) => byte ^ 0x5a)),
    decryptString: (cipher) => Buffer.from([...cipher].map((byte) => byte ^ 0x5a)).toString('utf8'),
    ...(backend === undefined ? {} : { getSelectedStorageBackend: () => backend }),
  };
}

describe('safeStorageSecretBox', () => {
  it('encrypts through safeStorage and hands back base64', () => {
    const box = safeStorageSecretBox(safeStorage(true, 'gnome_libsecret'), 'linux');
    expect(box.backend()).toBe('gnome_libsecret');
    expect(box.canEncrypt()).toBe(true);
    const cipher = box.encrypt('s3cret 密码');
    expect(cipher).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(cipher, 'base64').toString('utf8')).not.toContain('s3cret');
    expect(box.decrypt(cipher)).toBe('s3cret 密码');
  });

  it("refuses Linux's basic_text fallback and an unknown backend", () => {
    expect(safeStorageSecretBox(safeStorage(true, 'basic_text'), 'linux').canEncrypt()).toBe(false);
    expect(safeStorageSecretBox(safeStorage(true, 'unknown'), 'linux').canEncrypt()).toBe(false);
    expect(safeStorageSecretBox(safeStorage(true), 'linux').backend()).toBe('unknown');
  });

  it('uses the keychain on macOS and DPAPI on Windows, when available', () => {
    expect(safeStorageSecretBox(safeStorage(true), 'darwin').backend()).toBe('keychain');
    expect(safeStorageSecretBox(safeStorage(true), 'win32').backend()).toBe('dpapi');
    expect(safeStorageSecretBox(safeStorage(true), 'win32').canEncrypt()).toBe(true);
    expect(safeStorageSecretBox(safeStorage(false), 'darwin').canEncrypt()).toBe(false);
  });
});
