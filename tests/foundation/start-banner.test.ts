import { describe, expect, it } from 'vitest';
import { bannerRows } from '../../scripts/start-banner.js';

describe('the npm start banner', () => {
  it('lines every address up after the longest name, also a 9-character one like sandboxes', () => {
    const rows = bannerRows([
      { name: 'MongoDB', address: 'mongodb://127.0.0.1:27017' },
      { name: 'idp', address: 'http://localhost:4000' },
      { name: 'sandboxes', address: 'http://localhost:4100' },
    ]);
    expect(rows).toEqual([
      '  MongoDB    mongodb://127.0.0.1:27017',
      '  idp        http://localhost:4000',
      '  sandboxes  http://localhost:4100',
    ]);
    expect(
      new Set(rows.map((row) => (row.indexOf('http') >= 0 ? row.indexOf('http') : row.indexOf('mongodb')))),
    ).toEqual(new Set([13]));
  });
});
