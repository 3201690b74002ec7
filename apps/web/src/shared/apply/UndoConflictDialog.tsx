/**
 * Asked when an undo finds that a value was changed outside RecDesk since it was applied: nothing was undone. For
 * each such item the three values side by side (the original before RecDesk's change, what RecDesk applied, what it
 * is now), and the choice: keep the current values, undo only the items nobody touched, or put the originals back
 * anyway over the outside change.
 */
import type { UndoChangedSince } from '@recdesk/shared-types';
import { formatNumber } from '../format.ts';
import { Dialog } from '../ui/Dialog.tsx';
import { formatApplyValue } from './apply-values.ts';

interface UndoConflictDialogProps {
  changed: UndoChangedSince[];
  /** Items of the same undo that nobody changed: they can still be undone on their own. */
  unchangedIds: string[];
  titleOf: (id: string) => string;
  pending: boolean;
  onUndoUnchanged: () => void;
  /** Undo all the same, overwriting the values changed outside. */
  onOverwrite: () => void;
  onClose: () => void;
}

export function UndoConflictDialog({
  changed,
  unchangedIds,
  titleOf,
  pending,
  onUndoUnchanged,
  onOverwrite,
  onClose,
}: UndoConflictDialogProps) {
  const one = changed.length === 1;
  return (
    <Dialog title={one ? 'The value was changed since it was applied' : 'Values were changed since they were applied'} onClose={onClose}>
      <div className="dialog-form">
        <p>
          {one
            ? 'Someone changed this value outside RecDesk after it was applied. Nothing was undone: undoing now would overwrite their change.'
            : `${formatNumber(changed.length, 0)} values were changed outside RecDesk after they were applied. Nothing was undone: undoing now would overwrite those changes.`}
        </p>
        <div className="table-scroll">
          <table className="plain-table">
            <caption className="sr-only">Original, applied and current value of each changed item</caption>
            <thead>
              <tr>
                <th scope="col">Item</th>
                <th scope="col">Original</th>
                <th scope="col">Applied by RecDesk</th>
                <th scope="col">Current</th>
              </tr>
            </thead>
            <tbody>
              {changed.map((item) => (
                <tr key={item.id}>
                  <th scope="row">{titleOf(item.id)}</th>
                  <td>{formatApplyValue(item.original)}</td>
                  <td>{formatApplyValue(item.applied)}</td>
                  <td>
                    <strong>{formatApplyValue(item.current)}</strong>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="muted">
          Keep the current {one ? 'value' : 'values'} if the change outside was meant; put the {one ? 'original' : 'originals'} back only if
          you are sure it should be undone.
        </p>
        <div className="dialog-actions">
          <button type="button" className="button-danger" disabled={pending} onClick={onOverwrite}>
            {one ? 'Put the original back anyway' : 'Put the originals back anyway'}
          </button>
          {unchangedIds.length > 0 ? (
            <button type="button" className="button-secondary" disabled={pending} onClick={onUndoUnchanged}>
              Undo the other {formatNumber(unchangedIds.length, 0)}
            </button>
          ) : null}
          <button type="button" onClick={onClose}>
            {one ? 'Keep the current value' : 'Keep the current values'}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
