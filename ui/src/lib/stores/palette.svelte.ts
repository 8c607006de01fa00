// The service colours of the open case: one assignment (model/palette.ts) of the
// case's services to palette slots, read by everything that colours a service
// (waterfall rows and bars, the minimap, legends), so a service has one colour
// throughout the window. App.svelte sets `services` from the case's counts.
import { assignSlots, serviceColour } from '../model/palette';

export class PaletteStore {
  /** The services of the case (CaseInfo's per-service counts). */
  services = $state.raw<readonly string[]>([]);
  slots = $derived(assignSlots(this.services));

  /** The CSS colour of `service` (one outside the case: its hash slot). */
  colour(service: string): string {
    return serviceColour(service, this.slots);
  }
}

export const servicePalette = new PaletteStore();
