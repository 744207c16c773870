import { describe, expect, it } from 'vitest';
import { parseOpenrc } from '../../../../main/profiles/import/openrc-variables';

describe('parseOpenrc', () => {
  it('handles the quoting, expansion and unset forms openrc files use', () => {
    const { variables, unresolved } = parseOpenrc(
      [
        '#!/bin/sh',
        '# export OS_COMMENTED=out',
        'export A=\'single $NOT_EXPANDED "x"\'',
        'export B="double ${A} and $HOME \\"q\\" \\$5"',
        'C=bare\\ word # trailing comment',
        'export D=$MISSING/suffix',
        'export E=first; export IGNORED=after-semicolon',
        'export F=gone',
        'unset F',
        'export G="$UNKNOWN"',
        'export G=fixed',
        'echo "export H=not-an-assignment"',
        '  export  I=  ',
      ].join('\n'),
      (name) => (name === 'HOME' ? '/home/u' : undefined),
    );
    expect(Object.fromEntries(variables)).toEqual({
      A: 'single $NOT_EXPANDED "x"',
      B: 'double single $NOT_EXPANDED "x" and /home/u "q" $5',
      C: 'bare word',
      E: 'first',
      G: 'fixed',
      I: '',
    });
    expect(Object.fromEntries(unresolved)).toEqual({ D: '$MISSING' });
  });
});
