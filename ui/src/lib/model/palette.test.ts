// The service palette: 20 services get 20 colours that look different (OKLab ΔE
// computed from app.css, both themes), the same service always the same colour.
import { describe, expect, it } from 'vitest';
import css from '../../app.css?raw';
import { contrastRatio, customProperties } from './contrast';
import { deltaE } from './oklab';
import { assignSlots, hashSlot, SERVICE_COLOURS, SERVICE_SLOTS, serviceColour } from './palette';

/** The least ΔE (OKLab) two slots of the palette may have: 5× a just-visible difference. */
const MIN_DELTA_E = 0.1;

const THEMES = {
  light: customProperties(css, ":root[data-theme='light']"),
  dark: customProperties(css, ":root[data-theme='dark']"),
};

/** Twenty names like a case's: the demo's services and more. */
const SERVICES = [
  'frontend', 'checkout', 'payments', 'inventory', 'coreSrv', 'auth', 'cart', 'shipping',
  'email', 'currency', 'ad', 'recommendation', 'quote', 'fraud-detection', 'accounting',
  'product-catalog', 'kafka', 'postgres', 'redis', 'load-generator',
];

describe.each(Object.entries(THEMES))('the %s palette', (_, properties) => {
  const colours = SERVICE_COLOURS.map((_, slot) => properties.get(`--service-${slot}`));

  it(`has ${SERVICE_SLOTS} colours`, () => {
    expect(colours.every((colour) => colour !== undefined)).toBe(true);
    expect(new Set(colours).size).toBe(SERVICE_SLOTS);
  });

  it(`keeps every two colours at least ${MIN_DELTA_E} apart in OKLab`, () => {
    let least = { distance: Infinity, pair: '' };
    for (let i = 0; i < colours.length; i++) {
      for (let j = i + 1; j < colours.length; j++) {
        const distance = deltaE(colours[i]!, colours[j]!);
        if (distance < least.distance) least = { distance, pair: `${colours[i]} / ${colours[j]}` };
      }
    }
    expect(least.distance, least.pair).toBeGreaterThanOrEqual(MIN_DELTA_E);
  });

  it('keeps a label on a bar (drawn in the panel colour) readable: AA on every colour', () => {
    for (const colour of colours) {
      expect(contrastRatio(properties.get('--panel')!, colour!), colour).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('gives 20 services of a case 20 colours that look different', () => {
    const slots = assignSlots(SERVICES);
    const shown = SERVICES.map((service) => properties.get(`--service-${slots.get(service)}`)!);
    expect(new Set(shown).size).toBe(20);
    for (let i = 0; i < shown.length; i++) {
      for (let j = i + 1; j < shown.length; j++) {
        expect(deltaE(shown[i]!, shown[j]!), `${SERVICES[i]} / ${SERVICES[j]}`).toBeGreaterThanOrEqual(MIN_DELTA_E);
      }
    }
  });
});

describe('assignSlots', () => {
  it('separates coreSrv and auth, which shared a purple before', () => {
    const slots = assignSlots(['coreSrv', 'auth', 'frontend']);
    expect(slots.get('coreSrv')).not.toBe(slots.get('auth'));
  });

  it('does not depend on the order services come in, and gives the same answer every call', () => {
    const forward = assignSlots(SERVICES);
    const backward = assignSlots([...SERVICES].reverse());
    const shuffled = assignSlots([...SERVICES.slice(7), ...SERVICES.slice(0, 7), 'frontend']);
    expect([...backward.entries()].sort()).toEqual([...forward.entries()].sort());
    expect([...shuffled.entries()].sort()).toEqual([...forward.entries()].sort());
    expect(assignSlots(SERVICES)).toEqual(forward);
  });

  it('resolves hash collisions among the services present', () => {
    // Find two names that hash to the same slot: both keep distinct slots, the first
    // in name order keeps its hash slot.
    const byHash = new Map<number, string>();
    let pair: [string, string] | null = null;
    for (let n = 0; pair === null; n++) {
      const name = `svc-${n}`;
      const other = byHash.get(hashSlot(name));
      if (other !== undefined) pair = [other, name];
      else byHash.set(hashSlot(name), name);
    }
    const slots = assignSlots(pair);
    const [first, second] = [...pair].sort() as [string, string];
    expect(slots.get(first)).toBe(hashSlot(first));
    expect(slots.get(second)).not.toBe(slots.get(first));
  });

  it('keeps the hash slot of services beyond the twentieth', () => {
    const many = Array.from({ length: 45 }, (_, n) => `service-${String(n).padStart(2, '0')}`);
    const slots = assignSlots(many);
    const first20 = many.slice(0, 20).map((name) => slots.get(name));
    expect(new Set(first20).size).toBe(20);
    for (const name of many.slice(20)) expect(slots.get(name)).toBe(hashSlot(name));
  });
});

describe('serviceColour', () => {
  it('is the slot of the assignment, or the hash slot of a name outside it', () => {
    const slots = assignSlots(['coreSrv', 'auth']);
    expect(serviceColour('auth', slots)).toBe(`var(--service-${slots.get('auth')})`);
    expect(serviceColour('elsewhere', slots)).toBe(`var(--service-${hashSlot('elsewhere')})`);
    expect(serviceColour('elsewhere')).toBe(serviceColour('elsewhere'));
  });
});
