//! stdin: copies all of stdin to stdout unchanged; the byte count goes to
//! stderr.

use std::io::{Read, Write};

fn main() {
    let mut stdin = std::io::stdin().lock();
    let mut stdout = std::io::stdout().lock();
    let mut buf = vec![0u8; 64 << 10];
    let mut total = 0usize;
    let mut hash: u64 = 0xcbf29ce484222325;
    loop {
        let n = match stdin.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => {
                eprintln!("read failed: {e}");
                std::process::exit(1);
            }
        };
        for &b in &buf[..n] {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x100000001b3);
        }
        stdout.write_all(&buf[..n]).expect("write stdout");
        total += n;
    }
    stdout.flush().expect("flush stdout");
    eprintln!("copied {total} bytes fnv1a={hash:016x}");
}
