/** Column choice and order, remembered in this browser. Width is set by dragging (or arrow keys on) a header edge. */
import { useId, useState } from 'react';
import { COLUMN_LABELS } from './queue-columns.tsx';
import { useColumnOrder, useColumnVisibility, useQueuePreferenceActions } from './queue-preferences-store.ts';

/** Every configurable column, in the default order. */
const ALL_IDS = Object.keys(COLUMN_LABELS);

export function ColumnsMenu() {
  const visibility = useColumnVisibility();
  const storedOrder = useColumnOrder();
  const { columnVisibilityChanged, columnOrderChanged, columnsReset } = useQueuePreferenceActions();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const order = [...storedOrder.filter((id) => ALL_IDS.includes(id)), ...ALL_IDS.filter((id) => !storedOrder.includes(id))];
  const configurable = order;

  const move = (id: string, by: -1 | 1) => {
    const from = configurable.indexOf(id);
    const to = from + by;
    if (to < 0 || to >= configurable.length) return;
    const next = [...configurable];
    [next[from], next[to]] = [next[to] as string, next[from] as string];
    columnOrderChanged(['select', ...next, 'actions']);
  };

  return (
    <div className="columns-menu">
      <button type="button" className="button-secondary" aria-expanded={open} aria-controls={panelId} onClick={() => setOpen(!open)}>
        Columns
      </button>
      {open ? (
        <div id={panelId} className="columns-panel">
          <ul aria-label="Columns">
            {configurable.map((id, index) => {
              const label = COLUMN_LABELS[id] ?? id;
              return (
                <li key={id}>
                  <label>
                    <input
                      type="checkbox"
                      checked={visibility[id] !== false}
                      onChange={(event) => columnVisibilityChanged((v) => ({ ...v, [id]: event.target.checked }))}
                    />
                    {label}
                  </label>
                  <span>
                    <button
                      type="button"
                      className="button-quiet"
                      aria-label={`Move ${label} left`}
                      disabled={index === 0}
                      onClick={() => move(id, -1)}
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      className="button-quiet"
                      aria-label={`Move ${label} right`}
                      disabled={index === configurable.length - 1}
                      onClick={() => move(id, 1)}
                    >
                      ↓
                    </button>
                  </span>
                </li>
              );
            })}
          </ul>
          <button type="button" className="button-secondary" onClick={columnsReset}>
            Reset columns
          </button>
        </div>
      ) : null}
    </div>
  );
}
