//! The paused state: P1 calls made while the host is lowering a result into
//! the main module, through the main module's own `cabi_realloc`.
//!
//! The component model forbids calling any import then (the host traps with
//! "cannot leave component instance"), yet Go's `cabi_realloc` allocates
//! from Go's heap, and an allocation may run the garbage collector, which
//! reads both clocks, polls once a timer exists, and writes to stderr under
//! `GODEBUG=gctrace=1`. The guest announces such stretches, either itself
//! (`adapter_monotonic_clock_set_paused`, as componentize-go's runtime
//! library does) or through a wrapper the converter adds around its
//! `cabi_realloc` (`adapter_pause_begin` / `adapter_pause_end`). Pauses nest:
//! a counter, not a flag.
//!
//! While paused nothing the guest can reach calls the host:
//! * both clocks answer from the last real readings (refreshed by every
//!   unpaused clock read), never going backwards and never 0;
//! * `poll_oneoff` on clocks answers at once, as if the earliest clock had
//!   expired, and moves the paused clocks forward by that much (see
//!   `poll::poll_paused`);
//! * `fd_write` to stdout/stderr is kept in a buffer and written, in order,
//!   by the next unpaused call;
//! * `random_get` is served from a pool that unpaused calls refill;
//! * `sched_yield` succeeds;
//! * everything else answers ENOTSUP (docs/reentrancy.md lists them);
//!   `proc_exit` cannot be served at all: exiting is a host call.

use crate::descriptors::{Descriptor, Descriptors};
use crate::errno::{self, Errno};
use crate::memory;
use crate::wasi::abi::{Allocator, BufferPlan};
use crate::wasi::random::random;

/// Bytes of stdout/stderr output kept while paused (a `gctrace` line is
/// about 130 bytes; one collection runs per allocation at most).
const OUTPUT_CAPACITY: usize = 512;
/// Bytes of randomness kept for paused `random_get` calls (Go reads 32 at
/// start-up, unpaused).
const RANDOM_CAPACITY: usize = 64;
/// Each buffered write is stored as: descriptor (1 byte), length (2 bytes,
/// little-endian), the bytes.
const RECORD_HEADER: usize = 3;

/// `Pause::attention` bits: what the next call must look at.
mod attention {
    /// A pause is open.
    pub const PAUSED: u32 = 1 << 0;
    /// Output was kept while paused.
    pub const OUTPUT: u32 = 1 << 1;
    /// The randomness pool is not full.
    pub const RANDOM: u32 = 1 << 2;
    /// No unpaused call has run yet; the first one reads both clocks and
    /// installs the preopens (`exports::attend`).
    pub const FIRST_CALL: u32 = 1 << 3;
}

#[repr(C)]
pub struct Pause {
    /// `attention` bits; 0 on the fast path of every call.
    attention: u32,
    /// How many pauses are open.
    depth: u32,
    /// Output bytes that did not fit the buffer, reported when flushed.
    dropped: u32,
    output_len: u32,
    random_len: u32,
    /// The last monotonic reading of the host (unpaused), stored by every
    /// read without a comparison.
    monotonic: u64,
    /// Highest monotonic time answered while paused, or by a paused poll's
    /// "sleep"; an unpaused read below it answers it instead (rare: only
    /// after a paused poll moved the clock on). 0 until then.
    ahead: u64,
    /// The last wall-clock reading, and the monotonic time it was taken at.
    realtime: u64,
    monotonic_at_realtime: u64,
    /// Highest wall-clock time answered while paused.
    paused_realtime: u64,
    output: [u8; OUTPUT_CAPACITY],
    random: [u8; RANDOM_CAPACITY],
}

impl Pause {
    /// A fresh state block has an empty randomness pool to fill.
    pub fn init(&mut self) {
        self.attention = attention::RANDOM | attention::FIRST_CALL;
    }

    /// Whether the call must look at the pause before its body: one load
    /// on the fast path of every call. Then `attend` says what to do.
    #[inline(always)]
    pub fn needs_attention(&self) -> bool {
        self.attention != 0
    }

    /// When `needs_attention`: true when the call runs inside an announced
    /// host-started allocation. Otherwise catches up first: writes output
    /// kept while paused and refills the randomness pool.
    pub fn attend(&mut self, descriptors: &mut Descriptors, allocator: &mut Allocator) -> bool {
        if self.attention & attention::PAUSED != 0 {
            return true;
        }

        if self.attention & attention::OUTPUT != 0 {
            self.flush_output(descriptors);
        }
        if self.attention & attention::RANDOM != 0 {
            self.refill_random(allocator);
        }
        false
    }

    /// Whether this is the first unpaused call (true once).
    pub fn first_call(&mut self) -> bool {
        let first = self.attention & attention::FIRST_CALL != 0;
        self.attention &= !attention::FIRST_CALL;
        first
    }

    /// Opens a pause. Calls nothing.
    pub fn begin(&mut self) {
        self.depth = self.depth.saturating_add(1);
        self.attention |= attention::PAUSED;
    }

    /// Closes a pause (an unmatched close is ignored). Calls nothing: the
    /// guest is typically still inside the host's allocation; the next
    /// unpaused call catches up.
    pub fn end(&mut self) {
        self.depth = self.depth.saturating_sub(1);
        if self.depth == 0 {
            self.attention &= !attention::PAUSED;
        }
    }

