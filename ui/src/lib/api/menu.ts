// The menu bar's Edit, View and Help items (src-tauri/src/menu.rs): the shell names
// the action of the registry an item chose, and the window runs it.
import type { UnlistenFn } from '@tauri-apps/api/event';
import { on } from './call';

export interface MenuApi {
  /** Calls `handler` with the action id of every menu item chosen. */
  onAction(handler: (action: string) => void): Promise<UnlistenFn>;
}

export const menuApi: MenuApi = {
  onAction: (handler) => on('menu-action', (payload) => handler(payload.action)),
};
