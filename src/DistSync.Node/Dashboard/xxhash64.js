// xxHash64 (seed 0) of a string's UTF-8 bytes: the node's StableHash, so the page draws the same ring the
// nodes place partitions on (HashRing: 150 points per member at hash("nodeId#i")). BigInt keeps 64-bit
// arithmetic exact; the page hashes a few hundred short strings per membership change, so speed is no concern.

const MASK = (1n << 64n) - 1n;
const P1 = 0x9E3779B185EBCA87n;
const P2 = 0xC2B2AE3D27D4EB4Fn;
const P3 = 0x165667B19E3779F9n;
const P4 = 0x85EBCA77C2B2AE63n;
const P5 = 0x27D4EB2F165667C5n;

const rotl = (x, r) => ((x << r) | (x >> (64n - r))) & MASK;
const mul = (a, b) => (a * b) & MASK;
const add = (a, b) => (a + b) & MASK;

function round(acc, lane) {
  acc = add(acc, mul(lane, P2));
  return mul(rotl(acc, 31n), P1);
}

function merge(acc, v) {
  acc ^= round(0n, v);
  return add(mul(acc, P1), P4);
}

function read64(b, p) {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(b[p + i]);
  return v;
}

function read32(b, p) {
  return BigInt((b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0);
}

/** xxHash64 of text (UTF-8), seed 0, as a BigInt in [0, 2^64). */
export function xxh64(text) {
  const b = new TextEncoder().encode(text);
  const len = b.length;
  let p = 0;
  let h;
  if (len >= 32) {
    let v1 = add(P1, P2), v2 = P2, v3 = 0n, v4 = (MASK + 1n - P1) & MASK;
    for (; p + 32 <= len; p += 32) {
      v1 = round(v1, read64(b, p));
      v2 = round(v2, read64(b, p + 8));
      v3 = round(v3, read64(b, p + 16));
      v4 = round(v4, read64(b, p + 24));
    }
    h = add(add(rotl(v1, 1n), rotl(v2, 7n)), add(rotl(v3, 12n), rotl(v4, 18n)));
    h = merge(merge(merge(merge(h, v1), v2), v3), v4);
  } else {
    h = P5;
  }
  h = add(h, BigInt(len));
  for (; p + 8 <= len; p += 8) {
    h ^= round(0n, read64(b, p));
    h = add(mul(rotl(h, 27n), P1), P4);
  }
  if (p + 4 <= len) {
    h ^= mul(read32(b, p), P1);
    h = add(mul(rotl(h, 23n), P2), P3);
    p += 4;
  }
  for (; p < len; p++) {
    h ^= mul(BigInt(b[p]), P5);
    h = mul(rotl(h, 11n), P1);
  }
  h ^= h >> 33n;
  h = mul(h, P2);
  h ^= h >> 29n;
  h = mul(h, P3);
  h ^= h >> 32n;
  return h;
}

/** Where a hash sits on the ring, as a fraction of a turn in [0, 1). */
export const turnOf = (hash) => Number(hash >> 11n) / 2 ** 53;
