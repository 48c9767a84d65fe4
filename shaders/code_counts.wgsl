// code_counts — exact counts of every distinct code, and of every distinct (code, label) pair, per
// replica, in open-addressing hash tables (linear probing) in a storage buffer.
//
//   table[r, 0, slot] = (rep, count): `count` samples i have codes[r, i] = codes[r, rep − 1]
//   table[r, 1, slot] = (rep, count): `count` samples i have (codes[r, i], labels[i]) = those of rep − 1
//
// rep = 0 marks an empty slot. A sample claims an empty slot with atomicCompareExchangeWeak(rep, 0, i + 1)
// and becomes the slot's representative: the key is never copied, it is read from codes (written by an
// earlier dispatch), so 64-bit (and 64-bit + label) keys need only a 32-bit compare-exchange and no
// thread ever waits for another. A slot already claimed by a sample with the same key gets atomicAdd
// (count, 1); a different key probes the next slot. The counts, hence the count of counts
// (count_of_counts.wgsl), do not depend on the order the samples arrive in; the slots they land in do.
//
// The tables hold S ≥ 2n slots per replica and kind (S a power of two), so at most half are full and a
// probe sequence always ends; should it not within S + RETRIES steps, status bit 0 is set and the
// estimator refuses the layer instead of reporting wrong numbers.
//
// Replica groups: one dispatch counts replicas r0 … r0 + R − 1 of the codes into tables for R replicas,
// so the tables (16·S bytes per replica) can be reused group after group when all R would not fit.
//
// Bindings: params {R (replicas in this group), n, S, statusIndex, r0}; codes: u32[·, n, 2] (replica
// r0 + rr); labels: u32[n]; table: u32[R·2·S·2] (atomic; zero before the dispatch); status: u32[…]
// (atomic; word statusIndex).
// Dispatch: one invocation per (replica of the group, sample), flat: g = (gid.y·num_workgroups.x)·WG +
// gid.x over R·n; workgroup (WG, 1, 1). Versions: v1 (this file).

struct Params { R: u32, n: u32, S: u32, statusIndex: u32, r0: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> codes: array<u32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read_write> table: array<atomic<u32>>;
@group(0) @binding(4) var<storage, read_write> status: array<atomic<u32>>;

override WG: u32 = 64;

/** Compare-exchange retries allowed beyond S probes (a weak compare-exchange may fail spuriously). */
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

fn same_key(kind: u32, r: u32, i: u32, j: u32) -> bool {
  let a = (r * p.n + i) * 2u;
  let b = (r * p.n + j) * 2u;
  let same_code = codes[a] == codes[b] && codes[a + 1u] == codes[b + 1u];
  return same_code && (kind == 0u || labels[i] == labels[j]);
}

/** Counts sample i of replica r = r0 + rr in table `kind` (0: codes, 1: (code, label) pairs). */
fn insert(kind: u32, rr: u32, i: u32, h: u32) -> bool {
  let r = p.r0 + rr;
  let base = (rr * 2u + kind) * p.S;
  var slot = h & (p.S - 1u);
  var probes = 0u;
  for (var step = 0u; step < p.S + RETRIES; step++) {
    let e = (base + slot) * 2u;
    let res = atomicCompareExchangeWeak(&table[e], 0u, i + 1u);
    if (res.exchanged || (res.old_value != 0u && same_key(kind, r, i, res.old_value - 1u))) {
      atomicAdd(&table[e + 1u], 1u);
      return true;
    }
    if (res.old_value != 0u) { // another key: probe on (old_value = 0 was a spurious failure: retry)
      slot = (slot + 1u) & (p.S - 1u);
      probes += 1u;
      if (probes >= p.S) { return false; }
    }
  }
  return false;
}

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let g = gid.y * nwg.x * WG + gid.x;
  if (g >= p.R * p.n) { return; }
  let rr = g / p.n;
  let i = g % p.n;
  let c = (p.r0 * p.n + g) * 2u;
  let lo = codes[c];
  let hi = codes[c + 1u];
  let h = fmix32(lo ^ fmix32(hi ^ 0x9e3779b9u));
  var ok = insert(0u, rr, i, h);
  ok = insert(1u, rr, i, fmix32(h ^ (labels[i] * 0x27d4eb2fu + 0x165667b1u))) && ok;
  if (!ok) { atomicOr(&status[p.statusIndex], 1u); }
}
