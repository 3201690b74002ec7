import type { AdvertiserSummary } from '@recdesk/shared-types';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { useState } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { server } from '../../testing/msw-server.ts';
import { renderWithProviders } from '../../testing/render-with-providers.tsx';
import { AdvertiserCombobox } from './AdvertiserCombobox.tsx';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const ADVERTISERS: AdvertiserSummary[] = [
  { id: 'ENTITY1ACME', name: 'Acme Outdoor', marketplaces: ['US'] },
  { id: 'ENTITY2HOWE', name: 'Howe LLC', marketplaces: ['DE', 'UK'] },
  { id: 'ENTITY3KOCH', name: 'Koch Group', marketplaces: ['US'] },
];

/** The combobox as a filter holds it: the chosen id, shown beside it. */
function Harness({ initial }: { initial?: string }) {
  const [value, setValue] = useState<string | undefined>(initial);
  return (
    <>
      <AdvertiserCombobox value={value} onChange={setValue} />
      <output aria-label="Chosen id">{value ?? 'none'}</output>
    </>
  );
}

describe('AdvertiserCombobox', () => {
  it('finds an advertiser by part of its name and chooses it with Enter, then shows its name', async () => {
    server.use(http.get('*/api/advertisers', () => HttpResponse.json({ items: ADVERTISERS })));
    renderWithProviders(<Harness />);
    const input = screen.getByRole('combobox', { name: 'Advertiser' });
    await userEvent.type(input, 'howe l');
    const listbox = await screen.findByRole('listbox');
    expect(
      within(listbox)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Howe LLCDE · UK · ENTITY2HOWE']);
    await userEvent.keyboard('{Enter}');
    expect(screen.getByLabelText('Chosen id')).toHaveTextContent('ENTITY2HOWE');
    expect(input).toHaveValue('Howe LLC');
  });

  it('finds by id and by marketplace', async () => {
    server.use(http.get('*/api/advertisers', () => HttpResponse.json({ items: ADVERTISERS })));
    renderWithProviders(<Harness />);
    const input = screen.getByRole('combobox', { name: 'Advertiser' });
    await userEvent.type(input, 'entity3');
    expect(within(await screen.findByRole('listbox')).getAllByRole('option')).toHaveLength(1);
    expect(screen.getByRole('option')).toHaveTextContent('Koch Group');
    await userEvent.clear(input);
    await userEvent.type(input, 'us');
    await expect
      .poll(() => screen.getAllByRole('option').map((o) => o.querySelector('.combobox-item-name')?.textContent))
      .toEqual(['Acme Outdoor', 'Koch Group']);
    await userEvent.click(screen.getByRole('option', { name: /Koch Group/ }));
    expect(screen.getByLabelText('Chosen id')).toHaveTextContent('ENTITY3KOCH');
  });

  it('shows the name of an advertiser chosen in the URL, and emptying the text removes the filter', async () => {
    server.use(http.get('*/api/advertisers', () => HttpResponse.json({ items: ADVERTISERS })));
    renderWithProviders(<Harness initial="ENTITY1ACME" />);
    const input = screen.getByRole('combobox', { name: 'Advertiser' });
    await expect.poll(() => (input as HTMLInputElement).value).toBe('Acme Outdoor');
    await userEvent.clear(input);
    expect(screen.getByLabelText('Chosen id')).toHaveTextContent('none');
  });

  it('moves through the options with the arrow keys (the input keeps the focus) and Escape puts the name back', async () => {
    server.use(http.get('*/api/advertisers', () => HttpResponse.json({ items: ADVERTISERS })));
    renderWithProviders(<Harness initial="ENTITY1ACME" />);
    const input = screen.getByRole('combobox', { name: 'Advertiser' });
    await expect.poll(() => (input as HTMLInputElement).value).toBe('Acme Outdoor');
    await userEvent.click(input);
    expect(input).toHaveAttribute('aria-expanded', 'true');
    await userEvent.keyboard('{ArrowDown}{ArrowDown}');
    const active = screen.getByRole('option', { selected: true });
    expect(active).toHaveTextContent('Koch Group');
    expect(input).toHaveAttribute('aria-activedescendant', active.id);
    expect(input).toHaveFocus();
    await userEvent.keyboard('{Escape}');
    expect(input).toHaveAttribute('aria-expanded', 'false');
    expect(screen.getByLabelText('Chosen id')).toHaveTextContent('ENTITY1ACME');
    await userEvent.keyboard('{ArrowDown}{ArrowUp}{Enter}');
    expect(screen.getByLabelText('Chosen id')).toHaveTextContent('ENTITY3KOCH');
  });

  it('says when nothing matches', async () => {
    server.use(http.get('*/api/advertisers', () => HttpResponse.json({ items: ADVERTISERS })));
    renderWithProviders(<Harness />);
    await userEvent.type(screen.getByRole('combobox', { name: 'Advertiser' }), 'zebra');
    expect(await screen.findByText(/No advertiser has “zebra”/)).toBeInTheDocument();
  });
});
