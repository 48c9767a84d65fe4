/**
 * The contract between each WGSL shader and its TypeGPU wrapper, with no GPU: for every kernel of the
 * registry and every version, the WGSL `struct Params` has the fields of the TypeGPU `d.struct` bound as
 * the uniform (names, types, order), and the WGSL bindings match the bind-group layout entry by entry:
 * @group(0), @binding(i) = the i-th layout key, the same name (the uniform is `p` in every shader and
 * `params` in every layout), var<uniform> or var<storage, read | read_write> as the entry's access, and
 * the element type (a WGSL atomic<u32> is a u32 array on the host; a vec4f array is an f32 buffer read four
 * at a time, which src/gpu/tensor.ts allows by padding every buffer to 16 bytes).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { TgpuLayoutEntry } from 'typegpu';
import { describe, expect, it } from 'vitest';
import type { KernelDef } from '../src/gpu/kernel.ts';
import { KERNEL_SPECS } from '../src/kernels/index.ts';

interface Binding {
  group: number;
  binding: number;
  name: string;
  /** 'uniform' | 'read' | 'read_write' */
  access: string;
  /** 'Params' for the uniform, else the array's element type ('f32', 'u32'). */
  type: string;
}

/** `struct Params { a: u32, b: f32 }` → [['a', 'u32'], ['b', 'f32']] (comments stripped first). */
function wgslParams(code: string): [string, string][] {
  const src = code.replace(/\/\/[^\n]*/g, '');
  const m = /struct\s+Params\s*\{([^}]*)\}/.exec(src);
  if (!m) throw new Error('no struct Params');
  return m[1]
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f.length > 0)
    .map((f) => {
      const [name, type] = f.split(':').map((s) => s.trim());
      return [name, type];
    });
}

/** Every `@group(g) @binding(b) var<…> name: type;` of the shader, in source order. */
function wgslBindings(code: string): Binding[] {
  const src = code.replace(/\/\/[^\n]*/g, '');
  const re = /@group\((\d+)\)\s*@binding\((\d+)\)\s*var<([^>]*)>\s*(\w+)\s*:\s*([^;]+);/g;
  return [...src.matchAll(re)].map((m) => {
    const space = m[3].split(',').map((s) => s.trim());
    const access = space[0] === 'uniform' ? 'uniform' : (space[1] ?? 'read');
    const type = m[5]
      .trim()
      .replace(/^array<(.*)>$/, '$1')
      .replace(/^atomic<(.*)>$/, '$1')
      .replace(/^vec4<(f32|u32|i32)>$/, '$1')
      .replace(/^vec4([fui])$/, (_, t: string) => ({ f: 'f32', u: 'u32', i: 'i32' })[t]!);
    return { group: Number(m[1]), binding: Number(m[2]), name: m[4], access, type };
  });
}

// TypeGPU's data schemas carry their WGSL type name in `type`, a struct its fields in `propTypes`.
type Schema = { type: string; propTypes?: Record<string, Schema>; elementType?: Schema };

/** The TypeGPU side, in the same shape: the uniform struct's fields and one Binding per layout key. */
function layoutContract(def: KernelDef): { params: [string, string][]; bindings: Binding[] } {
  let params: [string, string][] = [];
  const bindings = Object.entries(def.layout.entries as Record<string, TgpuLayoutEntry | null>).map(
    ([key, entry], i): Binding => {
      const e = entry as { uniform?: Schema; storage?: Schema | ((n: number) => Schema); access?: string };
      if (e.uniform) {
        params = Object.entries(e.uniform.propTypes ?? {}).map(([n, t]) => [n, t.type]);
        return {
          group: 0,
          binding: i,
          name: key === 'params' ? 'p' : key,
          access: 'uniform',
          type: 'Params',
        };
      }
      const storage = typeof e.storage === 'function' ? e.storage(1) : e.storage;
      return {
        group: 0,
        binding: i,
        name: key,
        access: e.access === 'mutable' ? 'read_write' : 'read',
        type: storage?.elementType?.type ?? String(storage?.type),
      };
    },
  );
  return { params, bindings };
}

const kernels = KERNEL_SPECS.flatMap((s) => s.kernels.map((k) => [s.family, k] as const));

