import { describe, expect, it } from 'vitest';
import { deltaE, oklab } from './oklab';

describe('oklab', () => {
  it('gives the published OKLab values of white, black and the sRGB primaries', () => {
    // Reference values from Ottosson's post and CSS Color 4's sample conversions.
    const close = (got: number[], want: number[]) => got.forEach((value, i) => expect(value).toBeCloseTo(want[i]!, 3));
    close(oklab('#ffffff'), [1, 0, 0]);
    close(oklab('#000000'), [0, 0, 0]);
    close(oklab('#ff0000'), [0.62796, 0.22486, 0.12585]);
    close(oklab('#00ff00'), [0.86644, -0.23389, 0.1795]);
    close(oklab('#0000ff'), [0.45201, -0.03246, -0.31153]);
  });

  it('measures distance: none for a colour to itself, symmetric, about 1 from black to white', () => {
    expect(deltaE('#216eba', '#216eba')).toBe(0);
    expect(deltaE('#216eba', '#c3223d')).toBeCloseTo(deltaE('#c3223d', '#216eba'), 12);
    expect(deltaE('#000000', '#ffffff')).toBeCloseTo(1, 3);
    // Two purples close to each other are nearer than a purple and a green.
    expect(deltaE('#8e22c3', '#9c22c3')).toBeLessThan(deltaE('#8e22c3', '#157937'));
  });
});
