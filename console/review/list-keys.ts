/**
 * The lists' keys: j/k move the selection, Enter opens the selected row, unless the operator is
 * typing in a field. Shared by the review queue and the risk-life lists.
 */
import { useEffect, useRef } from 'preact/hooks';

/** Whether a key went to a field the operator is typing in, where letters are text, not commands. */
export const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLInputElement ||
  target instanceof HTMLSelectElement ||
  target instanceof HTMLTextAreaElement;

/**
 * Binds j/k/Enter to a list whose selection lives in the caller's state. The rows and selection
 * are read through a ref that j/k also move at once: a listener that closed over one render's
 * values opened the row selected before a j pressed just ahead of Enter (the page re-renders
 * before effects re-bind the listener), so a quick j-Enter opened the wrong account.
 */
export function useListKeys<Row>(
  rows: readonly Row[],
  selected: number,
  select: (index: number) => void,
  open: (row: Row) => void,
) {
  const latest = useRef({ rows, selected, select, open });
  // Each render hands the ref what is on screen; j/k move its selection ahead of that render.
  latest.current = { rows, selected, select, open };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      const now = latest.current;
      if (e.key === 'j' || e.key === 'k') {
        e.preventDefault();
        const index = Math.max(0, Math.min(now.rows.length - 1, now.selected + (e.key === 'j' ? 1 : -1)));
        now.selected = index;
        now.select(index);
      } else if (
        e.key === 'Enter' &&
        now.rows[now.selected] !== undefined &&
        !(e.target instanceof HTMLButtonElement || e.target instanceof HTMLAnchorElement)
      ) {
        e.preventDefault();
        now.open(now.rows[now.selected]!);
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);
}
