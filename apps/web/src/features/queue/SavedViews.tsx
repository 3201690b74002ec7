/** Saved views: name the current filters and come back to them in one click. */
import { type FormEvent, useState } from 'react';
import { useSavedViewActions, useSavedViews } from './saved-views-store.ts';

export function SavedViews({ search, onOpen }: { search: string; onOpen: (search: string) => void }) {
  const views = useSavedViews();
  const { viewSaved, viewDeleted } = useSavedViewActions();
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const save = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return;
    viewSaved({ name: name.trim(), search });
    setName('');
    setNaming(false);
  };
  return (
    <section aria-label="Saved views" className="saved-views">
      {views.length > 0 ? (
        <ul>
          {views.map((view) => (
            <li key={view.name}>
              <a
                href={`?${view.search}`}
                aria-current={view.search === search ? 'page' : undefined}
                onClick={(event) => {
                  event.preventDefault();
                  onOpen(view.search);
                }}
              >
                {view.name}
              </a>
              <button
                type="button"
                className="button-quiet"
                aria-label={`Delete saved view ${view.name}`}
                onClick={() => viewDeleted(view.name)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {naming ? (
        <form onSubmit={save} className="inline-form">
          <label>
            View name
            {/* biome-ignore lint/a11y/noAutofocus: the field was just asked for */}
            <input value={name} onChange={(event) => setName(event.target.value)} autoFocus maxLength={60} />
          </label>
          <button type="submit" disabled={!name.trim()}>
            Save
          </button>
          <button type="button" className="button-secondary" onClick={() => setNaming(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <button type="button" className="button-secondary" onClick={() => setNaming(true)}>
          Save view
        </button>
      )}
    </section>
  );
}
