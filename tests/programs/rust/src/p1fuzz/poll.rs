//! poll_oneoff.
//!
//! Readiness must not depend on timing. The native host polls every
//! subscription once and reports those ready in that pass; only if none is
//! does it wait. So (see `Readiness`) a poll combines subscriptions ready in
//! the first pass, clocks whose deadline has passed (ready from the second
//! pass on, so the native host reports them only when nothing else is ready
//! at once: a known divergence, `poll-zero-clock`), and clocks hours away;
//! a read subscription on a file (ready once a reader thread is done) only
//! goes with the last kind; and every poll has something that gets ready.
//!
//! Documented difference: the native host fails the whole call with BADF
//! when a subscription names a descriptor it cannot poll, our adapter
//! reports BADF in that subscription's event instead. Either is printed as
//! "badf-reported" and nothing else about that call. So that no other error
//! can hide behind that difference, polls with arbitrary descriptors never
//! also hold malformed subscriptions.

use crate::fuzzer::{Fuzzer, Kind};
use crate::mem;
use crate::wasi::{self, EBADF};

const NEVER_REL: u64 = 10_000_000_000_000; // ~2.8 hours
const TAG_CLOCK: u8 = 0;
const TAG_FD_READ: u8 = 1;
const TAG_FD_WRITE: u8 = 2;

struct Sub {
    userdata: u64,
    tag: u8,
    /// Clock id or descriptor.
    id: u32,
    timeout: u64,
    flags: u16,
}

impl Sub {
    fn clock(userdata: u64, id: u32, timeout: u64, absolute: bool) -> Sub {
        Sub {
            userdata,
            tag: TAG_CLOCK,
            id,
            timeout,
            flags: u16::from(absolute),
        }
    }

    fn fd(userdata: u64, tag: u8, fd: u32) -> Sub {
        Sub {
            userdata,
            tag,
            id: fd,
            timeout: 0,
            flags: 0,
        }
    }

    fn describe(&self) -> String {
        match self.tag {
            TAG_CLOCK => format!(
                "clock(id={},t={},flags={:#x},ud={})",
                self.id, self.timeout, self.flags, self.userdata
            ),
            TAG_FD_READ => format!("read(fd={},ud={})", self.id, self.userdata),
            TAG_FD_WRITE => format!("write(fd={},ud={})", self.id, self.userdata),
            tag => format!("tag{tag}(ud={})", self.userdata),
        }
    }

    fn store(&self, at: u32) {
        mem::fill(at, wasi::SUBSCRIPTION_SIZE, 0);
        mem::set_u64(at, self.userdata);
        mem::write_bytes(at + 8, &[self.tag]);
        mem::set_u32(at + 16, self.id);
        if self.tag == TAG_CLOCK || self.tag > TAG_FD_WRITE {
            mem::set_u64(at + 24, self.timeout);
            mem::set_u64(at + 32, 0);
            mem::write_bytes(at + 40, &self.flags.to_le_bytes());
        }
    }
}

fn ready_clock(f: &mut Fuzzer) -> Sub {
    let ud = f.rng.below(1000);
    let id = f.rng.below(2) as u32;
    Sub::clock(ud, id, 0, f.rng.chance(50))
}

fn never_clock(f: &mut Fuzzer) -> Sub {
    let ud = f.rng.below(1000);
    let id = f.rng.below(2) as u32;
    if f.rng.chance(50) {
        Sub::clock(ud, id, NEVER_REL, false)
    } else {
        Sub::clock(ud, id, u64::MAX, true)
    }
}

/// When the native host sees a subscription ready.
#[derive(PartialEq, Eq)]
enum Readiness {
    /// In the first pass: standard streams, file writes.
    Immediate,
    /// From the second pass: clocks whose deadline has passed.
    Yielding,
    /// When a reader thread is done: reads of files.
    Eventually,
    /// Not within a run: clocks hours away.
    Never,
    /// Refused before polling (BADF): descriptors that cannot be polled.
    Refused,
}

fn readiness(f: &Fuzzer, sub: &Sub) -> Readiness {
    let kind = f.kind_of(sub.id);
    match sub.tag {
        TAG_CLOCK if sub.timeout == 0 => Readiness::Yielding,
        TAG_CLOCK => Readiness::Never,
        TAG_FD_READ if sub.id == 0 => Readiness::Immediate,
        TAG_FD_READ if kind == Some(Kind::File) => Readiness::Eventually,
        TAG_FD_WRITE if sub.id == 1 || sub.id == 2 || kind == Some(Kind::File) => {
            Readiness::Immediate
        }
        _ => Readiness::Refused,
    }
}

fn fd_sub(f: &mut Fuzzer) -> Sub {
    let ud = f.rng.below(1000);
    let tag = if f.rng.chance(50) { TAG_FD_READ } else { TAG_FD_WRITE };
    let fd = if f.rng.chance(30) {
        f.rng.range(0, 2)
    } else {
        f.any_fd()
    };
    Sub::fd(ud, tag, fd)
}

