//! poll_oneoff.
//!
//! Like the native host, every subscription that is ready when the call
//! returns is reported, in subscription order, and the call blocks only when
//! none is ready yet:
//! * clocks become ready when their deadline has passed (relative timeouts
//!   count from the start of the call; absolute ones are converted to that);
//! * regular files are always ready (read events flag a hang-up at end of
//!   file, as the native host does);
//! * standard streams are ready when the host stream is, which takes one
//!   host poll over at most three pollables (stdin, stdout, stderr) plus one
//!   timer for the earliest clock.
//!
//! One deliberate difference: a subscription on a descriptor that cannot be
//! polled (closed, a directory) reports EBADF in its own event instead of
//! failing the whole call, since Go treats any errno from poll_oneoff as
//! fatal.

use crate::descriptors::kind;
use crate::errno::{self, Errno};
use crate::wasi::{clocks, io, ListRef, ReturnArea};
use crate::{memory, state, stdio};

const SUBSCRIPTION_SIZE: usize = 48;
const EVENT_SIZE: usize = 32;
const EVENTTYPE_CLOCK: u8 = 0;
const EVENTTYPE_FD_READ: u8 = 1;
const EVENTTYPE_FD_WRITE: u8 = 2;
const SUBCLOCKFLAGS_ABSTIME: u16 = 1;
#[cfg(not(feature = "proxy"))]
const EVENTRWFLAGS_HANGUP: u16 = 1;

struct Subscription {
    userdata: u64,
    tag: u8,
    clock_id: u32,
    timeout: u64,
    flags: u16,
    fd: u32,
}

fn read_subscription(subs: u32, index: u32) -> Subscription {
    let base = subs as usize + index as usize * SUBSCRIPTION_SIZE;
    // SAFETY: guest pointer per P1; see `super::store_u32`.
    unsafe {
        Subscription {
            userdata: memory::read_u64_unaligned(base),
            tag: *((base + 8) as *const u8),
            clock_id: memory::read_u32(base + 16),
            timeout: memory::read_u64_unaligned(base + 24),
            flags: core::ptr::read_unaligned((base + 40) as *const u16),
            fd: memory::read_u32(base + 16),
        }
    }
}

/// What one subscription turned out to be, decided before waiting.
enum Kind {
    /// Ready once this many nanoseconds have passed since the call began.
    Clock(u64),
    /// Ready now, with these event flags.
    Now(u16),
    /// Ready when the host stream in this pollable slot is.
    Stream(usize),
    Failed(Errno),
}

/// Slots of the (at most three) standard-stream pollables: stdin for
/// reading, stdout and stderr for writing.
const STREAM_SLOTS: usize = 3;

pub fn poll_oneoff(subs: u32, events: u32, count: u32, nevents_out: u32) -> Errno {
    if count == 0 {
        return errno::INVAL;
    }
    let mut start = Start { monotonic: super::clocks::monotonic_now(), realtime: None };

    // Pass 1: what is ready now, what to wait for.
    let mut streams = [0u32; STREAM_SLOTS];
    let mut earliest_clock: Option<u64> = None;
    let mut ready_now = false;
    for i in 0..count {
        match classify(&read_subscription(subs, i), &mut start, Some(&mut streams)) {
            Kind::Clock(delay) => {
                ready_now |= delay == 0;
                earliest_clock = Some(earliest_clock.map_or(delay, |d| d.min(delay)));
            }
            Kind::Stream(_) => {}
            Kind::Now(_) | Kind::Failed(_) => ready_now = true,
        }
    }

    // Wait: not at all if something is ready, else until a stream is ready
    // or the earliest clock fires.
    let timeout = if ready_now { Some(0) } else { earliest_clock };
    let ready_streams = wait(&streams, timeout);
    let elapsed = super::clocks::monotonic_now().saturating_sub(start.monotonic);

    // Pass 2: report every ready subscription, in order.
    let mut written = 0u32;
    for i in 0..count {
        let sub = read_subscription(subs, i);
        let event = match classify(&sub, &mut start, None) {
            Kind::Clock(delay) if delay <= elapsed => Some((errno::SUCCESS, 0, 0)),
            Kind::Clock(_) => None,
            Kind::Now(flags) => Some((errno::SUCCESS, flags, 1)),
            Kind::Stream(slot) if ready_streams & (1 << slot) != 0 => Some((errno::SUCCESS, 0, 1)),
            Kind::Stream(_) => None,
            Kind::Failed(e) => Some((e, 0, 0)),
        };
        if let Some((error, flags, nbytes)) = event {
            write_event(events, written, sub.userdata, error, sub.tag, flags, nbytes);
            written += 1;
        }
    }
    for pollable in streams {
        if pollable != 0 {
            // SAFETY: own handles created by `classify` in pass 1.
            unsafe { io::drop_pollable(pollable) };
        }
    }
    super::store_u32(nevents_out, written);
    errno::SUCCESS
}

/// The clocks at the start of the call, so both passes measure deadlines
/// from the same instant. The wall clock is read only if a subscription
/// needs it (Go's timers use the monotonic clock).
struct Start {
    monotonic: u64,
    realtime: Option<u64>,
}

