// What the window asks the shell once, at start: the weft:// link of the command line
// (`weft-app 'weft://…'`) and the format names an empty case lists.
import { call } from './call';
import type { Commands } from './generated/bindings';

export type LaunchInfo = Commands['launch_info']['result'];

export interface LaunchApi {
  launchInfo(): Promise<LaunchInfo>;
}

export const launchApi: LaunchApi = {
  launchInfo: () => call('launch_info', {}),
};