/// A subscription the host must reject with INVAL (decoded from memory, so
/// no trap): unknown tag, cputime or unknown clock, unknown clock flags.
fn malformed_sub(f: &mut Fuzzer) -> Sub {
    let ud = f.rng.below(1000);
    match f.rng.below(3) {
        0 => Sub {
            tag: f.rng.range(3, 255) as u8,
            ..Sub::fd(ud, 0, 1)
        },
        1 => Sub::clock(ud, f.rng.pick(&[2, 3, 4, 1000, u32::MAX]), 0, false),
        _ => Sub {
            flags: f.rng.pick(&[2, 3, 0x100, 0xffff]),
            ..Sub::clock(ud, 1, 0, false)
        },
    }
}

pub fn poll_oneoff(f: &mut Fuzzer) {
    let mut subs = Vec::new();
    let mut nsubs_override = None;
    match f.rng.below(10) {
        // A short sleep: one relative clock (the native host's special case),
        // or one short clock among never-ready ones.
        0..=1 => {
            let id = f.rng.below(2) as u32;
            let timeout = f.rng.pick(&[0, 1000, 1_000_000]);
            subs.push(Sub::clock(f.rng.below(1000), id, timeout, false));
            for _ in 0..f.rng.below(3) {
                let never = never_clock(f);
                let at = f.rng.below(subs.len() as u64 + 1) as usize;
                subs.insert(at, never);
            }
        }
        // Malformed subscriptions, alongside well-formed ones only.
        2..=3 if f.malformed() => {
            subs.push(malformed_sub(f));
            for _ in 0..f.rng.below(3) {
                let ok = if f.rng.chance(50) {
                    ready_clock(f)
                } else {
                    Sub::fd(f.rng.below(1000), TAG_FD_WRITE, f.rng.range(1, 2))
                };
                let at = f.rng.below(subs.len() as u64 + 1) as usize;
                subs.insert(at, ok);
            }
            if f.rng.chance(30) {
                nsubs_override = Some(f.rng.pick(&[0, 1 << 28, u32::MAX]));
            }
        }
        // Ready clocks and descriptors, with never-ready clocks mixed in.
        _ => {
            // Past four: the adapter remembers the first four subscriptions
            // between its two passes and reads the rest again (p1/poll.rs).
            // At most MAX_SUBS - 1, leaving room for the ready clock below.
            let count = f.rng.range(1, mem::MAX_SUBS - 1);
            for _ in 0..count {
                let sub = match f.rng.below(10) {
                    0..=2 => ready_clock(f),
                    3..=4 => never_clock(f),
                    _ => fd_sub(f),
                };
                subs.push(sub);
            }
            let kinds: Vec<Readiness> = subs.iter().map(|s| readiness(f, s)).collect();
            let count = |r: Readiness| kinds.iter().filter(|k| **k == r).count();
            let racing = count(Readiness::Immediate) + count(Readiness::Yielding) > 0
                || count(Readiness::Eventually) > 1;
            if racing {
                // File reads become stdin reads (ready at once).
                for (sub, kind) in subs.iter_mut().zip(&kinds) {
                    if *kind == Readiness::Eventually {
                        sub.id = 0;
                    }
                }
            }
            if count(Readiness::Never) == subs.len() {
                subs.push(ready_clock(f));
            }
            if f.avoids("poll-zero-clock") && subs.iter().any(|s| s.tag != TAG_CLOCK) {
                subs.retain(|s| s.tag != TAG_CLOCK || s.timeout != 0);
            }
        }
    }

    for (i, sub) in subs.iter().enumerate() {
        sub.store(mem::addr(mem::SUBS) + i as u32 * wasi::SUBSCRIPTION_SIZE);
    }
    let events = mem::addr(mem::EVENTS);
    mem::fill(events, wasi::EVENT_SIZE * mem::MAX_SUBS, 0xee);
    let nevents_at = mem::addr(mem::RESULT2);
    mem::set_u32(nevents_at, 0xeeee_eeee);
    let nsubs = nsubs_override.unwrap_or(subs.len() as u32);
    let errno =
        unsafe { wasi::poll_oneoff(mem::addr(mem::SUBS), events, nsubs, nevents_at) };

    let described: Vec<String> = subs.iter().map(Sub::describe).collect();
    let args = format!("nsubs={nsubs} [{}]", described.join(" "));
    let results = if errno == wasi::SUCCESS {
        let n = mem::u32_at(nevents_at);
        let shown: Vec<(u16, String)> = (0..n.min(mem::MAX_SUBS))
            .map(|i| describe_event(events + i * wasi::EVENT_SIZE))
            .collect();
        if shown.iter().any(|(error, _)| u32::from(*error) == EBADF) {
            "badf-reported".to_string()
        } else {
            let texts: Vec<String> = shown.into_iter().map(|(_, t)| t).collect();
            format!("nevents={n} [{}]", texts.join(" "))
        }
    } else if errno == EBADF {
        "badf-reported".to_string()
    } else {
        String::new()
    };
    // BADF either way is one outcome; print it in place of the errno.
    let errno = if results == "badf-reported" { wasi::SUCCESS } else { errno };
    f.report("poll_oneoff", &args, errno, &results);
}

fn describe_event(at: u32) -> (u16, String) {
    let error = mem::u16_at(at + 8);
    let text = format!(
        "ud={}:{}:type{}:nbytes={}:flags={:#x}",
        mem::u64_at(at),
        wasi::errno_name(u32::from(error)),
        mem::u8_at(at + 10),
        mem::u64_at(at + 16),
        mem::u16_at(at + 24)
    );
    (error, text)
}
