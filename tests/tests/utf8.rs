//! The adapter's UTF-8 check (`adapter/src/utf8.rs`, compiled here for the
//! host) against `core::str::from_utf8`: every sequence of up to three
//! bytes, every four-byte sequence over a set of edge bytes, and strings of
//! up to 40 bytes mixing ASCII, valid sequences and edge bytes (the ASCII
//! check's word boundaries). The fuzzer compares the whole path check with
//! the native host; this covers the decoder itself, exhaustively where it
//! can.

#[path = "../../adapter/src/utf8.rs"]
mod utf8;

fn check(bytes: &[u8]) {
    // SAFETY: the bytes of a live slice.
    let ours = unsafe { utf8::is_utf8(bytes.as_ptr() as usize, bytes.len()) };
    assert_eq!(ours, std::str::from_utf8(bytes).is_ok(), "{bytes:02x?}");
}

/// ASCII, continuation bytes, and the leads of two-, three- and four-byte
/// sequences around the overlong, surrogate and out-of-range limits.
const EDGES: [u8; 33] = [
    0x00, 0x41, 0x7f, 0x80, 0x81, 0x8f, 0x90, 0x9f, 0xa0, 0xaf, 0xbf, 0xc0, 0xc1, 0xc2, 0xc3, 0xdf, 0xe0, 0xe1,
    0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xf7, 0xf8, 0xfb, 0xfc, 0xfe, 0xff,
];

#[test]
fn every_sequence_of_up_to_three_bytes() {
    for len in 0..=3usize {
        for value in 0..1u32 << (8 * len) {
            check(&value.to_le_bytes()[..len]);
        }
    }
}

#[test]
fn every_four_edge_bytes() {
    for &a in &EDGES {
        for &b in &EDGES {
            for &c in &EDGES {
                for &d in &EDGES {
                    check(&[a, b, c, d]);
                }
            }
        }
    }
}

#[test]
fn mixed_strings_up_to_forty_bytes() {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..300_000 {
        let target = (next() % 41) as usize;
        let mut bytes = Vec::with_capacity(target + 4);
        while bytes.len() < target {
            match next() % 8 {
                0 => bytes.push(EDGES[(next() % EDGES.len() as u64) as usize]),
                1 => {
                    let code_point = (next() % 0x11_0000) as u32;
                    if let Some(c) = char::from_u32(code_point) {
                        bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                    }
                }
                _ => bytes.push(b'a' + (next() % 26) as u8),
            }
        }
        check(&bytes);
    }
}
