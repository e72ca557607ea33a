//! p1fuzz: a differential fuzzer for raw `wasi_snapshot_preview1` calls.
//!
//! `p1fuzz [single|multi|malformed] [SEED] [STEPS]` (default: single 1 300)
//! makes STEPS calls chosen from SEED and prints one line per call: the
//! arguments that matter, the errno, and the parts of the result that must
//! be identical on every correct P1 host. The harness (`tests/src/fuzz/`)
//! runs it natively and through an adapter and compares everything.
//!
//! The sources live in `src/p1fuzz/` (not `src/bin/`, where every file is a
//! test case of its own).

#[path = "../p1fuzz/fdcalls.rs"]
mod fdcalls;
#[path = "../p1fuzz/fuzzer.rs"]
mod fuzzer;
#[path = "../p1fuzz/io.rs"]
mod io;
#[path = "../p1fuzz/mem.rs"]
mod mem;
#[path = "../p1fuzz/misc.rs"]
mod misc;
#[path = "../p1fuzz/out.rs"]
mod out;
#[path = "../p1fuzz/pathcalls.rs"]
mod pathcalls;
#[path = "../p1fuzz/poll.rs"]
mod poll;
#[path = "../p1fuzz/probe.rs"]
mod probe;
#[path = "../p1fuzz/rng.rs"]
mod rng;
#[path = "../p1fuzz/setup.rs"]
mod setup;
#[path = "../p1fuzz/wasi.rs"]
mod wasi;

use fuzzer::{Fuzzer, Mode};

const DEFAULT_STEPS: u32 = 300;

/// Call generators and their relative weights.
const CALLS: &[(u32, fn(&mut Fuzzer))] = &[
    (14, pathcalls::path_open),
    (8, |f| io::fuzz(f, io::Op::Read)),
    (8, |f| io::fuzz(f, io::Op::Write)),
    (5, |f| io::fuzz(f, io::Op::Pread)),
    (5, |f| io::fuzz(f, io::Op::Pwrite)),
    (5, fdcalls::fd_seek),
    (2, fdcalls::fd_tell),
    (4, fdcalls::fd_filestat_get),
    (3, fdcalls::fd_filestat_set_size),
    (2, fdcalls::fd_filestat_set_times),
    (3, fdcalls::fd_fdstat_get),
    (2, fdcalls::fd_fdstat_set_flags),
    (1, fdcalls::fd_fdstat_set_rights),
    (1, fdcalls::fd_advise),
    (1, fdcalls::fd_allocate),
    (1, fdcalls::fd_sync),
    (5, fdcalls::fd_close),
    (2, fdcalls::fd_renumber),
    (2, fdcalls::fd_prestat),
    (8, fdcalls::fd_readdir),
    (4, pathcalls::path_filestat_get),
    (2, pathcalls::path_filestat_set_times),
    (6, pathcalls::single_path),
    (3, pathcalls::path_rename),
    (2, pathcalls::path_link),
    (3, pathcalls::path_symlink),
    (3, pathcalls::path_readlink),
    (2, misc::clocks),
    (1, misc::random_get),
    (1, misc::sched_yield),
    (1, misc::args_or_environ),
    (1, misc::sockets),
    (4, poll::poll_oneoff),
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map_or(Some(Mode::Single), |m| Mode::parse(m));
    let seed = args.get(2).map_or(Some(1), |s| s.parse::<u64>().ok());
    let steps = args.get(3).map_or(Some(DEFAULT_STEPS), |s| s.parse::<u32>().ok());
    let (Some(mode), Some(seed), Some(steps)) = (mode, seed, steps) else {
        out::line("usage: p1fuzz [single|multi|malformed] [SEED] [STEPS]");
        std::process::exit(2);
    };
    out::line(&format!("p1fuzz mode={mode:?} seed={seed} steps={steps}"));

    let mut f = Fuzzer::new(mode, seed);
    setup::fixture(&mut f);
    let total: u32 = CALLS.iter().map(|(w, _)| w).sum();
    for _ in 0..steps {
        let mut pick = f.rng.below(u64::from(total)) as u32;
        for (weight, call) in CALLS {
            if pick < *weight {
                call(&mut f);
                break;
            }
            pick -= weight;
        }
    }
    if mode == Mode::Malformed {
        probe::run(&mut f);
    }
    out::line("done");
}
