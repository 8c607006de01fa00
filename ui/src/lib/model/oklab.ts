// Perceptual colour distance: sRGB hex → OKLab (Björn Ottosson, 2020,
// https://bottosson.github.io/posts/oklab/) and the Euclidean ΔE there. Equal
// steps in OKLab look about equally different; a ΔE of 0.02 is about the least
// difference people see. The service palette test holds its colours apart with it.
import { parseHex } from './contrast';

/** sRGB channel 0..255 → linear light 0..1. */
function linear(channel: number): number {
  const value = channel / 255;
  return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
}

/** A hex colour as OKLab [L, a, b] (L: 0 black .. 1 white). */
export function oklab(colour: string): [number, number, number] {
  const [red, green, blue] = parseHex(colour).map(linear) as [number, number, number];
  const long = Math.cbrt(0.4122214708 * red + 0.5363325363 * green + 0.0514459929 * blue);
  const medium = Math.cbrt(0.2119034982 * red + 0.6806995451 * green + 0.1073969566 * blue);
  const short = Math.cbrt(0.0883024619 * red + 0.2817188376 * green + 0.6299787005 * blue);
  return [
    0.2104542553 * long + 0.793617785 * medium - 0.0040720468 * short,
    1.9779984951 * long - 2.428592205 * medium + 0.4505937099 * short,
    0.0259040371 * long + 0.7827717662 * medium - 0.808675766 * short,
  ];
}

/** OKLab ΔE of two hex colours: 0 for the same colour, about 1 from black to white. */
export function deltaE(a: string, b: string): number {
  const [l1, a1, b1] = oklab(a);
  const [l2, a2, b2] = oklab(b);
  return Math.hypot(l1 - l2, a1 - a2, b1 - b2);
}
