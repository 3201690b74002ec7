/**
 * The advertiser filter: an ARIA combobox (Ariakit) over the advertisers in the person's scope, finding by name, id
 * or marketplace. It shows the chosen advertiser's name; emptying the text (or the × button) removes the filter. An
 * id in the URL that is not in the list (out of scope, or not synced yet) is shown as it is.
 */
import { Combobox, ComboboxItem, ComboboxLabel, ComboboxPopover, ComboboxProvider } from '@ariakit/react';
import { useQuery } from '@tanstack/react-query';
import { useDeferredValue, useEffect, useMemo, useState } from 'react';
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
  const list = useQuery(advertiserQueries.list());
  const advertisers = list.data?.items ?? [];
  const selected = advertisers.find((a) => a.id === value);
  const shown = selected ? advertiserLabel(selected) : (value ?? '');
  const [text, setText] = useState(shown);
  useEffect(() => setText(shown), [shown]);
  const search = useDeferredValue(text);
  // While the text is the chosen advertiser's name, opening the list shows every advertiser, not just that one.
  const matches = useMemo(() => matchingAdvertisers(advertisers, search === shown ? '' : search), [advertisers, search, shown]);

  const typed = (next: string) => {
    setText(next);
    // Emptying the text removes the filter at once, as clearing any other filter does.
    if (!next.trim() && value) onChange(undefined);
  };

  const choose = (id: string) => {
    const chosen = advertisers.find((a) => a.id === id);
    setText(chosen ? advertiserLabel(chosen) : id);
    onChange(id || undefined);
  };

  return (
    <div className="advertiser-combobox">
      <ComboboxProvider value={text} setValue={typed} selectedValue={value ?? ''} setSelectedValue={choose}>
        <ComboboxLabel>{label}</ComboboxLabel>
        <div className="advertiser-combobox-field">
          <Combobox
            autoSelect
            placeholder="Name, id or marketplace"
            // Typed text that chose nothing goes back to the chosen advertiser's name.
            onBlur={() => setText(shown)}
          />
          {value ? (
            <button
              type="button"
              className="button-quiet advertiser-combobox-clear"
              aria-label={`Clear the advertiser filter (${shown})`}
              onClick={() => {
                setText('');
                onChange(undefined);
              }}
            >
              ×
            </button>
          ) : null}
        </div>
        <ComboboxPopover gutter={4} sameWidth={false} className="combobox-popover" aria-label={`${label}s`}>
          {list.isPending ? (
            <p className="muted combobox-note">Loading advertisers…</p>
          ) : matches.length === 0 ? (
            <p className="muted combobox-note">No advertiser has “{search}” in its name, id or marketplaces.</p>
          ) : (
            matches.slice(0, SHOWN).map((advertiser) => (
              <ComboboxItem key={advertiser.id} value={advertiser.id} setValueOnClick={false} className="combobox-item">
                <span className="combobox-item-name">{advertiserLabel(advertiser)}</span>
                <span className="muted combobox-item-meta">
                  {[...advertiser.marketplaces, advertiser.name ? advertiser.id : null].filter(Boolean).join(' · ')}
                </span>
              </ComboboxItem>
            ))
          )}
          {matches.length > SHOWN ? <p className="muted combobox-note">{matches.length - SHOWN} more: type to narrow.</p> : null}
        </ComboboxPopover>
      </ComboboxProvider>
    </div>
  );
}
