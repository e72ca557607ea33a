//! hello: arguments and environment as seen by the program.

fn main() {
    println!("hello from rust");
    let args: Vec<String> = std::env::args().collect();
    println!("argc={}", args.len());
    for (i, a) in args.iter().enumerate() {
        println!("arg[{i}]={a:?}");
    }

    // Hash in the order the runtime hands the variables over, so a
    // reordering by the adapter shows up as a different checksum.
    let mut count = 0;
    let mut hash = Fnv::new();
    for (k, v) in std::env::vars() {
        count += 1;
        hash.write(format!("{k}={v}\n").as_bytes());
    }
    println!("envc={count} fnv1a={:016x}", hash.0);

    for k in [
        "VAR_0000",
        "VAR_1999",
        "EQ_A",
        "EQ_B",
        "EMPTY",
        "UNSET_VARIABLE",
    ] {
        match std::env::var(k) {
            Ok(v) => println!("{k} present=true value={v:?}"),
            Err(e) => println!("{k} present=false ({e})"),
        }
    }
}

/// 64-bit FNV-1a, enough to detect any difference in the environment block.
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf29ce484222325)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x100000001b3);
        }
    }
}
