/**
 * Reads the variable assignments of an openrc file (`export OS_AUTH_URL=...`) the way a
 * shell would for the simple forms these files use: single quotes (literal), double quotes
 * and bare words (with `$VAR` / `${VAR}` expansion and backslash escapes), trailing
 * comments, `unset`. Everything else (echo, read, if … fi) is ignored: it is not an
 * assignment. A `$VAR` that the file does not set (typically the password, read from the
 * terminal) is reported and its variable left unset.
 */

export interface OpenrcVariables {
  /** Every variable the file leaves set, in the order first assigned. */
  variables: Map<string, string>;
  /** Variables left unset because their value used a `$VAR` that could not be resolved, with that reference. */
  unresolved: Map<string, string>;
}

const assignment = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;
const unset = /^\s*unset\s+(.+)$/;

/**
 * @param lookup resolves a `$VAR` the file does not set itself (e.g. `$HOME`); return
 *   undefined for "not known".
 */
export function parseOpenrc(
  text: string,
  lookup: (name: string) => string | undefined,
): OpenrcVariables {
  const variables = new Map<string, string>();
  const unresolved = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*#/.test(line)) continue;
    const unsetMatch = unset.exec(line);
    if (unsetMatch) {
      for (const name of (unsetMatch[1] ?? '').split(/[\s;]+/)) {
        variables.delete(name);
        unresolved.delete(name);
      }
      continue;
    }
    const match = assignment.exec(line);
    if (!match) continue;
    const [, name = '', rawValue = ''] = match;
    const value = shellWord(rawValue, (reference) => variables.get(reference) ?? lookup(reference));
    if (typeof value === 'string') {
      variables.set(name, value);
      unresolved.delete(name);
    } else {
      variables.delete(name);
      unresolved.set(name, value.unresolved);
    }
  }
  return { variables, unresolved };
}

/** The value of one shell word, up to the first unquoted blank, `;` or comment. */
function shellWord(
  raw: string,
  resolve: (name: string) => string | undefined,
): string | { unresolved: string } {
  let out = '';
  let index = 0;
  let quote: '"' | "'" | undefined;
  let missing: string | undefined;

  const expand = (): void => {
    // At a `$`: $NAME or ${NAME}; anything else is a literal `$`.
    const rest = raw.slice(index + 1);
    const braced = /^\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(rest);
    const bare = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    const name = braced?.[1] ?? bare?.[0];
    if (name === undefined) {
      out += '$';
      index += 1;
      return;
    }
    const value = resolve(name);
    if (value === undefined) missing ??= `$${name}`;
    else out += value;
    index += 1 + (braced ? braced[0].length : name.length);
  };

  while (index < raw.length) {
    const char = raw[index] ?? '';
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else out += char;
      index += 1;
    } else if (quote === '"') {
      if (char === '"') {
        quote = undefined;
        index += 1;
      } else if (char === '\\' && /["\\$`]/.test(raw[index + 1] ?? '')) {
        out += raw[index + 1];
        index += 2;
      } else if (char === '$') {
        expand();
      } else {
        out += char;
        index += 1;
      }
    } else if (/[\s;]/.test(char) || char === '#') {
      break;
    } else if (char === "'" || char === '"') {
      quote = char;
      index += 1;
    } else if (char === '\\') {
      out += raw[index + 1] ?? '';
      index += 2;
    } else if (char === '$') {
      expand();
    } else {
      out += char;
      index += 1;
    }
  }
  return missing === undefined ? out : { unresolved: missing };
}
