/**
 * Keyboard first: j / k move through the queue, x selects, Enter opens, a approves, e edits, r rejects, / searches,
 * ? shows the help. Keys are ignored while the user types in a field or a dialog is open.
 */
import type { Recommendation } from '@recdesk/shared-types';
import { useEffect, useRef } from 'react';

export interface QueueKeyHandlers {
  move: (by: 1 | -1) => void;
  toggleSelect: () => void;
  open: () => void;
  approve: () => void;
  edit: () => void;
  reject: () => void;
  search: () => void;
  help: () => void;
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/**
 * The action of a key. Enter opens the current row only when the row itself has focus (on a button it presses the
 * button); the arrow keys move between rows only from a row, elsewhere they scroll.
 */
function actionFor(key: string, h: QueueKeyHandlers, onRow: boolean): (() => void) | undefined {
  switch (key) {
    case 'j':
      return () => h.move(1);
    case 'k':
      return () => h.move(-1);
    case 'ArrowDown':
      return onRow ? () => h.move(1) : undefined;
    case 'ArrowUp':
      return onRow ? () => h.move(-1) : undefined;
    case 'Enter':
      return onRow ? h.open : undefined;
    case 'x':
      return h.toggleSelect;
    case 'o':
      return h.open;
    case 'a':
      return h.approve;
    case 'e':
      return h.edit;
    case 'r':
      return h.reject;
    case '/':
      return h.search;
    case '?':
      return h.help;
    default:
      return undefined;
  }
}

export function useQueueKeyboard(handlers: QueueKeyHandlers, items: readonly Recommendation[]) {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (isTyping(event.target) || document.querySelector('dialog[open]')) return;
      const h = ref.current;
      const onRow = event.target instanceof HTMLElement && event.target.dataset.rowId !== undefined;
      const action = actionFor(event.key, h, onRow);
      if (!action || items.length === 0) {
        if (event.key === '?') {
          event.preventDefault();
          h.help();
        }
        return;
      }
      event.preventDefault();
      action();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [items.length]);
}
