//! poll_oneoff, answering as the native host does:
//! * no subscriptions: EINVAL;
//! * a single relative clock: sleep, then one event with `nbytes` 1 (the
//!   native host's shortcut, which also takes the CPU-time clocks);
//! * otherwise every subscription is checked in order before anything
//!   waits: a malformed one (unknown tag, clock id or flag bits) is EINVAL,
//!   a CPU-time clock EINVAL, a descriptor that cannot be polled (closed,
//!   a directory, stdout for reading, ...) EBADF, each failing the whole
//!   call. Then the ready subscriptions are reported in subscription order,
//!   in the tiers the native host's poll loop produces:
//!   1. what is ready at once: writes to files, and standard streams whose
//!      host stream is ready (one host poll with a zero timeout);
//!   2. otherwise clocks already due (zero timeouts, past deadlines), which
//!      the native host readies on its second round, and reads from files
//!      (ready when the host's background read finishes; with a clock due
//!      as well the native order is a race, and both are reported);
//!   3. otherwise the call waits for a standard stream or the earliest
//!      clock, and reports what is ready then.
//!
//! Read events on files flag a hang-up at end of file; clock deadlines count
//! from the start of the call.

use super::types::{clockid, eventtype, EVENT_SIZE, SUBCLOCKFLAGS_ABSTIME, SUBSCRIPTION_SIZE};
#[cfg(not(feature = "proxy"))]
use super::types::EVENTRWFLAGS_HANGUP;
use super::{Guest, HOSTCALL_BUDGET};
use crate::descriptors::Descriptor;
use crate::errno::{self, Errno};
use crate::state::State;
use crate::wasi::abi::ScratchPlan;
use crate::wasi::clocks::{monotonic_clock, wall_clock};
use crate::wasi::io::poll as io_poll;
use crate::stdio;

/// A decoded subscription: what the native host reads with its typed
/// guest-memory accessors, with the same EINVAL for values it cannot decode.
#[derive(Default)]
struct Subscription {
    userdata: u64,
    tag: u8,
    /// Clock subscriptions.
    clock_id: u32,
    timeout: u64,
    absolute: bool,
    /// FD subscriptions.
    fd: u32,
}

/// Subscription `index`, out of line (it is read in several places),
/// written into `sub`: a returned `Result<Subscription, _>` would be copied
/// out of its return slot at every caller.
#[inline(never)]
fn read_subscription(guest: Guest, subs: u32, index: u32, sub: &mut Subscription) -> Result<(), Errno> {
    *sub = decode_subscription(guest, subs, index)?;
    Ok(())
}

/// `read_subscription`, inlined where the fields should stay in locals.
#[inline(always)]
fn decode_subscription(guest: Guest, subs: u32, index: u32) -> Result<Subscription, Errno> {
    let offset = u64::from(index) * u64::from(SUBSCRIPTION_SIZE);
    guest.check_inline(subs, offset + u64::from(SUBSCRIPTION_SIZE))?;
    let base = (subs as usize + offset as usize) as *const u8;
    // SAFETY: inside memory (checked above); unaligned reads, as P1 does
    // not promise alignment. Offsets as pointer steps, which become the
    // loads' immediate offsets.
    let (userdata, tag, word, timeout, flags) = unsafe {
        (
            base.cast::<u64>().read_unaligned(),
            *base.add(8),
            base.add(16).cast::<u32>().read_unaligned(),
            base.add(24).cast::<u64>().read_unaligned(),
            base.add(40).cast::<u16>().read_unaligned(),
        )
    };
    match tag {
        eventtype::CLOCK if word <= clockid::THREAD_CPUTIME && flags & !SUBCLOCKFLAGS_ABSTIME == 0 => {
            Ok(Subscription { userdata, tag, clock_id: word, timeout, absolute: flags != 0, fd: 0 })
        }
        eventtype::FD_READ | eventtype::FD_WRITE => {
            Ok(Subscription { userdata, tag, clock_id: 0, timeout: 0, absolute: false, fd: word })
        }
        _ => Err(errno::INVAL),
    }
}

/// What one subscription turned out to be, decided before waiting.
#[derive(Clone, Copy)]
enum Kind {
    /// Ready once this many nanoseconds have passed since the call began.
    Clock(u64),
    /// A write to a file: ready at once.
    #[cfg_attr(feature = "proxy", allow(dead_code))]
    FileWrite,
    /// A read from a file at this position: ready a moment later.
    #[cfg_attr(feature = "proxy", allow(dead_code))]
    FileRead { handle: u32, position: u64 },
    /// Ready when the host stream in this pollable slot is.
    Stream(usize),
}

/// Slots of the (at most three) standard-stream pollables: stdin for
/// reading, stdout and stderr for writing.
const STREAM_SLOTS: usize = 3;