describe('WGSL ⇄ TypeGPU contracts', () => {
  it('every registered kernel is named by its family and every family has a kernel', () => {
    expect(KERNEL_SPECS.length).toBeGreaterThan(0);
    for (const s of KERNEL_SPECS) {
      expect(s.kernels.length, s.family).toBeGreaterThan(0);
      for (const k of s.kernels) expect(k.name.startsWith(s.family), `${k.name} in ${s.family}`).toBe(true);
      // A family without a check of its own names the family whose check runs its kernels.
      if (s.checks.length === 0) expect(KERNEL_SPECS.some((o) => o.family === s.checkedBy)).toBe(true);
    }
  });

  for (const [family, def] of kernels) {
    for (const [version, code] of Object.entries(def.versions)) {
      it(`${family}: ${def.name} ${version}`, () => {
        const want = layoutContract(def);
        expect(wgslParams(code), 'struct Params vs the d.struct').toEqual(want.params);
        expect(wgslBindings(code), 'bindings vs the layout').toEqual(want.bindings);
      });
    }
  }
});

describe('one home per family', () => {
  it('src/kernels/<family>/ holds kernel.ts and spec.ts, and ref.ts imports nothing from src/gpu', () => {
    const folders = readdirSync('src/kernels', { withFileTypes: true }).filter((e) => e.isDirectory());
    expect(folders.map((f) => f.name).sort()).toEqual(KERNEL_SPECS.map((s) => s.family).sort());
    for (const { family } of KERNEL_SPECS) {
      for (const f of ['kernel.ts', 'spec.ts'])
        expect(existsSync(`src/kernels/${family}/${f}`), f).toBe(true);
      const ref = `src/kernels/${family}/ref.ts`;
      if (existsSync(ref)) expect(readFileSync(ref, 'utf8')).not.toMatch(/from '[./]*\/gpu\//);
    }
  });

  it('every shader in shaders/ is a version of a registered kernel, named after its family', () => {
    const sources = new Map(
      kernels.flatMap(([f, k]) => Object.values(k.versions).map((v) => [v, f] as const)),
    );
    // The fused trainer's kernels are a whole training step and a whole forward pass, not kernels of the
    // registry: their reference is the CPU reference trainer and the layered trainer, their check
    // test/fused-trainer.test.ts (the layout of src/nn/fused-*.ts).
    const TRAINERS = ['fused_common.wgsl', 'fused_train.wgsl', 'fused_eval.wgsl'];
    const files = readdirSync('shaders').filter((f) => f.endsWith('.wgsl') && !TRAINERS.includes(f));
    expect(files.length).toBeGreaterThan(0);
    for (const file of TRAINERS) expect(existsSync(`shaders/${file}`), file).toBe(true);
    for (const file of files) {
      const family = sources.get(readFileSync(`shaders/${file}`, 'utf8'));
      expect(family, `${file} is registered`).toBeDefined();
      expect(file.startsWith(family!), `${file} in ${family}`).toBe(true);
    }
  });
});

describe('the contract parsers', () => {
  const wgsl = `
    struct Params { R: u32, scale: f32 } // a comment, with: colons
    @group(0) @binding(0) var<uniform> p: Params;
    @group(0) @binding(1) var<storage, read> x: array<f32>;
    @group(0) @binding(2) var<storage, read_write> table: array<atomic<u32>>;`;

  it('read fields and bindings out of WGSL', () => {
    expect(wgslParams(wgsl)).toEqual([
      ['R', 'u32'],
      ['scale', 'f32'],
    ]);
    expect(wgslBindings(wgsl)).toEqual([
      { group: 0, binding: 0, name: 'p', access: 'uniform', type: 'Params' },
      { group: 0, binding: 1, name: 'x', access: 'read', type: 'f32' },
      { group: 0, binding: 2, name: 'table', access: 'read_write', type: 'u32' },
    ]);
  });

  it('catch a one-field drift: a renamed, retyped, reordered or missing field or binding', () => {
    const def = kernels.find(([, k]) => k.name === 'gemm')![1];
    const code = def.versions.v1;
    const want = layoutContract(def);
    const drifts = [
      code.replace('strideBias: u32 }', 'strideBias: f32 }'),
      code.replace('K: u32, strideA', 'strideA: u32, K'),
      code.replace(', strideBias: u32 }', ' }'),
      code.replace('var<storage, read> bias', 'var<storage, read_write> bias'),
      code.replace('var<storage, read> b: array<f32>', 'var<storage, read> bb: array<f32>'),
      code.replace('read_write> out: array<f32>', 'read_write> out: array<u32>'),
      code.replace('@binding(3)', '@binding(5)'),
    ];
    expect(wgslParams(code)).toEqual(want.params);
    expect(wgslBindings(code)).toEqual(want.bindings);
    for (const d of drifts) {
      expect(d).not.toBe(code);
      const same =
        JSON.stringify(wgslParams(d)) === JSON.stringify(want.params) &&
        JSON.stringify(wgslBindings(d)) === JSON.stringify(want.bindings);
      expect(same, d.slice(0, 80)).toBe(false);
    }
  });
});
