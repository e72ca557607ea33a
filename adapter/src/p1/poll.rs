//! poll_oneoff: clock subscriptions, and fd subscriptions answered from
//! what the descriptor is.
//!
//! Clock subscriptions become one host timer (the earliest deadline); the
//! adapter blocks on it unless an fd event is already ready. Regular files
//! and directories are always ready, like on a native host. Standard
//! streams subscribe to the host stream. A bad fd sets that event's error.

use crate::descriptors::kind;
use crate::errno::{self, Errno};
use crate::wasi::{clocks, io};
use crate::{memory, state, stdio};

const SUBSCRIPTION_SIZE: usize = 48;
const EVENT_SIZE: usize = 32;
const EVENTTYPE_CLOCK: u8 = 0;
const EVENTTYPE_FD_READ: u8 = 1;
const EVENTTYPE_FD_WRITE: u8 = 2;
const SUBCLOCKFLAGS_ABSTIME: u16 = 1;

struct Subscription {
    userdata: u64,
    tag: u8,
    clock_id: u32,
    timeout: u64,
    flags: u16,
    fd: u32,
}

fn read_subscription(base: usize) -> Subscription {
    // SAFETY: guest pointer per P1; see `super::store_u32`.
    unsafe {
        Subscription {
            userdata: memory::read_u64(base),
            tag: *((base + 8) as *const u8),
            clock_id: memory::read_u32(base + 16),
            timeout: memory::read_u64(base + 24),
            flags: core::ptr::read_unaligned((base + 40) as *const u16),
            fd: memory::read_u32(base + 16),
        }
    }
}

fn write_event(out: usize, userdata: u64, error: Errno, kind: u8, nbytes: u64) {
    // SAFETY: guest pointer per P1.
    unsafe {
        memory::fill(out, 0, EVENT_SIZE);
        memory::write_u64(out, userdata);
        core::ptr::write_unaligned((out + 8) as *mut u16, error);
        *((out + 10) as *mut u8) = kind;
        memory::write_u64(out + 16, nbytes);
    }
}

/// Nanoseconds from now until the clock subscription fires.
fn clock_delay(sub: &Subscription) -> Result<u64, Errno> {
    let absolute = sub.flags & SUBCLOCKFLAGS_ABSTIME != 0;
    match sub.clock_id {
        super::clocks::MONOTONIC => {
            if absolute {
                Ok(sub.timeout.saturating_sub(super::clocks::monotonic_now()))
            } else {
                Ok(sub.timeout)
            }
        }
        super::clocks::REALTIME => {
            if absolute {
                let mut ret = crate::wasi::ReturnArea::new();
                // SAFETY: plain import call writing a `Datetime`.
                unsafe { clocks::wall_now(ret.ptr()) };
                let now: clocks::Datetime = ret.get();
                // A deadline in the past fires at once.
                Ok(sub.timeout.saturating_sub(now.as_nanos()))
            } else {
                Ok(sub.timeout)
            }
        }
        _ => Err(errno::INVAL),
    }
}

pub fn poll_oneoff(subs: u32, events: u32, count: u32, nevents_out: u32) -> Errno {
    if count == 0 {
        return errno::INVAL;
    }
    let mut written = 0u32;
    let mut earliest: Option<(u64, usize)> = None;
    let mut waiting_on_fd = 0u32;
    let event_at = |n: u32| events as usize + n as usize * EVENT_SIZE;

    for i in 0..count {
        let sub = read_subscription(subs as usize + i as usize * SUBSCRIPTION_SIZE);
        match sub.tag {
            EVENTTYPE_CLOCK => match clock_delay(&sub) {
                Ok(delay) => {
                    if earliest.map_or(true, |(d, _)| delay < d) {
                        earliest = Some((delay, i as usize));
                    }
                }
                Err(e) => {
                    write_event(event_at(written), sub.userdata, e, EVENTTYPE_CLOCK, 0);
                    written += 1;
                }
            },
            EVENTTYPE_FD_READ | EVENTTYPE_FD_WRITE => match fd_readiness(sub.fd, sub.tag) {
                Readiness::Ready => {
                    write_event(event_at(written), sub.userdata, errno::SUCCESS, sub.tag, 0);
                    written += 1;
                }
                Readiness::Failed(e) => {
                    write_event(event_at(written), sub.userdata, e, sub.tag, 0);
                    written += 1;
                }
                Readiness::Pending => waiting_on_fd += 1,
            },
            _ => {
                write_event(event_at(written), sub.userdata, errno::INVAL, sub.tag, 0);
                written += 1;
            }
        }
    }

    if written == 0 {
        if waiting_on_fd > 0 {
            written = wait_for_streams(subs, count, events, earliest.map(|(d, _)| d));
            if written == 0 {
                // Only the timer fired.
                if let Some((_, index)) = earliest {
                    let sub = read_subscription(subs as usize + index * SUBSCRIPTION_SIZE);
                    write_event(event_at(0), sub.userdata, errno::SUCCESS, EVENTTYPE_CLOCK, 0);
                    written = 1;
                }
            }
        } else if let Some((delay, index)) = earliest {
            sleep(delay);
            let sub = read_subscription(subs as usize + index * SUBSCRIPTION_SIZE);
            write_event(event_at(0), sub.userdata, errno::SUCCESS, EVENTTYPE_CLOCK, 0);
            written = 1;
        }
    }
    super::store_u32(nevents_out, written);
    errno::SUCCESS
}