pub fn poll_oneoff(state: &mut State, subs: u32, events: u32, count: u32, nevents_out: u32) -> Result<(), Errno> {
    let guest = Guest::of(state);
    // The lone clock's event count is stored here, not returned from
    // `poll`: a `Result<u32, _>` costs more to pass than to store.
    if let Some(sub) = lone_relative_clock(guest, subs, count)? {
        sleep(sub.timeout);
        write_event(guest, events, 0, sub.userdata, sub.tag, 0, 1)?;
        super::store_u32(nevents_out, 1);
        return Ok(());
    }
    let written = poll(state, guest, subs, events, count)?;
    super::store_u32(nevents_out, written);
    Ok(())
}

/// What pass 1 found.
#[derive(Default)]
struct Found {
    earliest_clock: Option<u64>,
    clock_due: bool,
    file_write: bool,
    file_read: bool,
}

/// Which subscriptions pass 2 reports.
struct Ready {
    /// Bits of the ready standard-stream slots.
    streams: u32,
    /// Clocks whose delay is at most this are due (`None`: no clock is).
    clocks_until: Option<u64>,
    files: bool,
}

/// The native host's checks before it looks at the subscriptions one by
/// one: none is EINVAL; a single relative clock is its sleeping shortcut;
/// arrays beyond the per-call copy budget are ENOMEM. Inlined: Go's
/// scheduler polls one zero-timeout clock again and again.
#[inline(always)]
fn lone_relative_clock(guest: Guest, subs: u32, count: u32) -> Result<Option<Subscription>, Errno> {
    if count == 0 {
        return Err(errno::INVAL);
    }
    if count == 1 {
        let sub = decode_subscription(guest, subs, 0)?;
        if sub.tag == eventtype::CLOCK && !sub.absolute {
            return Ok(Some(sub));
        }
    }
    let subs_bytes = u64::from(count) * u64::from(SUBSCRIPTION_SIZE);
    if subs_bytes > HOSTCALL_BUDGET || u64::from(count) * u64::from(EVENT_SIZE) > HOSTCALL_BUDGET - subs_bytes {
        return Err(errno::NOMEM);
    }
    Ok(None)
}

/// Every case but the lone relative clock (`poll_oneoff`).
fn poll(state: &mut State, guest: Guest, subs: u32, events: u32, count: u32) -> Result<u32, Errno> {
    let mut start = Start { monotonic: super::clocks::monotonic_now(&mut state.pause), realtime: None };

    // Pass 1: check every subscription, note what is ready when.
    let mut streams = [0u32; STREAM_SLOTS];
    let mut seen = [Seen { userdata: 0, tag: 0, kind: Kind::FileWrite }; REMEMBERED];
    let ready = classify_all(state, guest, subs, count, &mut start, &mut streams, &mut seen)
        .map(|found| decide(state, &found, &streams, &start));
    for pollable in streams {
        if pollable != 0 {
            io_poll::drop_pollable(pollable);
        }
    }
    let ready = ready?;

    // Pass 2: report every ready subscription, in order.
    let mut written = 0u32;
    for i in 0..count {
        let Seen { userdata, tag, kind } = match seen.get(i as usize) {
            Some(seen) => *seen,
            None => {
                let mut sub = Subscription::default();
                read_subscription(guest, subs, i, &mut sub)?;
                Seen { userdata: sub.userdata, tag: sub.tag, kind: classify(state, &sub, &mut start, None)? }
            }
        };
        let event = match kind {
            Kind::Clock(delay) if ready.clocks_until.is_some_and(|until| delay <= until) => Some((0, 0)),
            Kind::FileWrite | Kind::FileRead { .. } if !ready.files => None,
            Kind::FileWrite => Some((0, 1)),
            #[cfg(not(feature = "proxy"))]
            Kind::FileRead { handle, position } => {
                let at_end = super::files::size(handle)? <= position;
                Some((if at_end { EVENTRWFLAGS_HANGUP } else { 0 }, 1))
            }
            #[cfg(feature = "proxy")]
            Kind::FileRead { .. } => None,
            Kind::Stream(slot) if ready.streams & (1 << slot) != 0 => Some((0, 1)),
            Kind::Clock(_) | Kind::Stream(_) => None,
        };
        if let Some((flags, nbytes)) = event {
            write_event(guest, events, written, userdata, tag, flags, nbytes)?;
            written += 1;
        }
    }
    Ok(written)
}

/// How many subscriptions pass 1 remembers for pass 2 (userdata, tag and
/// what it found), so that pass 2 reads neither guest memory nor the
/// descriptor table again for them. Go polls one or two at a time. Beyond
/// these, pass 2 reads and classifies a subscription again, which gives
/// the same answer (nothing either pass reads changes in between) and
/// makes no host call.
const REMEMBERED: usize = 4;

