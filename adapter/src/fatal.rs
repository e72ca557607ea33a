//! Reporting corrupted adapter state: a sentence on stderr, then a trap.
//!
//! This is the only place the adapter traps on purpose. The adapter has no
//! static data, so a message cannot sit in memory as a string: `fatal!`
//! appends it to a `Line` on the stack 32 bytes at a time, as four 64-bit
//! immediates in the code (`adapter_macros::push_text!`).

use core::mem::MaybeUninit;

use crate::wasi::abi::ReturnArea;
use crate::wasi::cli::stderr;
use crate::wasi::io::streams;

/// A line of text being built on the stack. The buffer starts
/// uninitialised (no fill at every report site): its first `len` bytes
/// are always written, and nothing past them is read.
pub struct Line {
    /// `LINE_CAPACITY` bytes of text, then room for the rest of a last
    /// 32-byte store of `words`.
    bytes: MaybeUninit<[u8; LINE_CAPACITY + 32]>,
    len: usize,
}

const LINE_CAPACITY: usize = 384;

impl Line {
    /// An empty line.
    #[inline(always)]
    pub fn new() -> Line {
        Line { bytes: MaybeUninit::uninit(), len: 0 }
    }

    /// Appends the first `used` bytes (at most 32; more count as 32) of
    /// the four words (little-endian, in order): a piece of text as
    /// immediates, four words to a call. All 32 bytes are stored; those
    /// past `used` are overwritten by the next append or never read. Does
    /// nothing if the `used` bytes do not fit.
    #[inline(never)]
    pub fn words(&mut self, w0: u64, w1: u64, w2: u64, w3: u64, used: usize) {
        let used = used.min(32);
        if self.len + used <= LINE_CAPACITY {
            // SAFETY: `len <= LINE_CAPACITY`, and the buffer has 32 bytes
            // more than that.
            unsafe {
                let at = self.bytes.as_mut_ptr().cast::<u8>().add(self.len).cast::<u64>();
                at.write_unaligned(w0);
                at.add(1).write_unaligned(w1);
                at.add(2).write_unaligned(w2);
                at.add(3).write_unaligned(w3);
            }
            self.len += used;
        }
    }

    fn push_byte(&mut self, byte: u8) {
        if self.len < LINE_CAPACITY {
            // SAFETY: inside the buffer (checked above).
            unsafe { *self.bytes.as_mut_ptr().cast::<u8>().add(self.len) = byte };
            self.len += 1;
        }
    }

    fn push_hex(&mut self, value: usize) {
        let mut shift = usize::BITS;
        while shift > 0 {
            shift -= 4;
            let nibble = ((value >> shift) & 0xf) as u8;
            self.push_byte(if nibble < 10 { b'0' + nibble } else { b'a' + nibble - 10 });
        }
    }

    /// Appends ` 0x<value>`.
    #[inline(never)]
    pub fn value(&mut self, value: usize) {
        self.push_byte(b' ');
        self.push_byte(b'0');
        self.push_byte(b'x');
        self.push_hex(value);
    }

    /// Bytes in the line so far.
    pub fn len(&self) -> usize {
        self.len
    }

    /// The line so far.
    pub fn text(&self) -> &[u8] {
        // SAFETY: the first `len` bytes were written by the appends above.
        unsafe { core::slice::from_raw_parts(self.bytes.as_ptr().cast::<u8>(), self.len) }
    }
}

/// Starts a report: the line with the adapter's name in front.
#[inline(never)]
pub fn begin(line: &mut Line) {
    adapter_macros::push_text!(*line, "wasi-preview1-adapter: ");
}

/// Writes the line and a newline to stderr, and traps.
#[cold]
#[inline(never)]
pub fn end(line: &mut Line) -> ! {
    line.push_byte(b'\n');
    // Imports write their results to the shared return area in the state
    // block (`wasi::abi::return_area`), and a report may be about that
    // block: overwritten, or not placed yet (the global then holds 0 or 1,
    // and an area at 1 + offset is misaligned, which the host refuses).
    // The global is pointed so that the area is this frame's; the
    // instance traps right after.
    let mut area = ReturnArea::<{ crate::wasi::RETURN_AREA_BYTES }>::new();
    crate::globals::set_state_address((area.ptr() as usize).wrapping_sub(crate::wasi::abi::RETURN_AREA_OFFSET));
    let _ = streams::output_stream_blocking_write_and_flush(stderr::get_stderr(), line.text());
    core::arch::wasm32::unreachable()
}

/// `fatal!("message")`, `fatal!("message", value)`,
/// `fatal!("message", value, "detail")`: writes
/// `wasi-preview1-adapter: message 0x<value>detail` to stderr and traps.
#[macro_export]
macro_rules! fatal {
    ($message:literal $(, $value:expr $(, $detail:literal)?)?) => {{
        let mut line = $crate::fatal::Line::new();
        $crate::fatal::begin(&mut line);
        adapter_macros::push_text!(line, $message);
        $(
            line.value($value as usize);
            $(adapter_macros::push_text!(line, $detail);)?
        )?
        $crate::fatal::end(&mut line)
    }};
}
