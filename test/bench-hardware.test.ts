/**
 * The benchmark record's hardware section (src/bench/hardware.ts): which GPU an adapter is taken for,
 * the bounds computed from the table, the fractions of them the GEMM measurements reach, and the
 * subgroup features as reported. Pure: fixed adapter summaries and measurements.
 */
import { describe, expect, it } from 'vitest';
import { hardwareNotes, hardwareReport, knownGpu } from '../src/bench/hardware.ts';
import type { Measurement } from '../src/bench/harness.ts';
import type { AdapterSummary } from '../src/gpu/device.ts';

const adapter = (over: Partial<AdapterSummary>): AdapterSummary => ({
  vendor: 'nvidia',
  architecture: '',
  device: 'nvidia-h200',
  description: 'NVIDIA: 580.159.04 580.159.4.0',
  software: false,
  runtime: 'node',
  features: ['subgroups', 'timestamp-query'],
  subgroupMinSize: 32,
  subgroupMaxSize: 32,
  ...over,
});

const m = (kernel: string, version: string, size: number, gops: number) =>
  ({ kernel, version, size, gops }) as Measurement;

describe('hardware bounds of the benchmark record', () => {
  it('takes the adapter the last GPU session had for an H200 and computes both bounds', () => {
    const h = hardwareReport(adapter({}), [
      m('xnor_gemm', 'v3', 1024, 63265),
      m('gemm', 'v2', 1024, 3905),
      m('gemm', 'tfjs-webgpu', 1024, 7478),
    ]);
    expect(h.gpu).toBe('NVIDIA H200');
    // 16 popcounts · 32 bit-MACs · 132 SMs · 1.98 GHz; 128 FMAs · 132 · 1.98.
    expect(h.popcount_bound_tmacs).toBeCloseTo(133.82, 2);
    expect(h.fp32_peak_tfmas).toBeCloseTo(33.45, 2);
    expect(h.xnor_vs_bound).toEqual([{ version: 'v3', size: 1024, fraction: expect.closeTo(0.4728, 3) }]);
    expect(h.gemm_vs_peak).toEqual([{ version: 'v2', size: 1024, fraction: expect.closeTo(0.1167, 3) }]);
    expect(h.subgroups).toBe(true);
    expect(h.subgroup_min_size).toBe(32);
    expect(h.subgroup_matrix).toBe(false);
    const notes = hardwareNotes(h).join('\n');
    expect(notes).toMatch(/subgroups \(sizes 32–32\); no subgroup matrices/);
    expect(notes).toMatch(/popcount 133\.8 T bit-MAC\/s, FP32 33\.5 T FMA\/s/);
    expect(notes).toMatch(/XNOR GEMM, fraction of the popcount bound: v3 1024³ 47\.3 %/);
  });

  it('tells the H100 PCIe from the SXM part, and says unknown for others and for software adapters', () => {
    expect(knownGpu(adapter({ device: 'nvidia-h100-pcie' }))?.name).toBe('NVIDIA H100 PCIe');
    expect(knownGpu(adapter({ device: 'nvidia-h100-80gb-hbm3' }))?.name).toBe('NVIDIA H100 SXM5');
    expect(knownGpu(adapter({ device: 'nvidia-geforce-gtx-1080' }))).toBeNull();
    const sw = adapter({ vendor: 'google', device: 'swiftshader-device', software: true, features: [] });
    expect(knownGpu(sw)).toBeNull();
    const h = hardwareReport(sw, [m('xnor_gemm', 'v3', 64, 3.6)]);
    expect(h.gpu).toBe('unknown');
    expect(h.popcount_bound_tmacs).toBeNull();
    expect(h.xnor_vs_bound).toEqual([]);
    expect(hardwareNotes(h).join('\n')).toMatch(
      /no subgroups; no subgroup matrices.*\nHardware bounds: unknown/,
    );
  });

  it('reports subgroup-matrix configurations when the adapter lists them', () => {
    const configs = [{ componentType: 'i8', resultComponentType: 'i32', M: 8, N: 8, K: 32 }];
    const h = hardwareReport(
      adapter({ features: ['chromium-experimental-subgroup-matrix'], subgroupMatrixConfigs: configs }),
      [],
    );
    expect(h.subgroup_matrix).toBe(true);
    expect(h.subgroup_matrix_configs).toEqual(configs);
    expect(hardwareNotes(h)[0]).toMatch(/subgroup-matrix \(1 configurations: \[\{"componentType":"i8"/);
  });
});
