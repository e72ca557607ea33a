//! Procedural macros for the adapter.
//!
//! The adapter may not contain data segments, so a string literal can never
//! be placed in memory by the compiler. `text!` turns a literal into code that
//! writes the bytes, eight at a time, into a stack buffer with volatile stores
//! (volatile so that LLVM cannot fold them back into a constant in `.rodata`).

use proc_macro::{Delimiter, Literal, TokenStream, TokenTree};

/// `text!("...")` evaluates to `([u64; N], usize)`: the bytes of the literal
/// packed little-endian into words, and the byte length.
#[proc_macro]
pub fn text(input: TokenStream) -> TokenStream {
    let text = match parse_string_literal(input) {
        Ok(text) => text,
        Err(message) => return format!("compile_error!({message:?})").parse().unwrap(),
    };
    let bytes = text.as_bytes();
    let words: Vec<u64> = bytes
        .chunks(8)
        .map(|chunk| {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            u64::from_le_bytes(word)
        })
        .collect();
    let mut code = format!(
        "{{ let mut words = [0u64; {count}]; let base = words.as_mut_ptr(); \
         // SAFETY: every index is below the array length.\n unsafe {{",
        count = words.len().max(1)
    );
    for (index, word) in words.iter().enumerate() {
        code.push_str(&format!(
            "::core::ptr::write_volatile(base.add({index}), {word:#x}u64);"
        ));
    }
    code.push_str(&format!("}} (words, {len}usize) }}", len = bytes.len()));
    code.parse().unwrap()
}

fn parse_string_literal(input: TokenStream) -> Result<String, String> {
    let mut tokens = input.into_iter();
    match (tokens.next(), tokens.next()) {
        (Some(TokenTree::Literal(literal)), None) => unquote(&literal),
        // A literal forwarded by `macro_rules!` arrives in an invisible group.
        (Some(TokenTree::Group(group)), None) if group.delimiter() == Delimiter::None => {
            parse_string_literal(group.stream())
        }
        _ => Err("text! takes exactly one string literal".into()),
    }
}

/// Decodes a plain (non-raw) string literal with the escapes messages need.
fn unquote(literal: &Literal) -> Result<String, String> {
    let source = literal.to_string();
    let inner = source
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .ok_or("text! takes a plain string literal")?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('\\') => out.push('\\'),
            Some('"') => out.push('"'),
            Some('\'') => out.push('\''),
            other => return Err(format!("unsupported escape \\{other:?} in text!")),
        }
    }
    Ok(out)
}
