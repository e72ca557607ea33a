//! heap: grows linear memory well past 256 MiB while asking WASI for random
//! bytes in between; only deterministic values are printed.

const CHUNK: usize = 16 << 20;
const CHUNKS: usize = 20; // 320 MiB kept alive

#[link(wasm_import_module = "wasi_snapshot_preview1")]
extern "C" {
    /// WASI P1 `random_get(buf, buf_len) -> errno`.
    #[link_name = "random_get"]
    fn wasi_random_get(buf: *mut u8, len: usize) -> u16;
}

fn random_bytes(buf: &mut [u8]) -> u16 {
    // SAFETY: the pointer and length describe a live, writable buffer.
    unsafe { wasi_random_get(buf.as_mut_ptr(), buf.len()) }
}

fn main() {
    let mut kept: Vec<Vec<u8>> = Vec::new();
    let mut seed: u32 = 12345;
    let mut random = [0u8; 64];

    for step in 1..=CHUNKS {
        let mut chunk = vec![0u8; CHUNK];
        for j in (0..CHUNK).step_by(4096) {
            seed = seed.wrapping_mul(1664525).wrapping_add(1013904223);
            chunk[j] = (seed >> 24) as u8;
        }
        kept.push(chunk);

        // Short-lived allocations that go back to the allocator.
        for _ in 0..64 {
            let garbage = vec![1u8; 64 << 10];
            std::hint::black_box(&garbage);
        }

        let errno = random_bytes(&mut random);
        if errno != 0 {
            println!("random_get failed: errno {errno}");
            std::process::exit(1);
        }
        // RandomState seeds itself from the same WASI source.
        let map: std::collections::HashMap<usize, usize> = (0..16).map(|i| (i, i * step)).collect();
        let total: usize = map.values().sum();
        println!(
            "step {step:02}: kept {} MiB, map total {total}",
            (kept.len() * CHUNK) >> 20
        );
    }

    // Re-read everything so a clobbered allocation is noticed.
    let mut sum: u32 = 2166136261;
    for chunk in &kept {
        for j in (0..CHUNK).step_by(4096) {
            sum = (sum ^ u32::from(chunk[j])).wrapping_mul(16777619);
        }
    }
    println!("checksum={sum:08x}");
    println!(
        "memory >= 320 MiB: {}",
        core::arch::wasm32::memory_size(0) * 65536 >= CHUNKS * CHUNK
    );
}
