// heap: allocation-heavy AssemblyScript program (TLSF + incremental GC).
//
// Keeps references to ~40 MiB of typed arrays, f64 arrays, strings and a map,
// drops half of the typed arrays, forces a full collection, allocates again,
// reads the environment after the heap has grown, then verifies every live
// object and prints checksums.

const FNV_PRIME: u64 = 0x100000001b3;

function pattern(id: u32, gen: u32, i: u32): u8 {
  let x = id * 0x9e3779b1 ^ gen * 0x7feb352d ^ i * 0x85ebca77;
  x ^= x >> 15;
  x *= 0x2c1b3c6d;
  x ^= x >> 12;
  return <u8>x;
}

function fillBuf(b: Uint8Array, id: u32, gen: u32): void {
  for (let i = 0; i < b.length; i++) b[i] = pattern(id, gen, <u32>i);
}

function checkBuf(b: Uint8Array, id: u32, gen: u32): i32 {
  let bad = 0;
  for (let i = 0; i < b.length; i++) if (b[i] != pattern(id, gen, <u32>i)) bad++;
  return bad;
}

function mix(h: u64, v: u64): u64 {
  return (h ^ v) * FNV_PRIME;
}

function hex16(v: u64): string {
  return v.toString(16).padStart(16, "0");
}

console.log("heap: start");

// 1. 256 typed arrays of 64 KiB + a bit: ~16 MiB
const NBUF = 256;
const bufs = new Array<Uint8Array>(NBUF);
const gens = new Array<u32>(NBUF);
for (let i = 0; i < NBUF; i++) {
  const b = new Uint8Array(65536 + i * 16);
  fillBuf(b, <u32>i, 1);
  bufs[i] = b;
  gens[i] = 1;
}
console.log("allocated " + NBUF.toString() + " byte buffers");

// 2. 1000 arrays of 1000 f64: ~8 MiB
const NF = 1000;
const floats = new Array<Array<f64>>(0);
for (let i = 0; i < NF; i++) {
  const a = new Array<f64>(0);
  for (let j = 0; j < 1000; j++) a.push(<f64>(i * 1000 + j) * 0.5);
  floats.push(a);
}
console.log("allocated " + NF.toString() + " float arrays");

// 3. 50000 short strings and 200 long ones: ~1.5 MiB + ~6.5 MiB
const shorts = new Array<string>(0);
for (let i = 0; i < 50000; i++) shorts.push("item-" + i.toString() + "-" + (i * 7).toString());
const longs = new Array<string>(0);
for (let i = 0; i < 200; i++) longs.push(String.fromCharCode(65 + i % 26).repeat(16384 + i));
console.log("allocated " + shorts.length.toString() + " short and " +
  longs.length.toString() + " long strings");

// 4. a map with 20000 entries
const map = new Map<i32, string>();
for (let i = 0; i < 20000; i++) map.set(i * 3, "value" + i.toString());
console.log("map size = " + map.size.toString());

// 5. drop every other buffer, collect, allocate replacements (different sizes)
for (let i = 1; i < NBUF; i += 2) bufs[i] = new Uint8Array(1);
__collect();
for (let i = 1; i < NBUF; i += 2) {
  const b = new Uint8Array(98304 + i * 8);
  fillBuf(b, <u32>i, 2);
  bufs[i] = b;
  gens[i] = 2;
}
console.log("replaced " + (NBUF / 2).toString() + " buffers after a full collection");

// 6. environment and arguments after the heap has grown
const env = process.env;
console.log("argc = " + process.argv.length.toString() +
  ", env vars = " + env.size.toString());
console.log("env[CASE] = " + (env.has("CASE") ? "[" + env.get("CASE") + "]" : "(unset)"));
console.log("env[VAR_0000] = " + (env.has("VAR_0000") ? "[" + env.get("VAR_0000") + "]" : "(unset)"));
console.log("env[VAR_1999] = " + (env.has("VAR_1999") ? "[" + env.get("VAR_1999") + "]" : "(unset)"));

// 7. verify and checksum everything
let bad = 0;
let h: u64 = 0xcbf29ce484222325;
let totalBytes: u64 = 0;
for (let i = 0; i < NBUF; i++) {
  const b = bufs[i];
  bad += checkBuf(b, <u32>i, gens[i]);
  totalBytes += <u64>b.length;
  for (let j = 0; j < b.length; j += 4093) h = mix(h, <u64>b[j]);
}
for (let i = 0; i < NF; i++) {
  const a = floats[i];
  for (let j = 0; j < a.length; j++) {
    if (a[j] != <f64>(i * 1000 + j) * 0.5) bad++;
  }
  h = mix(h, reinterpret<u64>(a[i % 1000]));
  totalBytes += <u64>a.length * 8;
}
for (let i = 0; i < shorts.length; i++) {
  if (shorts[i] != "item-" + i.toString() + "-" + (i * 7).toString()) bad++;
  h = mix(h, <u64>shorts[i].length);
  totalBytes += <u64>shorts[i].length * 2;
}
for (let i = 0; i < longs.length; i++) {
  const s = longs[i];
  if (s.length != 16384 + i || s.charCodeAt(s.length - 1) != 65 + i % 26) bad++;
  h = mix(h, <u64>s.charCodeAt(i));
  totalBytes += <u64>s.length * 2;
}
for (let i = 0; i < 20000; i++) {
  if (!map.has(i * 3) || map.get(i * 3) != "value" + i.toString()) bad++;
}
h = mix(h, <u64>map.size);

console.log("live payload bytes = " + totalBytes.toString());
console.log("mismatches = " + bad.toString());
console.log("checksum = " + hex16(h));
console.log("heap: done");
