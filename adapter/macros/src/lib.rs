//! Procedural macros for the adapter.
//!
//! The adapter may not contain data segments, so a string literal can never
//! be placed in memory by the compiler. `push_text!` turns a literal into
//! calls that append its bytes, 32 at a time, as 64-bit immediates.

use proc_macro::{Delimiter, Literal, TokenStream, TokenTree};

/// `push_text!(line, "...")` appends the literal to a `fatal::Line`: one
/// `line.words(..)` call per 32 bytes, as four 64-bit immediates (the last
/// call's padded with zeros) and the number of bytes that are text.
/// Nothing is built on the side and copied.
#[proc_macro]
pub fn push_text(input: TokenStream) -> TokenStream {
    let mut tokens: Vec<TokenTree> = input.into_iter().collect();
    let Some(comma) = tokens.iter().position(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ',')) else {
        return "compile_error!(\"push_text! takes a line and a string literal\")".parse().unwrap();
    };
    let literal: TokenStream = tokens.split_off(comma + 1).into_iter().collect();
    tokens.pop();
    let line: TokenStream = tokens.into_iter().collect();
    let text = match parse_string_literal(literal) {
        Ok(text) => text,
        Err(message) => return format!("compile_error!({message:?})").parse().unwrap(),
    };
    let mut code = format!("{{ let line = &mut {line}; ");
    for chunk in text.as_bytes().chunks(32) {
        let mut bytes = [0u8; 32];
        bytes[..chunk.len()].copy_from_slice(chunk);
        let word = |i: usize| u64::from_le_bytes(bytes[i * 8..i * 8 + 8].try_into().unwrap());
        code.push_str(&format!(
            "line.words({:#x}u64, {:#x}u64, {:#x}u64, {:#x}u64, {}); ",
            word(0),
            word(1),
            word(2),
            word(3),
            chunk.len()
        ));
    }
    code.push('}');
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
