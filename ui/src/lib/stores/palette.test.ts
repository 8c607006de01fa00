import { describe, expect, it } from 'vitest';
import { assignSlots } from '../model/palette';
import { PaletteStore } from './palette.svelte';

describe('PaletteStore', () => {
  it("colours services by the case's assignment, which follows the services it is given", () => {
    const store = new PaletteStore();
    store.services = ['coreSrv', 'auth', 'frontend'];
    const slots = assignSlots(['coreSrv', 'auth', 'frontend']);
    expect(store.colour('auth')).toBe(`var(--service-${slots.get('auth')})`);
    expect(store.colour('coreSrv')).not.toBe(store.colour('auth'));
    store.services = ['auth'];
    expect(store.slots.size).toBe(1);
  });
});
