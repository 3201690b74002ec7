/**
 * The notices region: warnings and errors are announced assertively, the rest politely. While a modal dialog is
 * open the page behind it is inert, so the notices move into the innermost dialog to stay seen and announced.
 */
import { createPortal } from 'react-dom';
import { useNoticeActions, useNotices } from '../notices-store.ts';
import { useInnermostDialog } from './dialog-stack-store.ts';

export function Notices() {
  const notices = useNotices();
  const { noticeDismissed } = useNoticeActions();
  const dialog = useInnermostDialog();
  const urgent = notices.filter((notice) => notice.tone === 'error' || notice.tone === 'warning');
  const calm = notices.filter((notice) => notice.tone === 'info' || notice.tone === 'success');
  const render = (list: typeof notices) =>
    list.map((notice) => (
      <div key={notice.id} className={`notice notice-${notice.tone}`}>
        <div>
          <strong>{notice.title}</strong>
          {notice.detail ? <p>{notice.detail}</p> : null}
          {notice.action ? <div className="notice-action">{notice.action(() => noticeDismissed(notice.id))}</div> : null}
        </div>
        <button type="button" className="button-quiet" onClick={() => noticeDismissed(notice.id)} aria-label={`Dismiss: ${notice.title}`}>
          ×
        </button>
      </div>
    ));
  const region = (
    <div className="notices">
      <div role="alert">{render(urgent)}</div>
      <div role="status">{render(calm)}</div>
    </div>
  );
  return dialog ? createPortal(region, dialog) : region;
}
