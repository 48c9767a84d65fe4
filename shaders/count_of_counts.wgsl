// count_of_counts — from code_counts' tables, how many codes occur exactly k times (and, per label y, how
// many (code, y) pairs occur k times): the only numbers the entropies need (src/info/entropy.ts).
//
//   for each occupied slot of table[r, kind] with count k:
//     key = k·(C + 1) + y'   (y' = C for the codes table, kind 0; y' = the label of the slot's
//                             representative for the (code, label) table, kind 1)
//     coc[r, ·] gets (key, m) with m += 1
//
// coc is a small open-addressing table per replica (S2 slots, a power of two) keyed by `key` itself
// (key ≥ C + 1 > 0, so 0 marks an empty slot): claim with atomicCompareExchangeWeak(key word, 0, key),
// count with atomicAdd. Over N samples there are fewer than √(2N) distinct k (1 + 2 + … + d ≤ N), and
// fewer than √(2N) + √(2NC) distinct keys in all; the wrapper makes S2 ≥ twice that, so the table never
// fills; should a probe sequence not end within S2 + RETRIES steps, status bit 1 is set. The (key, m)
// pairs do not depend on the order; their slots do (the host sorts them).
//
// Bindings: params {R (replicas in the group), S, C, S2, statusIndex, r0}; labels: u32[n]; table:
// u32[R·2·S·2] (code_counts' for replicas r0 …; read with atomicLoad, and every occupied slot emptied after
// it is read, so the table is all zeros again and the next count needs no fill); coc: u32[·, S2, 2] (atomic; zero
// before the first group; replica r0 + rr written); status: u32[…] (atomic).
// Dispatch: one invocation per (replica of the group, kind, slot), flat over R·2·S; workgroup (WG, 1, 1).
// Versions: v1 (this file).

struct Params { R: u32, S: u32, C: u32, S2: u32, statusIndex: u32, r0: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> labels: array<u32>;
@group(0) @binding(2) var<storage, read_write> table: array<atomic<u32>>;
@group(0) @binding(3) var<storage, read_write> coc: array<atomic<u32>>;
@group(0) @binding(4) var<storage, read_write> status: array<atomic<u32>>;

override WG: u32 = 64;

const RETRIES: u32 = 64u;

fn fmix32(h0: u32) -> u32 {
  var h = h0;
  h ^= h >> 16u;
  h *= 0x85ebca6bu;
  h ^= h >> 13u;
  h *= 0xc2b2ae35u;
  h ^= h >> 16u;
  return h;
}

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let g = gid.y * nwg.x * WG + gid.x;
  if (g >= p.R * 2u * p.S) { return; }
  let r = p.r0 + g / (2u * p.S);
  let kind = (g / p.S) % 2u;
  let rep = atomicLoad(&table[g * 2u]);
  if (rep == 0u) { return; }
  let k = atomicLoad(&table[g * 2u + 1u]);
  // The slot is this invocation's alone: empty it, so the table is clean for the next layer or group.
  atomicStore(&table[g * 2u], 0u);
  atomicStore(&table[g * 2u + 1u], 0u);
  var y = p.C;
  if (kind == 1u) { y = labels[rep - 1u]; }
  let key = k * (p.C + 1u) + y;
  let base = r * p.S2;
  var slot = fmix32(key) & (p.S2 - 1u);
  var probes = 0u;
  for (var step = 0u; step < p.S2 + RETRIES; step++) {
    let e = (base + slot) * 2u;
    let res = atomicCompareExchangeWeak(&coc[e], 0u, key);
    if (res.exchanged || res.old_value == key) {
      atomicAdd(&coc[e + 1u], 1u);
      return;
    }
    if (res.old_value != 0u) {
      slot = (slot + 1u) & (p.S2 - 1u);
      probes += 1u;
      if (probes >= p.S2) { break; }
    }
  }
  atomicOr(&status[p.statusIndex], 2u);
}
