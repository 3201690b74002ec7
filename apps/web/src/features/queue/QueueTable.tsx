/** The recommendation queue as an accessible table, fed straight from the query cache. */
import type { Recommendation } from '@recdesk/shared-types';
import { useTable } from '@tanstack/react-table';
import { queueColumns, queueFeatures } from './queue-columns.tsx';

export function QueueTable({ items }: { items: Recommendation[] }) {
  const table = useTable({ features: queueFeatures, columns: queueColumns, data: items, getRowId: (row) => row.id });
  return (
    <table className="queue-table" aria-label="Recommendation queue">
      <thead>
        {table.getHeaderGroups().map((group) => (
          <tr key={group.id}>
            {group.headers.map((header) => (
              <th key={header.id} scope="col">
                {header.isPlaceholder ? null : <table.FlexRender header={header} />}
              </th>
            ))}
          </tr>
        ))}
      </thead>
      <tbody>
        {table.getRowModel().rows.map((row) => (
          <tr key={row.id}>
            {row.getAllCells().map((cell) => (
              <td key={cell.id}>
                <table.FlexRender cell={cell} />
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
