/**
 * Removes secrets from text that may reach the user or a log: the exact values we know
 * (the token and password of the request at hand), plus anything that looks like a
 * Keystone token, or a password/secret/token field in a JSON or header dump.
 */
const redacted = '[redacted]';

const secretPatterns: [RegExp, string][] = [
  // Fernet tokens (Keystone's default) start with gAAAAA and are long url-safe base64.
  [/gAAAAA[A-Za-z0-9_-]{20,}=*/g, redacted],
  // "password": "…", "secret": "…", "token": "…" in a JSON dump.
  [/("(?:password|secret|token)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, `$1"${redacted}"`],
  // X-Auth-Token / X-Subject-Token / Authorization headers in a header dump.
  [/((?:x-auth-token|x-subject-token|authorization)\s*[:=]\s*)[^\s,;]+/gi, `$1${redacted}`],
];

export function scrubSecrets(text: string, secrets: readonly string[] = []): string {
  let clean = text;
  for (const secret of secrets) {
    if (secret !== '') clean = clean.split(secret).join(redacted);
  }
  for (const [pattern, replacement] of secretPatterns) {
    clean = clean.replace(pattern, replacement);
  }
  return clean;
}
