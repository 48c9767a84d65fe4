// fill_u32 — sets a range of a u32 buffer to one value (clears the counting tables between layers inside
// one compute pass, where clearBuffer cannot be recorded).
//
//   out[offset + i] = value   for i < count
//
// Bindings: params {offset, count, value}; out: u32[≥ offset + count].
// Dispatch: one invocation per element, flat: i = (gid.y·num_workgroups.x)·WG + gid.x over count;
// workgroup (WG, 1, 1). Versions: v1 (this file).

struct Params { offset: u32, count: u32, value: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;

override WG: u32 = 64;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.y * nwg.x * WG + gid.x;
  if (i >= p.count) { return; }
  out[p.offset + i] = p.value;
}
