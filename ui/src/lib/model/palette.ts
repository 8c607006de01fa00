// Which colour each service gets. The palette is 20 colours (`--service-0` …
// `--service-19` in app.css, one set per theme, chosen far apart in OKLab and
// readable as text on the theme's backgrounds). A service's colour is its name's
// hash among the 20; the services of a case share out the slots so that up to 20
// of them never share one (a taken slot passes to the next free one, services
// taken in name order so the result does not depend on the order they come in).
// Beyond 20 services, the rest keep their hash's slot. The same assignment colours
// a service wherever it is coloured (stores/palette.svelte.ts holds the case's).

/** How many distinct service colours the palette has. */
export const SERVICE_SLOTS = 20;

/** The palette as CSS colours, slot by slot. */
export const SERVICE_COLOURS: readonly string[] = Array.from(
  { length: SERVICE_SLOTS },
  (_, slot) => `var(--service-${slot})`,
);

/** The slot a name hashes to (FNV-1a over its UTF-16 code units): the same in every session. */
export function hashSlot(service: string): number {
  let hash = 2166136261;
  for (let index = 0; index < service.length; index++) {
    hash = Math.imul(hash ^ service.charCodeAt(index), 16777619);
  }
  return (hash >>> 0) % SERVICE_SLOTS;
}

/**
 * The slot of each of `services` (duplicates count once): its hash slot, or — when
 * a service earlier in name order took it — the next free slot after it. The first
 * 20 services get 20 different slots; the 21st and later keep their hash slot.
 */
export function assignSlots(services: Iterable<string>): Map<string, number> {
  const names = [...new Set(services)].sort();
  const taken = new Set<number>();
  const slots = new Map<string, number>();
  for (const name of names) {
    let slot = hashSlot(name);
    if (taken.size < SERVICE_SLOTS) {
      while (taken.has(slot)) slot = (slot + 1) % SERVICE_SLOTS;
      taken.add(slot);
    }
    slots.set(name, slot);
  }
  return slots;
}

/** The CSS colour of `service` under `slots` (a name not in it: its hash slot). */
export function serviceColour(service: string, slots?: ReadonlyMap<string, number>): string {
  return SERVICE_COLOURS[slots?.get(service) ?? hashSlot(service)]!;
}