    /// Records a monotonic reading of the host (unpaused) and returns what
    /// the guest gets: never less than anything answered before. The
    /// reading is stored unconditionally and compared with `ahead`, which
    /// is 0 unless a pause moved the clock on: three instructions fewer
    /// than keeping one running maximum.
    #[inline(always)]
    pub fn observe_monotonic(&mut self, now: u64) -> u64 {
        self.monotonic = now;
        if now < self.ahead {
            return self.ahead;
        }
        now
    }

    /// The highest monotonic time answered so far, paused or not.
    fn answered(&self) -> u64 {
        self.monotonic.max(self.ahead)
    }

    /// Records a wall-clock reading of the host (unpaused).
    pub fn observe_realtime(&mut self, now: u64) {
        self.realtime = now;
        self.monotonic_at_realtime = self.answered();
    }

    /// The monotonic clock while paused: the last answer (at least 1).
    pub fn paused_monotonic(&mut self) -> u64 {
        self.ahead = self.answered().max(1);
        self.ahead
    }

    /// The wall clock while paused: the last reading moved on by the
    /// monotonic time since, never less than an earlier paused answer (at
    /// least 1).
    pub fn paused_realtime(&mut self) -> u64 {
        let since = self.answered().saturating_sub(self.monotonic_at_realtime);
        let now = self.realtime.saturating_add(since).max(self.paused_realtime).max(1);
        self.paused_realtime = now;
        now
    }

    /// Moves the paused clocks forward (a paused poll "slept" this long).
    pub fn advance(&mut self, nanos: u64) {
        self.ahead = self.answered().saturating_add(nanos);
    }

    /// Keeps a paused write to stdout (1) or stderr (2).
    #[inline(never)]
    pub fn keep_output(&mut self, fd: u8, buf: usize, len: usize) {
        let used = self.output_len as usize;
        self.attention |= attention::OUTPUT;
        let room = OUTPUT_CAPACITY.saturating_sub(used);
        if room <= RECORD_HEADER {
            self.dropped = self.dropped.saturating_add(len as u32);
            return;
        }
        let kept = len.min(room - RECORD_HEADER);
        let record = self.output.as_mut_ptr() as usize + used;
        // SAFETY: the record (header and `kept` bytes of the guest's buffer,
        // bounds checked by the caller) fits the `room` left in the buffer.
        unsafe {
            *(record as *mut u8) = fd;
            core::ptr::write_unaligned((record + 1) as *mut u16, kept as u16);
            memory::copy(record + RECORD_HEADER, buf, kept);
        }
        self.output_len = (used + RECORD_HEADER + kept) as u32;
        self.dropped = self.dropped.saturating_add((len - kept) as u32);
    }

    fn flush_output(&mut self, descriptors: &mut Descriptors) {
        let start = self.output.as_ptr() as usize;
        let end = start + (self.output_len as usize).min(OUTPUT_CAPACITY);
        let mut record = start;
        while record + RECORD_HEADER <= end {
            // SAFETY: a record header `keep_output` wrote, inside the buffer.
            let (fd, len) = unsafe { (*(record as *const u8), core::ptr::read_unaligned((record + 1) as *const u16)) };
            let bytes = record + RECORD_HEADER;
            let len = (len as usize).min(end - bytes);
            write_to(descriptors, u32::from(fd), bytes, len);
            record = bytes + len;
        }
        self.output_len = 0;
        self.attention &= !attention::OUTPUT;
        if self.dropped != 0 {
            let mut note = crate::fatal::Line::new();
            crate::fatal::begin(&mut note);
            adapter_macros::push_text!(note, "output written during a host-started allocation did not fit and was dropped\n");
            self.dropped = 0;
            write_to(descriptors, 2, note.text().as_ptr() as usize, note.len());
        }
    }

    fn refill_random(&mut self, allocator: &mut Allocator) {
        let have = self.random_len as usize;
        let want = RANDOM_CAPACITY - have;
        let at = self.random.as_mut_ptr() as usize + have;
        let plan = BufferPlan::new(allocator, at, want);
        let bytes = random::get_random_bytes(&plan, want as u64);
        drop(plan);
        self.random_len = (have + bytes.len()) as u32;
        if self.random_len as usize == RANDOM_CAPACITY {
            self.attention &= !attention::RANDOM;
        }
    }

    /// Serves a paused `random_get` from the pool.
    pub fn take_random(&mut self, buf: usize, len: usize) -> Result<(), Errno> {
        let have = self.random_len as usize;
        if len > have {
            return Err(errno::NOTSUP);
        }
        let from = have - len;
        // SAFETY: `len` pool bytes into the guest's buffer (bounds checked
        // by the caller).
        unsafe { memory::copy(buf, self.random.as_ptr() as usize + from, len) };
        self.random_len = from as u32;
        self.attention |= attention::RANDOM;
        Ok(())
    }
}

/// Writes kept output; errors are dropped, as the paused write already
/// reported success. Standard streams need no preopens.
fn write_to(descriptors: &mut Descriptors, fd: u32, buf: usize, len: usize) {
    let stream = match descriptors.get(fd) {
        Ok(Descriptor::Stdout { stream, .. }) => crate::stdio::stdout_or_stderr(stream, true),
        Ok(Descriptor::Stderr { stream, .. }) => crate::stdio::stdout_or_stderr(stream, false),
        _ => return,
    };
    let _ = crate::stdio::write_stream(stream, buf, len);
}
