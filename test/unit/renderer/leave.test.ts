import { afterEach, describe, expect, test } from 'vitest';
import { app } from '../../../renderer/src/lib/app.svelte';

let unregister: (() => void) | undefined;

afterEach(() => {
  unregister?.();
  unregister = undefined;
  app.leaving = undefined;
});

describe('leaving unsaved edits', () => {
  test('with nothing registered, or nothing edited, the step happens at once', () => {
    const steps: string[] = [];
    app.leave(() => steps.push('none registered'));
    unregister = app.guardUnsaved(() => undefined);
    app.leave(() => steps.push('nothing edited'));
    expect(steps).toEqual(['none registered', 'nothing edited']);
    expect(app.leaving).toBeUndefined();
  });

  test('with unsaved edits it waits for the answer: keep editing drops the step', () => {
    const steps: string[] = [];
    unregister = app.guardUnsaved(() => 'web image');
    app.leave(() => steps.push('switched'));
    expect(steps).toEqual([]);
    expect(app.leaving?.name).toBe('web image');
    app.answerLeave(false);
    expect(app.leaving).toBeUndefined();
    expect(steps).toEqual([]);
  });

  test('discarding takes the step once', () => {
    const steps: string[] = [];
    unregister = app.guardUnsaved(() => 'web image');
    app.leave(() => steps.push('switched'));
    app.answerLeave(true);
    app.answerLeave(true);
    expect(steps).toEqual(['switched']);
    expect(app.leaving).toBeUndefined();
  });

  test("a panel's late removal does not remove the one that replaced it", () => {
    const removeOld = app.guardUnsaved(() => 'old');
    unregister = app.guardUnsaved(() => 'new');
    removeOld();
    app.leave(() => undefined);
    expect(app.leaving?.name).toBe('new');
    unregister();
    unregister = undefined;
    app.answerLeave(false);
    const steps: string[] = [];
    app.leave(() => steps.push('switched'));
    expect(steps).toEqual(['switched']);
  });
});
