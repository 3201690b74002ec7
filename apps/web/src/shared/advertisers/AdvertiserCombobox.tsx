/**
 * The advertiser filter: an ARIA combobox (WAI-ARIA APG "list autocomplete") over the advertisers in the person's
 * scope, finding by name, id or marketplace. It shows the chosen advertiser's name; emptying the text (or the ×
 * button) removes the filter. An id in the URL that is not in the list (out of scope, not synced yet) shows as it is.
 *
 * Written here rather than taken from Ariakit or React Aria: either adds about 40 KB gzip to the first load, which
 * would break the 200 KB budget (README "Performance budget"); this is the pattern's whole keyboard model in a page.
 */
import { useQuery } from '@tanstack/react-query';
import { type KeyboardEvent, useDeferredValue, useEffect, useId, useMemo, useRef, useState } from 'react';
import { matchingAdvertisers } from './advertiser-match.ts';
import { advertiserLabel, advertiserQueries } from './advertiser-queries.ts';

/** At most this many options are rendered; typing narrows the rest. */
const SHOWN = 50;

export function AdvertiserCombobox({
  value,
  onChange,
  label = 'Advertiser',
}: {
  value: string | undefined;
  onChange: (advertiserId: string | undefined) => void;
  label?: string;
}) {
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const list = useQuery(advertiserQueries.list());
  const advertisers = list.data?.items ?? [];
  const selected = advertisers.find((a) => a.id === value);
  const shown = selected ? advertiserLabel(selected) : (value ?? '');
  const [text, setText] = useState(shown);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  useEffect(() => setText(shown), [shown]);
  const search = useDeferredValue(text);
  // While the text is the chosen advertiser's name, opening the list shows every advertiser, not just that one.
  const matches = useMemo(
    () => matchingAdvertisers(advertisers, search === shown ? '' : search).slice(0, SHOWN),
    [advertisers, search, shown],
  );
  const activeMatch = open ? matches[Math.min(active, matches.length - 1)] : undefined;
  const optionId = (advertiserId: string) => `${id}-option-${advertiserId}`;

  const choose = (advertiserId: string) => {
    const chosen = advertisers.find((a) => a.id === advertiserId);
    setText(chosen ? advertiserLabel(chosen) : advertiserId);
    setOpen(false);
    onChange(advertiserId);
  };

  /** Opens the list on the chosen advertiser (or the first). */
  const openList = () => {
    setActive(
      Math.max(
        0,
        matches.findIndex((a) => a.id === value),
      ),
    );
    setOpen(true);
  };

  const typed = (next: string) => {
    setText(next);
    setOpen(true);
    setActive(0);
    // Emptying the text removes the filter at once, as clearing any other filter does.
    if (!next.trim() && value) onChange(undefined);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (!open) return openList();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (Math.min(i, matches.length - 1) + step + matches.length) % Math.max(matches.length, 1));
    } else if (event.key === 'Enter') {
      if (open && activeMatch) {
        event.preventDefault();
        choose(activeMatch.id);
      }
    } else if (event.key === 'Escape') {
      if (open) {
        event.preventDefault();
        event.stopPropagation();
        setOpen(false);
        setText(shown);
      }
    }
  };

  return (
    <div className="advertiser-combobox">
      <label htmlFor={`${id}-input`}>{label}</label>
      <div className="advertiser-combobox-field">
        <input
          ref={inputRef}
          id={`${id}-input`}
          type="text"
          role="combobox"
          autoComplete="off"
          aria-autocomplete="list"
          aria-expanded={open}
          aria-controls={`${id}-listbox`}
          aria-activedescendant={activeMatch ? optionId(activeMatch.id) : undefined}
          placeholder="Name, id or marketplace"
          value={text}
          onChange={(event) => typed(event.target.value)}
          onKeyDown={onKeyDown}
          onClick={() => (open ? setOpen(false) : openList())}
          // Typed text that chose nothing goes back to the chosen advertiser's name.
          onBlur={() => {
            setOpen(false);
            setText(shown);
          }}
        />
        {value ? (
          <button
            type="button"
            className="button-quiet advertiser-combobox-clear"
            aria-label={`Clear the advertiser filter (${shown})`}
            onClick={() => {
              setText('');
              onChange(undefined);
              inputRef.current?.focus();
            }}
          >
            ×
          </button>
        ) : null}
      </div>
      <div className="combobox-popover" hidden={!open}>
        <div id={`${id}-listbox`} role="listbox" aria-label={`${label}s`} tabIndex={-1}>
          {matches.map((advertiser) => (
            // biome-ignore lint/a11y/useKeyWithClickEvents: the keyboard works from the input (aria-activedescendant), as the APG pattern says
            <div
              key={advertiser.id}
              tabIndex={-1}
              id={optionId(advertiser.id)}
              role="option"
              aria-selected={advertiser === activeMatch}
              data-chosen={advertiser.id === value || undefined}
              className="combobox-item"
              // Keeps the focus in the input, so the choice does not blur it first.
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => choose(advertiser.id)}
            >
              <span className="combobox-item-name">{advertiserLabel(advertiser)}</span>
              <span className="muted combobox-item-meta">
                {[...advertiser.marketplaces, advertiser.name ? advertiser.id : null].filter(Boolean).join(' · ')}
              </span>
            </div>
          ))}
        </div>
        {list.isPending ? (
          <p className="muted combobox-note">Loading advertisers…</p>
        ) : matches.length === 0 ? (
          <p className="muted combobox-note">No advertiser has “{search}” in its name, id or marketplaces.</p>
        ) : null}
      </div>
    </div>
  );
}