#[derive(Clone, Copy)]
struct Seen {
    userdata: u64,
    tag: u8,
    kind: Kind,
}

/// The three tiers of the module doc, in order.
fn decide(state: &mut State, found: &Found, streams: &[u32; STREAM_SLOTS], start: &Start) -> Ready {
    let has_streams = streams.iter().any(|&p| p != 0);
    let at_once = if has_streams { wait(state, streams, Some(0)) } else { 0 };
    if at_once != 0 || found.file_write {
        return Ready { streams: at_once, clocks_until: None, files: found.file_write };
    }
    if found.clock_due || found.file_read {
        return Ready { streams: 0, clocks_until: Some(0), files: found.file_read };
    }
    let ready_streams = wait(state, streams, found.earliest_clock);
    let elapsed = super::clocks::monotonic_now(&mut state.pause).saturating_sub(start.monotonic);
    Ready { streams: ready_streams, clocks_until: Some(elapsed), files: false }
}

/// `poll_oneoff` inside a host-started allocation, which may not call the
/// host: clock subscriptions only (anything else is ENOTSUP), answered at
/// once as if the earliest clock had expired, and the paused clocks move
/// forward by that much.
///
/// This is safe for Go's scheduler: it polls there with a single
/// zero-timeout clock (netpoll when the GC restarts the world), and a clock
/// reported early only makes Go look at its timers early, find none due
/// and ask again; since the paused clocks moved forward by the delay, the
/// timer is due by then, so nothing waits forever and nothing runs before
/// its time as Go measures it.
pub fn poll_oneoff_paused(state: &mut State, subs: u32, events: u32, count: u32, nevents_out: u32) -> Result<(), Errno> {
    let written = poll_paused(state, Guest::of(state), subs, events, count)?;
    super::store_u32(nevents_out, written);
    Ok(())
}

fn poll_paused(state: &mut State, guest: Guest, subs: u32, events: u32, count: u32) -> Result<u32, Errno> {
    let pause = &mut state.pause;
    if let Some(sub) = lone_relative_clock(guest, subs, count)? {
        pause.advance(sub.timeout);
        write_event(guest, events, 0, sub.userdata, sub.tag, 0, 1)?;
        return Ok(1);
    }
    let mut start = Start { monotonic: pause.paused_monotonic(), realtime: Some(pause.paused_realtime()) };
    let mut earliest = u64::MAX;
    let mut sub = Subscription::default();
    for i in 0..count {
        read_subscription(guest, subs, i, &mut sub)?;
        if sub.tag != eventtype::CLOCK {
            return Err(errno::NOTSUP);
        }
        earliest = earliest.min(clock_delay(&sub, &mut start)?);
    }
    pause.advance(earliest);
    let mut written = 0;
    for i in 0..count {
        read_subscription(guest, subs, i, &mut sub)?;
        if clock_delay(&sub, &mut start)? <= earliest {
            write_event(guest, events, written, sub.userdata, sub.tag, 0, 0)?;
            written += 1;
        }
    }
    Ok(written)
}

/// Pass 1 over all subscriptions. Stream subscriptions get a pollable in
/// `streams` (one per stream); the first ones are remembered in `seen`.
fn classify_all(
    state: &mut State,
    guest: Guest,
    subs: u32,
    count: u32,
    start: &mut Start,
    streams: &mut [u32; STREAM_SLOTS],
    seen: &mut [Seen; REMEMBERED],
) -> Result<Found, Errno> {
    let mut found = Found::default();
    let mut sub = Subscription::default();
    for i in 0..count {
        read_subscription(guest, subs, i, &mut sub)?;
        let kind = classify(state, &sub, start, Some(&mut *streams))?;
        match kind {
            Kind::Clock(delay) => {
                found.clock_due |= delay == 0;
                found.earliest_clock = Some(found.earliest_clock.map_or(delay, |d| d.min(delay)));
            }
            Kind::FileWrite => found.file_write = true,
            Kind::FileRead { .. } => found.file_read = true,
            Kind::Stream(_) => {}
        }
        if let Some(slot) = seen.get_mut(i as usize) {
            *slot = Seen { userdata: sub.userdata, tag: sub.tag, kind };
        }
    }
    Ok(found)
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
        *self.realtime.get_or_insert_with(|| super::clocks::saturating_nanos(wall_clock::now()))
    }
}