impl Start {
    fn realtime(&mut self) -> u64 {
        *self.realtime.get_or_insert_with(|| {
            let mut ret = ReturnArea::new();
            // SAFETY: plain import call writing a `Datetime`.
            unsafe { clocks::wall_now(ret.ptr()) };
            ret.get::<clocks::Datetime>().as_nanos()
        })
    }
}

/// Sorts a subscription. With `streams`, a stream subscription also gets a
/// pollable there (one per stream); without, only its slot is named.
fn classify(sub: &Subscription, start: &mut Start, streams: Option<&mut [u32; STREAM_SLOTS]>) -> Kind {
    match sub.tag {
        EVENTTYPE_CLOCK => match clock_delay(sub, start) {
            Ok(delay) => Kind::Clock(delay),
            Err(e) => Kind::Failed(e),
        },
        EVENTTYPE_FD_READ | EVENTTYPE_FD_WRITE => fd_kind(sub, streams),
        _ => Kind::Failed(errno::INVAL),
    }
}

fn fd_kind(sub: &Subscription, streams: Option<&mut [u32; STREAM_SLOTS]>) -> Kind {
    let d = match state::get().descriptors.get(sub.fd) {
        Ok(d) => d,
        Err(e) => return Kind::Failed(e),
    };
    let reading = sub.tag == EVENTTYPE_FD_READ;
    let slot = match (d.kind, reading) {
        (kind::STDIN, true) => 0,
        (kind::STDOUT, false) => 1,
        (kind::STDERR, false) => 2,
        #[cfg(not(feature = "proxy"))]
        (kind::FILE, true) => {
            return match super::files::stat(d.handle) {
                Ok(stat) if stat.size <= d.position => Kind::Now(EVENTRWFLAGS_HANGUP),
                Ok(_) => Kind::Now(0),
                Err(e) => Kind::Failed(e),
            }
        }
        (kind::FILE, false) => return Kind::Now(0),
        _ => return Kind::Failed(errno::BADF),
    };
    if let Some(streams) = streams.filter(|streams| streams[slot] == 0) {
        // SAFETY: plain import calls on streams the descriptor owns.
        streams[slot] = unsafe {
            if reading {
                io::input_subscribe(stdio::input_stream(d))
            } else {
                io::output_subscribe(stdio::output_stream(d))
            }
        };
    }
    Kind::Stream(slot)
}

/// Nanoseconds from the start of the call until the clock subscription
/// fires; a deadline in the past fires at once.
fn clock_delay(sub: &Subscription, start: &mut Start) -> Result<u64, Errno> {
    let absolute = sub.flags & SUBCLOCKFLAGS_ABSTIME != 0;
    match sub.clock_id {
        super::clocks::MONOTONIC if absolute => Ok(sub.timeout.saturating_sub(start.monotonic)),
        super::clocks::MONOTONIC | super::clocks::REALTIME if !absolute => Ok(sub.timeout),
        super::clocks::REALTIME => Ok(sub.timeout.saturating_sub(start.realtime())),
        _ => Err(errno::INVAL),
    }
}

/// Waits until one of `streams` is ready or `timeout` passes (forever when
/// there is no timeout); returns a bit per ready stream slot.
fn wait(streams: &[u32; STREAM_SLOTS], timeout: Option<u64>) -> u32 {
    let mut pollables = [0u32; STREAM_SLOTS + 1];
    let mut slots = [0usize; STREAM_SLOTS];
    let mut n = 0;
    for (slot, &pollable) in streams.iter().enumerate() {
        if pollable != 0 {
            pollables[n] = pollable;
            slots[n] = slot;
            n += 1;
        }
    }
    if n == 0 {
        if let Some(nanos) = timeout {
            sleep(nanos);
        }
        return 0;
    }
    let mut total = n;
    if let Some(nanos) = timeout {
        // SAFETY: plain import call.
        pollables[n] = unsafe { clocks::subscribe_duration(nanos) };
        total += 1;
    }
    let plan = crate::import_alloc::ImportPlan::into_scratch();
    let mut ret = ReturnArea::new();
    // SAFETY: the pollables are live handles; results land in scratch.
    unsafe { io::poll(pollables.as_ptr(), total, ret.ptr()) };
    let ready: ListRef = ret.get();
    let mut bits = 0;
    for j in 0..ready.len as usize {
        // SAFETY: the host wrote `len` u32 indexes.
        let index = unsafe { memory::read_u32(ready.ptr as usize + j * 4) } as usize;
        if index < n {
            bits |= 1 << slots[index];
        }
    }
    drop(plan);
    if total > n {
        // SAFETY: the timer created above.
        unsafe { io::drop_pollable(pollables[n]) };
    }
    bits
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

fn write_event(events: u32, index: u32, userdata: u64, error: Errno, kind: u8, flags: u16, nbytes: u64) {
    let out = events as usize + index as usize * EVENT_SIZE;
    // SAFETY: guest pointer per P1.
    unsafe {
        memory::fill(out, 0, EVENT_SIZE);
        memory::write_u64_unaligned(out, userdata);
        core::ptr::write_unaligned((out + 8) as *mut u16, error);
        *((out + 10) as *mut u8) = kind;
        memory::write_u64_unaligned(out + 16, nbytes);
        core::ptr::write_unaligned((out + 24) as *mut u16, flags);
    }
}
