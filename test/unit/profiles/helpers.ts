import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { openSettingsStore, type Settings } from '../../../main/settings/settings-file';
import type { SecretBox } from '../../../main/profiles/secret-box';

/**
 * A SecretBox that really encrypts (AES-256-GCM with its own key), standing in for
 * Electron's safeStorage, which needs the Electron binary.
 */
export function aesSecretBox(key: Buffer = randomBytes(32)): SecretBox {
  return {
    backend: () => 'test-aes-gcm',
    canEncrypt: () => true,
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    },
    decrypt(encoded) {
      const data = Buffer.from(encoded, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

/** What safeStorage looks like on Linux without a keyring: nothing it may be trusted with. */
export function basicTextSecretBox(): SecretBox {
  const refuse = (): never => {
    throw new Error('basic_text must never be used');
  };
  return { backend: () => 'basic_text', canEncrypt: () => false, encrypt: refuse, decrypt: refuse };
}

export function tempSettingsFolder(): string {
  return mkdtempSync(join(tmpdir(), 'glance-desk-settings-'));
}

/**
 * Opens the settings in `cwd` the way the app does, with conf in place of electron-store.
 * `secretBox` encrypts what an upgrade takes out of plaintext fields (by default nothing is
 * encrypted: such secrets are handed back in `heldProxyCredentials`).
 */
export function openConf(cwd: string, secretBox: SecretBox = basicTextSecretBox()) {
  return openSettingsStore(cwd, (options) => new Conf<Settings>(options), secretBox);
}

/** Every file under `folder`, as text. */
export function readAllFiles(folder: string): { file: string; text: string }[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const file = join(entry.parentPath, entry.name);
      return { file, text: readFileSync(file, 'utf8') };
    });
}

/** items[index], failing the test when it is not there. */
export function nth<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined)
    throw new Error(`expected an item at ${index}, got ${items.length} items`);
  return item;
}