/// Sorts a subscription. With `streams`, a stream subscription also gets a
/// pollable there (one per stream); without, only its slot is named.
fn classify(
    state: &mut State,
    sub: &Subscription,
    start: &mut Start,
    streams: Option<&mut [u32; STREAM_SLOTS]>,
) -> Result<Kind, Errno> {
    if sub.tag == eventtype::CLOCK {
        return clock_delay(sub, start).map(Kind::Clock);
    }
    let d = state.descriptors.get(sub.fd)?;
    let reading = sub.tag == eventtype::FD_READ;
    let slot = match d {
        Descriptor::Stdin { .. } if reading => 0,
        Descriptor::Stdout { .. } if !reading => 1,
        Descriptor::Stderr { .. } if !reading => 2,
        #[cfg(not(feature = "proxy"))]
        Descriptor::File { handle, position, .. } if reading => {
            return Ok(Kind::FileRead { handle: handle.0, position: position.get() })
        }
        #[cfg(not(feature = "proxy"))]
        Descriptor::File { .. } => return Ok(Kind::FileWrite),
        _ => return Err(errno::BADF),
    };
    if let Some(streams) = streams.filter(|streams| streams[slot] == 0) {
        use crate::wasi::io::streams::{input_stream_subscribe, output_stream_subscribe};
        streams[slot] = match d {
            Descriptor::Stdin { stream, .. } => input_stream_subscribe(stdio::stdin(stream)),
            Descriptor::Stdout { stream, .. } => output_stream_subscribe(stdio::stdout_or_stderr(stream, true)),
            Descriptor::Stderr { stream, .. } => output_stream_subscribe(stdio::stdout_or_stderr(stream, false)),
            // The slot was chosen from these three above.
            _ => 0,
        };
    }
    Ok(Kind::Stream(slot))
}

/// Nanoseconds from the start of the call until the clock subscription
/// fires; a deadline in the past fires at once. The CPU-time clocks cannot
/// be waited on (EINVAL, as on the native host).
fn clock_delay(sub: &Subscription, start: &mut Start) -> Result<u64, Errno> {
    match sub.clock_id {
        clockid::MONOTONIC if sub.absolute => Ok(sub.timeout.saturating_sub(start.monotonic)),
        clockid::MONOTONIC | clockid::REALTIME if !sub.absolute => Ok(sub.timeout),
        clockid::REALTIME => Ok(sub.timeout.saturating_sub(start.realtime())),
        _ => Err(errno::INVAL),
    }
}

/// Waits until one of `streams` is ready or `timeout` passes (forever when
/// there is no timeout); returns a bit per ready stream slot.
fn wait(state: &mut State, streams: &[u32; STREAM_SLOTS], timeout: Option<u64>) -> u32 {
    // The pollables to wait on (the streams', then the timeout's) and the
    // stream slot of each. Indexing below cannot fail (at most three
    // streams and one timeout); `get` keeps panics, and their code, out.
    let mut pollables = [0u32; STREAM_SLOTS + 1];
    let mut slots = [0u32; STREAM_SLOTS + 1];
    let mut n = 0;
    for (slot, &pollable) in streams.iter().enumerate() {
        if let (true, Some(p), Some(s)) = (pollable != 0, pollables.get_mut(n), slots.get_mut(n)) {
            *p = pollable;
            *s = slot as u32;
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
    let mut clock = 0;
    if let (Some(nanos), Some(p)) = (timeout, pollables.get_mut(n)) {
        clock = monotonic_clock::subscribe_duration(nanos);
        *p = clock;
        total += 1;
    }
    let plan = ScratchPlan::new(&state.alloc);
    let ready = io_poll::poll(&plan, pollables.get(..total).unwrap_or(&[]));
    let mut bits = 0;
    for j in 0..ready.len() {
        let index = ready.get(j) as usize;
        if let (true, Some(&slot)) = (index < n, slots.get(index)) {
            bits |= 1 << slot;
        }
    }
    drop(plan);
    if clock != 0 {
        io_poll::drop_pollable(clock);
    }
    bits
}

fn sleep(nanos: u64) {
    if nanos == 0 {
        return;
    }
    let pollable = monotonic_clock::subscribe_duration(nanos);
    io_poll::pollable_block(pollable);
    io_poll::drop_pollable(pollable);
}

fn write_event(guest: Guest, events: u32, index: u32, userdata: u64, kind: u8, flags: u16, nbytes: u64) -> Result<(), Errno> {
    let offset = u64::from(index) * u64::from(EVENT_SIZE);
    guest.check_inline(events, offset + u64::from(EVENT_SIZE))?;
    let out = (events as usize + offset as usize) as *mut u64;
    // SAFETY: inside memory (checked above). The 32-byte event as four
    // whole words, padding (zero) included, rather than a `memory.fill`
    // (a call into the runtime on wasmtime) and field stores: userdata;
    // error (0, u16) and type (u8 at 10); nbytes; flags (u16).
    unsafe {
        out.write_unaligned(userdata);
        out.add(1).write_unaligned(u64::from(kind) << 16);
        out.add(2).write_unaligned(nbytes);
        out.add(3).write_unaligned(u64::from(flags));
    }
    Ok(())
}