enum Readiness {
    Ready,
    Pending,
    Failed(Errno),
}

fn fd_readiness(fd: u32, tag: u8) -> Readiness {
    let state = state::get();
    let d = match state.descriptors.get(fd) {
        Ok(d) => d,
        Err(e) => return Readiness::Failed(e),
    };
    match (d.kind, tag) {
        (kind::FILE, _) | (kind::DIRECTORY, _) => Readiness::Ready,
        (kind::STDIN, EVENTTYPE_FD_READ) | (kind::STDOUT | kind::STDERR, EVENTTYPE_FD_WRITE) => {
            Readiness::Pending
        }
        _ => Readiness::Failed(errno::BADF),
    }
}

/// Blocks until a standard stream subscribed to is ready or the timeout
/// passes; writes the events of the ready streams and returns their count.
fn wait_for_streams(subs: u32, count: u32, events: u32, timeout: Option<u64>) -> u32 {
    let state = state::get();
    // Pollables: one per pending fd subscription, then the timer. Kept on
    // the stack for small counts; larger polls are rare (Go polls a handful).
    const MAX: usize = 64;
    let mut pollables = [0u32; MAX + 1];
    let mut owners = [0u32; MAX];
    let mut n = 0usize;
    for i in 0..count {
        let sub = read_subscription(subs as usize + i as usize * SUBSCRIPTION_SIZE);
        if (sub.tag != EVENTTYPE_FD_READ && sub.tag != EVENTTYPE_FD_WRITE) || n == MAX {
            continue;
        }
        let Ok(d) = state.descriptors.get(sub.fd) else { continue };
        // SAFETY: plain import calls on handles the descriptor owns.
        let pollable = unsafe {
            if d.kind == kind::STDIN {
                io::input_subscribe(stdio::input_stream(d))
            } else {
                io::output_subscribe(stdio::output_stream(d))
            }
        };
        pollables[n] = pollable;
        owners[n] = i;
        n += 1;
    }
    let mut total = n;
    if let Some(delay) = timeout {
        // SAFETY: plain import call.
        pollables[n] = unsafe { clocks::subscribe_duration(delay) };
        total += 1;
    }
    let plan = crate::import_alloc::ImportPlan::into_scratch();
    let mut ret = crate::wasi::ReturnArea::new();
    // SAFETY: the pollables are live handles; results land in scratch.
    unsafe { io::poll(pollables.as_ptr(), total, ret.ptr()) };
    let ready: crate::wasi::ListRef = ret.get();
    let mut written = 0u32;
    for j in 0..ready.len as usize {
        // SAFETY: the host wrote `len` u32 indexes.
        let index = unsafe { memory::read_u32(ready.ptr as usize + j * 4) } as usize;
        if index < n {
            let sub = read_subscription(subs as usize + owners[index] as usize * SUBSCRIPTION_SIZE);
            write_event(events as usize + written as usize * EVENT_SIZE, sub.userdata, errno::SUCCESS, sub.tag, 0);
            written += 1;
        }
    }
    drop(plan);
    for pollable in &pollables[..total] {
        // SAFETY: own handles created above.
        unsafe { io::drop_pollable(*pollable) };
    }
    written
}

fn sleep(nanos: u64) {
    if nanos == 0 {
        return;
    }
    // SAFETY: plain import calls on a pollable owned here.
    unsafe {
        let pollable = clocks::subscribe_duration(nanos);
        io::pollable_block(pollable);
        io::drop_pollable(pollable);
    }
}
