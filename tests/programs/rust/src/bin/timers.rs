//! timers: sleeps and monotonic/wall clock checks, printed as booleans.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn main() {
    let start = Instant::now();
    for ms in [10u64, 20, 30] {
        let t = Instant::now();
        std::thread::sleep(Duration::from_millis(ms));
        println!(
            "sleep {ms}ms: elapsed >= {ms}ms: {}",
            t.elapsed() >= Duration::from_millis(ms)
        );
    }
    println!(
        "total elapsed >= 60ms: {}",
        start.elapsed() >= Duration::from_millis(60)
    );

    // A zero-length sleep must return promptly.
    let t = Instant::now();
    std::thread::sleep(Duration::ZERO);
    println!(
        "zero sleep elapsed < 1s: {}",
        t.elapsed() < Duration::from_secs(1)
    );

    let mut prev = Instant::now();
    let mut monotonic = true;
    for _ in 0..1000 {
        let now = Instant::now();
        if now < prev {
            monotonic = false;
        }
        prev = now;
    }
    println!("monotonic: {monotonic}");

    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock before 1970");
    // 2024-01-01T00:00:00Z
    println!(
        "wall clock after 2024: {}",
        since_epoch.as_secs() >= 1_704_067_200
    );
}
