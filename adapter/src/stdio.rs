//! Standard streams: fetched from the host on first use and cached in the
//! descriptor; writing to an output stream.

use crate::descriptors::{kind, Descriptor};
use crate::errno::{self, Errno};
use crate::wasi::cli;
use crate::wasi::io::streams;

/// The input stream of a STDIN descriptor.
pub fn input_stream(d: &mut Descriptor) -> u32 {
    if d.handle == 0 {
        d.handle = cli::stdin::get_stdin();
    }
    d.handle
}

/// The output stream of a STDOUT/STDERR descriptor.
pub fn output_stream(d: &mut Descriptor) -> u32 {
    if d.stream == 0 {
        d.stream = if d.kind == kind::STDOUT { cli::stdout::get_stdout() } else { cli::stderr::get_stderr() };
    }
    d.stream
}

/// `blocking-write-and-flush` accepts at most this many bytes per call.
const STREAM_WRITE_CHUNK: usize = 4096;

/// Writes all of `[buf, buf + len)` to a stream, in chunks the host accepts.
pub fn write_stream(stream: u32, buf: usize, len: usize) -> Result<usize, Errno> {
    let mut done = 0;
    while done < len {
        let chunk = (len - done).min(STREAM_WRITE_CHUNK);
        write_chunk(stream, buf + done, chunk)?;
        done += chunk;
    }
    Ok(done)
}

/// One `blocking-write-and-flush` (also of zero bytes, which still reaches
/// the file behind an append stream and meets its errors).
pub fn write_chunk(stream: u32, buf: usize, len: usize) -> Result<(), Errno> {
    // SAFETY: the guest's buffer, bounds checked by the caller.
    let bytes = unsafe { crate::memory::bytes(buf, len) };
    streams::output_stream_blocking_write_and_flush(stream, bytes).map_err(errno::from_stream_error)
}

/// Releases the streams a descriptor holds.
pub fn drop_streams(d: &Descriptor) {
    if d.kind == kind::STDIN && d.handle != 0 {
        streams::drop_input_stream(d.handle);
    }
    if d.stream != 0 {
        streams::drop_output_stream(d.stream);
    }
}

/// P1 filetype of a standard stream, as the native host reports it:
/// CHARACTER_DEVICE when it is a terminal, UNKNOWN otherwise.
#[cfg(not(feature = "proxy"))]
pub fn filetype(d: &mut Descriptor) -> u8 {
    use crate::descriptors::flag;
    use crate::p1::types::filetype;
    if d.flags & flag::FILETYPE_KNOWN == 0 {
        // The terminal handle is only asked for and dropped at once.
        let is_terminal = if d.kind == kind::STDIN {
            cli::terminal_stdin::get_terminal_stdin().map(cli::terminal_input::drop_terminal_input).is_some()
        } else {
            let terminal = if d.kind == kind::STDOUT {
                cli::terminal_stdout::get_terminal_stdout()
            } else {
                cli::terminal_stderr::get_terminal_stderr()
            };
            terminal.map(cli::terminal_output::drop_terminal_output).is_some()
        };
        d.filetype = if is_terminal { filetype::CHARACTER_DEVICE } else { filetype::UNKNOWN };
        d.flags |= flag::FILETYPE_KNOWN;
    }
    d.filetype
}

#[cfg(feature = "proxy")]
pub fn filetype(_d: &mut Descriptor) -> u8 {
    crate::p1::types::filetype::UNKNOWN
}
