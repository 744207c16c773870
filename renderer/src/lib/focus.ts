/**
 * Where keyboard focus goes when the element that had it leaves the page (a dialog's
 * opener that a save removed, the view that a switch replaced): the main area, so the next
 * Tab continues in the view on screen instead of from the top of the page.
 */
export function focusMain(): void {
  document.querySelector<HTMLElement>('main')?.focus();
}

/** Focus is nowhere: its element was removed (or nothing had it). */
export function focusLost(): boolean {
  return document.activeElement === null || document.activeElement === document.body;
}

/** Gives focus back to `element`, or to the main area if it is gone or cannot take it. */
export function restoreFocus(element: HTMLElement | null): void {
  element?.focus();
  if (focusLost()) focusMain();
}
