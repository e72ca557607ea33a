//! Standard streams: fetched from the host on first use and cached in the
//! descriptor; writing to an output stream.

use crate::descriptors::{CachedFiletype, InputStream, OutputStream};
use crate::errno::{self, Errno};
use crate::wasi::cli;
use crate::wasi::io::streams;

/// The host's stdin stream, fetched on first use.
pub fn stdin(stream: &mut InputStream) -> u32 {
    if stream.0 == 0 {
        stream.0 = cli::stdin::get_stdin();
    }
    stream.0
}

/// The host's stdout (`is_stdout`) or stderr stream, fetched on first use.
pub fn stdout_or_stderr(stream: &mut OutputStream, is_stdout: bool) -> u32 {
    if stream.0 == 0 {
        stream.0 = if is_stdout { cli::stdout::get_stdout() } else { cli::stderr::get_stderr() };
    }
    stream.0
}

/// `blocking-write-and-flush` accepts at most this many bytes per call.
pub const STREAM_WRITE_CHUNK: usize = 4096;

/// Writes all of `[buf, buf + len)` to a stream, in chunks the host
/// accepts. All or an error: no count to return, so the result fits a
/// register and callers need no stack frame for it.
pub fn write_stream(stream: u32, buf: usize, len: usize) -> Result<(), Errno> {
    let mut done = 0;
    while done < len {
        let chunk = (len - done).min(STREAM_WRITE_CHUNK);
        write_chunk(stream, buf + done, chunk)?;
        done += chunk;
    }
    Ok(())
}

/// One `blocking-write-and-flush` (also of zero bytes, which still reaches
/// the file behind an append stream and meets its errors).
pub fn write_chunk(stream: u32, buf: usize, len: usize) -> Result<(), Errno> {
    // SAFETY: the guest's buffer, bounds checked by the caller.
    let bytes = unsafe { crate::memory::bytes(buf, len) };
    streams::output_stream_blocking_write_and_flush(stream, bytes).map_err(errno::from_stream_error)
}

/// P1 filetype of a standard stream (0 stdin, 1 stdout, 2 stderr), as the
/// native host reports it: CHARACTER_DEVICE when it is a terminal, UNKNOWN
/// otherwise. Asked once; the terminal handle is dropped at once.
#[cfg(not(feature = "proxy"))]
pub fn filetype(cached: &mut CachedFiletype, fd: u32) -> u8 {
    use crate::p1::types::filetype;
    cached.get_or(|| {
        let is_terminal = match fd {
            0 => cli::terminal_stdin::get_terminal_stdin().map(cli::terminal_input::drop_terminal_input).is_some(),
            1 => cli::terminal_stdout::get_terminal_stdout().map(cli::terminal_output::drop_terminal_output).is_some(),
            _ => cli::terminal_stderr::get_terminal_stderr().map(cli::terminal_output::drop_terminal_output).is_some(),
        };
        if is_terminal { filetype::CHARACTER_DEVICE } else { filetype::UNKNOWN }
    })
}

#[cfg(feature = "proxy")]
pub fn filetype(_cached: &mut CachedFiletype, _fd: u32) -> u8 {
    crate::p1::types::filetype::UNKNOWN
}
