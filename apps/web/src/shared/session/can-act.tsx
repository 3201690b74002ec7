/**
 * Whether the signed-in person may change anything at all (approvers and admins; viewers only look). The app shell
 * knows the session and provides it; every screen asks here before it renders a state-changing control or honours a
 * shortcut that changes state. The server refuses a viewer anyway (403, and every item's `actions` say `role`): this
 * keeps the controls off their screens instead of letting them press and fail.
 */
import { createContext, type ReactNode, useContext } from 'react';

const CanActContext = createContext(false);

export function CanActProvider({ canAct, children }: { canAct: boolean; children: ReactNode }) {
  return <CanActContext.Provider value={canAct}>{children}</CanActContext.Provider>;
}

export function useCanAct(): boolean {
  return useContext(CanActContext);
}
