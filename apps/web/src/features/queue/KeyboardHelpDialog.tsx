/** The keyboard shortcuts, opened with "?". */
import { Dialog } from '../../shared/ui/Dialog.tsx';

export const SHORTCUTS: ReadonlyArray<[string, string]> = [
  ['j / ↓', 'Next recommendation'],
  ['k / ↑', 'Previous recommendation'],
  ['x', 'Select or unselect it'],
  ['Enter / o', 'Open its details'],
  ['a', 'Approve it'],
  ['e', 'Edit its value, then approve'],
  ['r', 'Reject it (asks for a reason)'],
  ['/', 'Search'],
  ['?', 'This help'],
  ['Esc', 'Close a dialog or panel'],
];

export function KeyboardHelpDialog({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose}>
      <dl className="shortcuts">
        {SHORTCUTS.map(([keys, what]) => (
          <div key={keys}>
            <dt>
              <kbd>{keys}</kbd>
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
    </Dialog>
  );
}
