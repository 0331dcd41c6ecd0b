import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';

/** A decoded image: one grey level (0 black .. 255 white) per pixel, row by row. */
export interface GreyImage {
  width: number;
  height: number;
  grey: Uint8Array;
}

/** PNG's Paeth predictor (ISO/IEC 15948 §9.4). */
function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/**
 * Reads the 8-bit RGB or grey, non-interlaced PNGs that pdftoppm writes (test use only: just
 * enough of the format to look at the pixels of a rendered receipt).
 */
export function readPng(file: string): GreyImage {
  const data = readFileSync(file);
  const width = data.readUInt32BE(16);
  const height = data.readUInt32BE(20);
  const [depth, colour, , , interlace] = data.subarray(24, 29);
  const channels = colour === 2 ? 3 : colour === 0 ? 1 : 0;
  if (depth !== 8 || channels === 0 || interlace !== 0) throw new Error('not a PNG pdftoppm writes');
  const idat: Buffer[] = [];
  for (let at = 8; at < data.length; ) {
    const length = data.readUInt32BE(at);
    if (data.toString('latin1', at + 4, at + 8) === 'IDAT') idat.push(data.subarray(at + 8, at + 8 + length));
    at += length + 12;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x] as number;
      const a = x >= channels ? (pixels[y * stride + x - channels] as number) : 0;
      const b = y > 0 ? (pixels[(y - 1) * stride + x] as number) : 0;
      const c = x >= channels && y > 0 ? (pixels[(y - 1) * stride + x - channels] as number) : 0;
      const predicted = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter as number] as number;
      pixels[y * stride + x] = (value + predicted) & 0xff;
    }
  }
  const grey = new Uint8Array(width * height);
  for (let i = 0; i < width * height; i++) {
    let sum = 0;
    for (let k = 0; k < channels; k++) sum += pixels[i * channels + k] as number;
    grey[i] = Math.round(sum / channels);
  }
  return { width, height, grey };
}

/** The share of pixels darker than mid-grey in a rectangle (whole image by default). */
export function inkIn(image: GreyImage, box = { x: 0, y: 0, width: image.width, height: image.height }): number {
  let dark = 0;
  for (let y = box.y; y < box.y + box.height; y++) {
    for (let x = box.x; x < box.x + box.width; x++) if ((image.grey[y * image.width + x] as number) < 128) dark++;
  }
  return dark / (box.width * box.height);
}
