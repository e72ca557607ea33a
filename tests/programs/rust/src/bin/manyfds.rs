//! manyfds: holds many files open at once (argv[1], default 1000), closes
//! every third, opens as many again, then closes everything, printing what
//! the descriptor numbers were (the native host hands the highest freed
//! number out first).

use std::fs::{self, File, OpenOptions};
use std::os::fd::AsRawFd;

fn main() {
    let count: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    fs::create_dir_all("many").unwrap();
    let mut files: Vec<Option<File>> = (0..count)
        .map(|i| {
            let file = OpenOptions::new().create(true).read(true).write(true).open(format!("many/f{i}"));
            Some(file.unwrap_or_else(|e| panic!("open {i}: {e}")))
        })
        .collect();
    let numbers: Vec<i32> = files.iter().map(|f| f.as_ref().unwrap().as_raw_fd()).collect();
    let sum: i64 = numbers.iter().map(|&n| i64::from(n)).sum();
    println!(
        "opened {count}: lowest={} highest={} sum={sum}",
        numbers.iter().min().unwrap(),
        numbers.iter().max().unwrap()
    );
    for slot in files.iter_mut().step_by(3) {
        *slot = None;
    }
    let mut resum = 0i64;
    let mut first = None;
    for (i, slot) in files.iter_mut().enumerate().step_by(3) {
        let file = File::open(format!("many/f{i}")).unwrap();
        first.get_or_insert(file.as_raw_fd());
        resum += i64::from(file.as_raw_fd());
        *slot = Some(file);
    }
    println!("closed and reopened {}: first={} sum={resum}", count.div_ceil(3), first.unwrap());
    drop(files);
    println!("closed all");
}
