// Types of scripts/floors.mjs (plain JavaScript, so that `npm run size` runs it without a build step).
export interface Floor {
  name: string;
  about: string;
  match(path: string): boolean;
}
export const FLOORS: readonly Floor[];
export function floorOf(path: string): number;
export function unitOf(path: string): string;
