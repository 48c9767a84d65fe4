/**
 * Small preview images of the datasets, as RGBA pixels (the dataset picker draws them on a canvas):
 *
 *   bits12 (shape [12])   the 4096 patterns as a 64 × 64 map, pattern r at (r mod 64, r div 64), coloured
 *                         by label: the rule's structure at a glance
 *   toys   (shape [2])    the points, coloured by class, in [−6, 6]² (TensorFlow Playground's frame)
 *   images (shape [h, w]) a 3 × 3 grid of the first image of classes 0–8, grey
 */
import type { RunConfig } from '../config/run-config.ts';
import type { Dataset } from '../data/types.ts';
import { CLASS_RGB } from './colors.ts';

export interface PreviewImage {
  width: number;
  height: number;
  /** RGBA, row-major, width × height × 4. */
  data: Uint8ClampedArray;
}

function blank(width: number, height: number, rgb: readonly number[] = [250, 250, 250]): PreviewImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([rgb[0], rgb[1], rgb[2], 255], i * 4);
  return { width, height, data };
}

function put(img: PreviewImage, x: number, y: number, rgb: readonly number[]) {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
  img.data.set([rgb[0], rgb[1], rgb[2], 255], (y * img.width + x) * 4);
}

const classRgb = (label: number) => CLASS_RGB[label % CLASS_RGB.length];

export function previewImage(ds: Dataset, size = 64): PreviewImage {
  if (ds.shape.length === 1 && ds.D === 12) {
    const side = Math.ceil(Math.sqrt(ds.N));
    const img = blank(side, Math.ceil(ds.N / side));
    for (let r = 0; r < ds.N; r++) put(img, r % side, Math.floor(r / side), classRgb(ds.labels[r]));
    return img;
  }
  if (ds.shape.length === 1 && ds.D === 2) {
    const img = blank(size, size);
    const scale = size / 12;
    for (let i = 0; i < ds.N; i++) {
      const px = Math.floor((ds.inputs[2 * i] + 6) * scale);
      const py = Math.floor((6 - ds.inputs[2 * i + 1]) * scale);
      const rgb = classRgb(ds.labels[i]);
      put(img, px, py, rgb);
      put(img, px + 1, py, rgb);
      put(img, px, py + 1, rgb);
      put(img, px + 1, py + 1, rgb);
    }
    return img;
  }
  if (ds.shape.length === 2) {
    const [h, w] = ds.shape;
    const img = blank(3 * w, 3 * h, [0, 0, 0]);
    let max = 0;
    for (let i = 0; i < ds.inputs.length; i++) max = Math.max(max, ds.inputs[i]);
    const seen = new Set<number>();
    let tile = 0;
    for (let i = 0; i < ds.N && tile < 9; i++) {
      if (seen.has(ds.labels[i])) continue;
      seen.add(ds.labels[i]);
      const ox = (tile % 3) * w;
      const oy = Math.floor(tile / 3) * h;
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const v = Math.round((255 * ds.inputs[i * ds.D + y * w + x]) / (max || 1));
          put(img, ox + x, oy + y, [v, v, v]);
        }
      tile++;
    }
    return img;
  }
  return blank(size, size);
}

/**
 * Inputs and classes of each dataset, known before it is loaded (the network editor's first and last rows).
 * Your own data's come from the configuration (config.data.file).
 */
export const DATASET_DIMS: Record<Exclude<Dataset['name'], 'custom'>, { inputs: number; classes: number }> = {
  bits12: { inputs: 12, classes: 2 },
  mnist: { inputs: 784, classes: 10 },
  digits: { inputs: 64, classes: 10 },
  circle: { inputs: 2, classes: 2 },
  xor: { inputs: 2, classes: 2 },
  spiral: { inputs: 2, classes: 2 },
  gauss: { inputs: 2, classes: 2 },
};

/** Inputs and classes of a configuration's dataset: the table's, or your own data's from its file part. */
export function datasetDims(data: RunConfig['data']): { inputs: number; classes: number } {
  if (data.name !== 'custom') return DATASET_DIMS[data.name];
  return { inputs: data.file?.columns ?? 0, classes: data.file?.classes ?? 0 };
}
