/** Bind-group layout entries shared by the kernel wrappers (runtime-sized storage arrays). */
import * as d from 'typegpu/data';

export const readF32 = { storage: (n: number) => d.arrayOf(d.f32, n), access: 'readonly' } as const;
export const readU32 = { storage: (n: number) => d.arrayOf(d.u32, n), access: 'readonly' } as const;
export const rwF32 = { storage: (n: number) => d.arrayOf(d.f32, n), access: 'mutable' } as const;
export const rwU32 = { storage: (n: number) => d.arrayOf(d.u32, n), access: 'mutable' } as const;
